package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// newCode returns a code of purpose for the user whose MAC is derived from
// code, so two codes made from the same string have equal MACs.
func newCode(poolID, username, purpose, code string) *store.Code {
	return &store.Code{
		PoolID:    poolID,
		Username:  username,
		Purpose:   purpose,
		MAC:       codeMAC(code),
		Attribute: "email",
		CreatedAt: t0,
		ExpiresAt: t0.Add(time.Hour),
	}
}

func codeMAC(code string) []byte {
	h := sha256.Sum256([]byte("code " + code))
	return h[:]
}

func putCode(t *testing.T, ctx context.Context, s store.Store, c *store.Code) *store.Code {
	t.Helper()
	must(t, s.PutCode(ctx, c), "PutCode "+c.Username+"/"+c.Purpose)
	return c
}

// hasCode asserts that the outstanding code of (pool, user, purpose) is want.
func hasCode(t *testing.T, ctx context.Context, s store.Store, want *store.Code) {
	t.Helper()
	got, err := s.GetCode(ctx, want.PoolID, want.Username, want.Purpose)
	must(t, err, "GetCode "+want.PoolID+"/"+want.Username+"/"+want.Purpose)
	same(t, codeView, got, want, "GetCode "+want.PoolID+"/"+want.Username+"/"+want.Purpose)
}

// noCode asserts that (pool, user, purpose) has no outstanding code.
func noCode(t *testing.T, ctx context.Context, s store.Store, poolID, username, purpose string) {
	t.Helper()
	_, err := s.GetCode(ctx, poolID, username, purpose)
	wantErr(t, err, store.ErrNotFound, "GetCode "+poolID+"/"+username+"/"+purpose)
}

var codeTests = []testCase{
	{"PutGet", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		want := newCode("p1", "alice", "RESET", "123456")
		want.Attribute = "phone_number"
		// Long expired: GetCode returns a code whether or not it has expired.
		want.ExpiresAt = t0.Add(-time.Minute)
		putCode(t, ctx, s, want)
		hasCode(t, ctx, s, want)
	}},
	{"GetMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		createUser(t, ctx, s, "p1", "alice")
		createUser(t, ctx, s, "p1", "bob")
		createUser(t, ctx, s, "p2", "alice")
		putCode(t, ctx, s, newCode("p1", "alice", "RESET", "1"))
		noCode(t, ctx, s, "p1", "alice", "SIGN_UP") // other purpose
		noCode(t, ctx, s, "p1", "bob", "RESET")     // other user
		noCode(t, ctx, s, "p2", "alice", "RESET")   // other pool
		noCode(t, ctx, s, "p1", "Alice", "RESET")   // matched exactly
		noCode(t, ctx, s, "p1", "alice", "reset")
		noCode(t, ctx, s, "p1", "nobody", "RESET")
	}},
	{"LatestWins", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		first := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "111111"))
		second := newCode("p1", "alice", "RESET", "222222")
		second.Attribute = "phone_number"
		second.CreatedAt, second.ExpiresAt = t0.Add(time.Minute), t0.Add(2*time.Hour)
		putCode(t, ctx, s, second)
		hasCode(t, ctx, s, second) // every field replaced
		// The replaced code is dead.
		err := s.ConsumeCode(ctx, "p1", "alice", "RESET", first.MAC)
		wantErr(t, err, store.ErrNotFound, "ConsumeCode with the replaced code's MAC")
		hasCode(t, ctx, s, second)
		must(t, s.ConsumeCode(ctx, "p1", "alice", "RESET", second.MAC), "ConsumeCode with the latest MAC")
		noCode(t, ctx, s, "p1", "alice", "RESET")
		// Consumed means gone: the same MAC does not work twice.
		err = s.ConsumeCode(ctx, "p1", "alice", "RESET", second.MAC)
		wantErr(t, err, store.ErrNotFound, "second ConsumeCode")
		// A consumed code's slot takes a new code.
		third := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "333333"))
		hasCode(t, ctx, s, third)
	}},
	{"ScopedByPoolUserAndPurpose", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		createUser(t, ctx, s, "p1", "alice")
		createUser(t, ctx, s, "p1", "bob")
		createUser(t, ctx, s, "p2", "alice")
		// All with the same MAC: only the addressed one may be consumed.
		target := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "same"))
		others := []*store.Code{
			putCode(t, ctx, s, newCode("p1", "alice", "VERIFY:email", "same")),
			putCode(t, ctx, s, newCode("p1", "bob", "RESET", "same")),
			putCode(t, ctx, s, newCode("p2", "alice", "RESET", "same")),
		}
		hasCode(t, ctx, s, target)
		must(t, s.ConsumeCode(ctx, "p1", "alice", "RESET", target.MAC), "ConsumeCode")
		noCode(t, ctx, s, "p1", "alice", "RESET")
		for _, c := range others {
			hasCode(t, ctx, s, c)
		}
		// Replacing one code leaves the others alone.
		repl := putCode(t, ctx, s, newCode("p1", "bob", "RESET", "new"))
		hasCode(t, ctx, s, repl)
		hasCode(t, ctx, s, others[0])
		hasCode(t, ctx, s, others[2])
	}},
	{"ConsumeWrongMAC", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		c := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "123456"))
		for name, mac := range map[string][]byte{
			"another code's MAC": codeMAC("654321"),
			"a prefix":           c.MAC[:len(c.MAC)-1],
			"a longer MAC":       append(append([]byte(nil), c.MAC...), 0),
			"empty":              {},
			"nil":                nil,
		} {
			err := s.ConsumeCode(ctx, "p1", "alice", "RESET", mac)
			wantErr(t, err, store.ErrNotFound, "ConsumeCode with "+name)
			hasCode(t, ctx, s, c) // a wrong guess leaves the code
		}
		wantErr(t, s.ConsumeCode(ctx, "p1", "alice", "SIGN_UP", c.MAC), store.ErrNotFound,
			"ConsumeCode of another purpose")
		wantErr(t, s.ConsumeCode(ctx, "p1", "bob", "RESET", c.MAC), store.ErrNotFound,
			"ConsumeCode of a missing user")
		wantErr(t, s.ConsumeCode(ctx, "p2", "alice", "RESET", c.MAC), store.ErrNotFound,
			"ConsumeCode in a missing pool")
		hasCode(t, ctx, s, c)
		must(t, s.ConsumeCode(ctx, "p1", "alice", "RESET", codeMAC("123456")), "ConsumeCode with the right MAC")
		noCode(t, ctx, s, "p1", "alice", "RESET")
	}},
	{"ConsumeRace", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		c := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "123456"))
		errs := make([]error, racers)
		parallel(racers, func(i int) {
			errs[i] = s.ConsumeCode(ctx, "p1", "alice", "RESET", c.MAC)
		})
		winners := 0
		for i, err := range errs {
			switch {
			case err == nil:
				winners++
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("losing ConsumeCode %d: got %v, want ErrNotFound", i, err)
			}
		}
		if winners != 1 {
			t.Errorf("%d of %d concurrent ConsumeCode calls succeeded, want exactly 1", winners, racers)
		}
		noCode(t, ctx, s, "p1", "alice", "RESET")
	}},
	{"PutForMissingUser", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		err := s.PutCode(ctx, newCode("p1", "ghost", "RESET", "1"))
		wantErr(t, err, store.ErrNotFound, "PutCode for a missing user")
		noCode(t, ctx, s, "p1", "ghost", "RESET")
		err = s.PutCode(ctx, newCode("nope", "alice", "RESET", "1"))
		wantErr(t, err, store.ErrNotFound, "PutCode in a missing pool")
		noCode(t, ctx, s, "nope", "alice", "RESET")
		err = s.PutCode(ctx, newCode("p1", "Alice", "RESET", "1"))
		wantErr(t, err, store.ErrNotFound, "PutCode for a username differing in case")
		must(t, s.DeleteUser(ctx, "p1", "alice"), "DeleteUser")
		err = s.PutCode(ctx, newCode("p1", "alice", "RESET", "1"))
		wantErr(t, err, store.ErrNotFound, "PutCode for a deleted user")
		noCode(t, ctx, s, "p1", "alice", "RESET")
	}},
	{"GoneWithUser", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		createUser(t, ctx, s, "p1", "bob")
		putCode(t, ctx, s, newCode("p1", "alice", "RESET", "1"))
		putCode(t, ctx, s, newCode("p1", "alice", "VERIFY:email", "2"))
		keep := putCode(t, ctx, s, newCode("p1", "bob", "RESET", "3"))
		must(t, s.DeleteUser(ctx, "p1", "alice"), "DeleteUser")
		noCode(t, ctx, s, "p1", "alice", "RESET")
		noCode(t, ctx, s, "p1", "alice", "VERIFY:email")
		hasCode(t, ctx, s, keep)
		// A new user of the same name does not inherit the old codes.
		createUser(t, ctx, s, "p1", "alice")
		noCode(t, ctx, s, "p1", "alice", "RESET")
		noCode(t, ctx, s, "p1", "alice", "VERIFY:email")
		wantErr(t, s.ConsumeCode(ctx, "p1", "alice", "RESET", codeMAC("1")), store.ErrNotFound,
			"ConsumeCode of the deleted user's code by a new user of the same name")
	}},
	{"GoneWithPool", func(t *testing.T, ctx context.Context, s store.Store) {
		for _, p := range []string{"doomed", "kept"} {
			createPool(t, ctx, s, p)
			createUser(t, ctx, s, p, "alice")
			putCode(t, ctx, s, newCode(p, "alice", "RESET", "1"))
		}
		must(t, s.DeletePool(ctx, "doomed"), "DeletePool")
		noCode(t, ctx, s, "doomed", "alice", "RESET")
		hasCode(t, ctx, s, newCode("kept", "alice", "RESET", "1"))
		createPool(t, ctx, s, "doomed")
		createUser(t, ctx, s, "doomed", "alice")
		noCode(t, ctx, s, "doomed", "alice", "RESET")
	}},
	{"ReturnsCopies", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		in := newCode("p1", "alice", "RESET", "1")
		must(t, s.PutCode(ctx, in), "PutCode")
		in.MAC[0] ^= 0xff // the store must not have kept the caller's slice
		got, err := s.GetCode(ctx, "p1", "alice", "RESET")
		must(t, err, "GetCode")
		got.MAC[1] ^= 0xff
		hasCode(t, ctx, s, newCode("p1", "alice", "RESET", "1"))
	}},
}
