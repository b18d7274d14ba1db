package passhash_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/userpool/userpool/internal/passhash"
)

func TestHashVerify(t *testing.T) {
	h, err := passhash.New(passhash.Minimum, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	enc, err := h.Hash(ctx, "Correct-Horse-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=8,t=1,p=1$") {
		t.Fatalf("encoding %q", enc)
	}
	if err := h.Verify(ctx, enc, "Correct-Horse-1"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := h.Verify(ctx, enc, "Correct-Horse-2"); !errors.Is(err, passhash.ErrMismatch) {
		t.Fatalf("wrong password: got %v, want ErrMismatch", err)
	}
	enc2, _ := h.Hash(ctx, "Correct-Horse-1")
	if enc == enc2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyUsesParamsFromHash(t *testing.T) {
	old, _ := passhash.New(passhash.Params{Memory: 64, Iterations: 2, Parallelism: 1}, 1)
	enc, _ := old.Hash(t.Context(), "pw")
	cur, _ := passhash.New(passhash.Minimum, 1)
	if err := cur.Verify(t.Context(), enc, "pw"); err != nil {
		t.Fatalf("hash with older params: %v", err)
	}
	if !cur.NeedsRehash(enc) {
		t.Fatal("NeedsRehash = false for other params")
	}
}

func TestVerifyRejectsGarbage(t *testing.T) {
	h, _ := passhash.New(passhash.Minimum, 1)
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=18$m=8,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=8,t=1,p=1$!!$AAAA", "$argon2id$v=19$m=8,t=1,p=1$AAAA$"} {
		if err := h.Verify(t.Context(), enc, "pw"); err == nil || errors.Is(err, passhash.ErrMismatch) {
			t.Errorf("Verify(%q) = %v, want a decode error", enc, err)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	if _, err := passhash.New(passhash.Params{Memory: 4, Iterations: 1, Parallelism: 1}, 1); err == nil {
		t.Fatal("memory 4 KiB accepted")
	}
	if _, err := passhash.New(passhash.Params{Memory: 64, Iterations: 0, Parallelism: 1}, 1); err == nil {
		t.Fatal("0 iterations accepted")
	}
}

func BenchmarkHashOWASP(b *testing.B) {
	h, _ := passhash.New(passhash.OWASP, 0)
	for b.Loop() {
		if _, err := h.Hash(context.Background(), "Correct-Horse-1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashOWASPParallel(b *testing.B) {
	h, _ := passhash.New(passhash.OWASP, 0)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash(context.Background(), "Correct-Horse-1"); err != nil {
				b.Error(err)
			}
		}
	})
}

func BenchmarkVerifyMinimum(b *testing.B) {
	h, _ := passhash.New(passhash.Minimum, 0)
	enc, _ := h.Hash(context.Background(), "pw")
	for b.Loop() {
		_ = h.Verify(context.Background(), enc, "pw")
	}
}
