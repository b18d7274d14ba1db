package userpool

import (
	"bytes"
	"testing"

	"github.com/userpool/userpool/internal/srp"
)

// TestVerifierDocument: a version-1 document holds a fresh salt and the
// verifier internal/srp derives from it; damaged or unknown documents are
// refused (the user then fails SRP as with a wrong password).
func TestVerifierDocument(t *testing.T) {
	doc := newVerifierDoc("us-east-1_AbC", "alice", "Passw0rd!")
	vf, ok := decodeVerifier(doc)
	if !ok || len(vf.salt) != srpSaltBytes {
		t.Fatalf("decode: %v, salt %d bytes", ok, len(vf.salt))
	}
	if vf.v.Cmp(srp.Verifier("AbC", "alice", "Passw0rd!", vf.salt)) != 0 {
		t.Fatal("the document's verifier is not srp.Verifier of its salt")
	}
	if again, _ := decodeVerifier(newVerifierDoc("us-east-1_AbC", "alice", "Passw0rd!")); bytes.Equal(again.salt, vf.salt) {
		t.Fatal("two password sets share a salt")
	}
	for _, bad := range [][]byte{nil, {}, {1}, {2, 16}, {1, 0, 5}, append([]byte{1, 16}, make([]byte, 16)...), append([]byte{9}, doc[1:]...)} {
		if _, ok := decodeVerifier(bad); ok {
			t.Errorf("decoded % x", bad)
		}
	}
}

// TestFakeVerifier: stable for a name, different across names and pools,
// shaped like a real one.
func TestFakeVerifier(t *testing.T) {
	s, _ := testService(t, Config{})
	a, b := s.fakeVerifier("p1", "nobody"), s.fakeVerifier("p1", "nobody")
	if !bytes.Equal(a.salt, b.salt) || a.v.Cmp(b.v) != 0 {
		t.Fatal("not stable")
	}
	for _, o := range []srpVerifier{s.fakeVerifier("p1", "nobodx"), s.fakeVerifier("p2", "nobody")} {
		if bytes.Equal(o.salt, a.salt) || o.v.Cmp(a.v) == 0 {
			t.Fatal("shared between names or pools")
		}
	}
	if len(a.salt) != srpSaltBytes || a.v.Sign() <= 0 || a.v.Cmp(srp.N) >= 0 {
		t.Fatalf("salt %d bytes, v in range %v", len(a.salt), a.v.Cmp(srp.N) < 0)
	}
}
