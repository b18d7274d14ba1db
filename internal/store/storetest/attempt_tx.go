package storetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// takeTx calls TakeAttemptTx for alice's "request" attempts (limit 2, one
// hour) with fn, and reports whether it was allowed and whether fn ran.
func takeTx(t *testing.T, ctx context.Context, s store.Store, fn func(store.Store) error) (allowed, ran bool, err error) {
	t.Helper()
	allowed, err = s.TakeAttemptTx(ctx, "p1", "alice", "request", t0, time.Hour, 2, func(tx store.Store) error {
		ran = true
		return fn(tx)
	})
	return allowed, ran, err
}

var attemptTxTests = []testCase{
	{"TxRunsOnlyWhenAllowed", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		for i, code := range []string{"111111", "222222", "333333"} {
			c := newCode("p1", "alice", "RESET", code)
			allowed, ran, err := takeTx(t, ctx, s, func(tx store.Store) error { return tx.PutCode(ctx, c) })
			must(t, err, "TakeAttemptTx")
			if want := i < 2; allowed != want || ran != want {
				t.Errorf("TakeAttemptTx %d: allowed %v, fn ran %v; want %v and %v", i, allowed, ran, want, want)
			}
		}
		// The refused call changed nothing but its attempt: the second code
		// is the outstanding one, and all three attempts count.
		hasCode(t, ctx, s, newCode("p1", "alice", "RESET", "222222"))
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 3)
	}},
	{"TxFailingFnLeavesNoWritesButTheAttempt", func(t *testing.T, ctx context.Context, s store.Store) {
		// The attempt counts whatever fn does: a request that got past the
		// limit used up one of the window's attempts even if nothing came
		// of it.
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		boom := errors.New("boom")
		allowed, ran, err := takeTx(t, ctx, s, func(tx store.Store) error {
			must(t, tx.PutCode(ctx, newCode("p1", "alice", "RESET", "1")), "PutCode in fn")
			return boom
		})
		if !errors.Is(err, boom) || !allowed || !ran {
			t.Errorf("TakeAttemptTx with a failing fn = allowed %v, ran %v, %v; want true, true, boom", allowed, ran, err)
		}
		noCode(t, ctx, s, "p1", "alice", "RESET")
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 1)
		// With a limit of 2, the failed request and one more use it up.
		for i, want := range []bool{true, false} {
			allowed, ran, err := takeTx(t, ctx, s, func(store.Store) error { return boom })
			if (want && !errors.Is(err, boom)) || (!want && err != nil) || allowed != want || ran != want {
				t.Errorf("TakeAttemptTx %d after the failed one = allowed %v, ran %v, %v; want %v", i, allowed, ran, err, want)
			}
		}
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 3)
	}},
	{"TxMissingPool", func(t *testing.T, ctx context.Context, s store.Store) {
		allowed, ran, err := takeTx(t, ctx, s, func(store.Store) error { return nil })
		wantErr(t, err, store.ErrNotFound, "TakeAttemptTx in a missing pool")
		if allowed || ran {
			t.Errorf("TakeAttemptTx in a missing pool: allowed %v, fn ran %v", allowed, ran)
		}
	}},
	{"TxInsideTx", func(t *testing.T, ctx context.Context, s store.Store) {
		// Inside a Tx everything belongs to that transaction: when it
		// fails, neither the attempt nor fn's writes remain.
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		outer := errors.New("outer fails")
		err := s.Tx(ctx, func(tx store.Store) error {
			allowed, ran, err := takeTx(t, ctx, tx, func(tx store.Store) error {
				return tx.PutCode(ctx, newCode("p1", "alice", "RESET", "1"))
			})
			must(t, err, "TakeAttemptTx in a Tx")
			if !allowed || !ran {
				t.Errorf("TakeAttemptTx in a Tx: allowed %v, fn ran %v", allowed, ran)
			}
			return outer
		})
		wantErr(t, err, outer, "Tx")
		noCode(t, ctx, s, "p1", "alice", "RESET")
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 0)
		// When fn fails inside a Tx that commits, fn's writes are undone
		// and the attempt stays, as outside one.
		boom := errors.New("boom")
		err = s.Tx(ctx, func(tx store.Store) error {
			_, _, err := takeTx(t, ctx, tx, func(tx store.Store) error {
				must(t, tx.PutCode(ctx, newCode("p1", "alice", "RESET", "1")), "PutCode in fn")
				return boom
			})
			wantErr(t, err, boom, "TakeAttemptTx with a failing fn in a Tx")
			return nil
		})
		must(t, err, "Tx")
		noCode(t, ctx, s, "p1", "alice", "RESET")
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 1)
	}},
	{"TxRace", func(t *testing.T, ctx context.Context, s store.Store) {
		// attemptRacers concurrent calls against a limit of 2: exactly two
		// are allowed, fn runs only for those (a backend's Tx may run it
		// more than once after a serialization failure), and every attempt
		// counts.
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		var allowed atomic.Int32
		parallel(attemptRacers, func(int) {
			ran := false
			ok, err := s.TakeAttemptTx(ctx, "p1", "alice", "request", t0, time.Hour, 2, func(tx store.Store) error {
				ran = true
				return tx.PutCode(ctx, newCode("p1", "alice", "RESET", "1"))
			})
			if err != nil {
				t.Errorf("TakeAttemptTx: %v", err)
			}
			if ok {
				allowed.Add(1)
			} else if ran {
				t.Error("TakeAttemptTx ran fn for a refused attempt")
			}
		})
		if allowed.Load() != 2 {
			t.Errorf("%d concurrent TakeAttemptTx: %d allowed, want 2", attemptRacers, allowed.Load())
		}
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 2*2) // all count, up to 2×limit are kept
	}},
}
