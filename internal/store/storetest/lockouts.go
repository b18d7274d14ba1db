package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// returnAttempt calls ReturnAttempt and fails the test on an error.
func returnAttempt(t *testing.T, ctx context.Context, s store.Store, poolID, subject, kind string, at time.Time) {
	t.Helper()
	must(t, s.ReturnAttempt(ctx, poolID, subject, kind, at), "ReturnAttempt "+subject+"/"+kind+" at "+timeView(at))
}

// lockoutTests are the cases of ReturnAttempt and TakeBackoff.
var lockoutTests = append(append([]testCase{}, returnTests...), backoffTests...)

var returnTests = []testCase{
	{"ReturnAttemptGivesOneBack", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		for range 3 {
			wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 3, true)
		}
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0.Add(time.Second), time.Hour, 3, false)
		// One of the three at t0 given back: 3 left (two at t0, the
		// refused one at t0+1s), so the next is still refused.
		returnAttempt(t, ctx, s, "p1", "alice", "confirm", t0)
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0.Add(time.Second), time.Hour, 3)
		returnAttempt(t, ctx, s, "p1", "alice", "confirm", t0)
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0.Add(2*time.Second), time.Hour, 3, true)
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0.Add(2*time.Second), time.Hour, 3)
	}},
	{"ReturnAttemptTouchesOnlyItsKey", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		for _, k := range [][3]string{{"p1", "alice", "confirm"}, {"p1", "alice", "request"}, {"p1", "bob", "confirm"}, {"p2", "alice", "confirm"}} {
			take(t, ctx, s, k[0], k[1], k[2], t0, time.Hour, 5)
		}
		returnAttempt(t, ctx, s, "p1", "alice", "confirm", t0)
		// A stamp nothing was taken at, a key without attempts, a pool
		// that does not exist: nothing to give back, and no error.
		returnAttempt(t, ctx, s, "p1", "bob", "confirm", t0.Add(time.Millisecond))
		returnAttempt(t, ctx, s, "p1", "carol", "confirm", t0)
		returnAttempt(t, ctx, s, "nope", "alice", "confirm", t0)
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 0)
		for _, k := range [][3]string{{"p1", "alice", "request"}, {"p1", "bob", "confirm"}, {"p2", "alice", "confirm"}} {
			wantCount(t, ctx, s, k[0], k[1], k[2], t0, time.Hour, 1)
		}
	}},
	{"ReturnAttemptInTx", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		take(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 5)
		err := s.Tx(ctx, func(tx store.Store) error {
			if err := tx.ReturnAttempt(ctx, "p1", "alice", "confirm", t0); err != nil {
				return err
			}
			return errProbe
		})
		if err != errProbe {
			t.Fatalf("Tx: %v", err)
		}
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 1)
	}},
}
