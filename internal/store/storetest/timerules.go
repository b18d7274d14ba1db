package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// cognitoBackoff is Cognito's sign-in lockout: five free attempts, then 1 s
// doubling up to 15 minutes; 15 quiet minutes start over.
var cognitoBackoff = store.Backoff{Free: 5, First: time.Second, Longest: 15 * time.Minute, Quiet: 15 * time.Minute}

// wantBackoff asserts TakeBackoff's answer at t0+d.
func wantBackoff(t *testing.T, ctx context.Context, s store.Store, subject string, b store.Backoff, d time.Duration, want bool) {
	t.Helper()
	got, err := s.TakeBackoff(ctx, "p1", subject, "signin", t0.Add(d), b)
	must(t, err, fmt.Sprintf("TakeBackoff %q at t0+%v", subject, d))
	if got != want {
		t.Errorf("TakeBackoff %q at t0+%v = %v, want %v", subject, d, got, want)
	}
}

var backoffTests = []testCase{
	{"BackoffDoublesUpToLongest", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		for range 5 {
			wantBackoff(t, ctx, s, "alice", cognitoBackoff, 0, true)
		}
		// The n-th allowed attempt beyond the fifth locks for 2^(n-5) s,
		// at most 15 minutes: 1, 2, 4, ..., 512 s, then 900 s from then on.
		last := time.Duration(0)
		for n := 5; n < 18; n++ {
			lock := min(time.Second<<(n-5), 15*time.Minute)
			wantBackoff(t, ctx, s, "alice", cognitoBackoff, last+lock-time.Millisecond, false)
			last += lock
			wantBackoff(t, ctx, s, "alice", cognitoBackoff, last, true)
		}
	}},
	{"BackoffRefusedDoNotLengthen", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		for range 5 {
			wantBackoff(t, ctx, s, "alice", cognitoBackoff, 0, true)
		}
		for _, d := range []time.Duration{0, 100 * time.Millisecond, 500 * time.Millisecond, 999 * time.Millisecond} {
			wantBackoff(t, ctx, s, "alice", cognitoBackoff, d, false)
		}
		wantBackoff(t, ctx, s, "alice", cognitoBackoff, time.Second, true)
	}},
	{"BackoffQuietStartsOver", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		b := store.Backoff{Free: 2, First: time.Minute, Longest: 4 * time.Minute, Quiet: 5 * time.Minute}
		at := func(d time.Duration, want bool) { t.Helper(); wantBackoff(t, ctx, s, "alice", b, d, want) }
		at(0, true)
		at(0, true)
		at(30*time.Second, false)
		at(time.Minute, true)    // third: locked 2 min
		at(2*time.Minute, false) // seen at 2m, so not quiet until 7m
		at(3*time.Minute, true)  // fourth: locked 4 min (until 7m)
		at(6*time.Minute, false) // refused, but seen: quiet only from 11m
		at(10*time.Minute, true) // fifth: still counted, locked 4 min (until 14m)
		at(13*time.Minute, false)
		// Seen last at 13m: at 18m the key starts over with two free.
		at(18*time.Minute, true)
		at(18*time.Minute, true)
		at(18*time.Minute, false)
		at(19*time.Minute, true)
	}},
	{"BackoffKeysAndClear", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		b := store.Backoff{Free: 1, First: time.Hour, Longest: time.Hour, Quiet: time.Hour}
		wantBackoff(t, ctx, s, "alice", b, 0, true)
		wantBackoff(t, ctx, s, "alice", b, 0, false)
		// Other subjects, kinds and pools have their own count.
		wantBackoff(t, ctx, s, "bob", b, 0, true)
		for _, k := range [][2]string{{"p1", "other"}, {"p2", "signin"}} {
			ok, err := s.TakeBackoff(ctx, k[0], "alice", k[1], t0, b)
			must(t, err, "TakeBackoff "+k[0]+"/"+k[1])
			if !ok {
				t.Errorf("TakeBackoff %s/alice/%s refused: counted with p1/alice/signin", k[0], k[1])
			}
		}
		// ClearAttempts of the kind starts the key over.
		must(t, s.ClearAttempts(ctx, "p1", "alice", "signin"), "ClearAttempts")
		wantBackoff(t, ctx, s, "alice", b, time.Minute, true)
		wantBackoff(t, ctx, s, "alice", b, time.Minute, false)
		wantBackoff(t, ctx, s, "bob", b, time.Minute, false)
		_, err := s.TakeBackoff(ctx, "nope", "alice", "signin", t0, b)
		wantErr(t, err, store.ErrNotFound, "TakeBackoff in a pool that does not exist")
	}},
	{"BackoffPrunedAndDeletedWithPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		b := store.Backoff{Free: 1, First: time.Hour, Longest: time.Hour, Quiet: 2 * time.Hour}
		wantBackoff(t, ctx, s, "alice", b, 0, true)
		wantBackoff(t, ctx, s, "bob", b, time.Minute, true)
		n, err := s.PruneAttempts(ctx, t0)
		must(t, err, "PruneAttempts")
		if n != 1 {
			t.Errorf("PruneAttempts(t0) deleted %d records, want 1 (alice's lockout)", n)
		}
		// alice's record is gone (she starts over), bob's is kept.
		wantBackoff(t, ctx, s, "alice", b, 2*time.Minute, true)
		wantBackoff(t, ctx, s, "bob", b, 2*time.Minute, false)
		must(t, s.DeletePool(ctx, "p1"), "DeletePool")
		createPool(t, ctx, s, "p1")
		wantBackoff(t, ctx, s, "bob", b, 3*time.Minute, true)
	}},
	{"BackoffInRolledBackTx", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		b := store.Backoff{Free: 1, First: time.Hour, Longest: time.Hour, Quiet: time.Hour}
		err := s.Tx(ctx, func(tx store.Store) error {
			if _, err := tx.TakeBackoff(ctx, "p1", "alice", "signin", t0, b); err != nil {
				return err
			}
			return errProbe
		})
		if err != errProbe {
			t.Fatalf("Tx: %v", err)
		}
		wantBackoff(t, ctx, s, "alice", b, 0, true)
	}},
	{"BackoffRace", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		var mu sync.Mutex
		var wg sync.WaitGroup
		allowed := 0
		for range attemptRacers {
			wg.Go(func() {
				ok, err := s.TakeBackoff(ctx, "p1", "alice", "signin", t0, cognitoBackoff)
				if err != nil {
					t.Errorf("TakeBackoff: %v", err)
				}
				mu.Lock()
				defer mu.Unlock()
				if ok {
					allowed++
				}
			})
		}
		wg.Wait()
		if allowed != 5 {
			t.Fatalf("%d of %d concurrent attempts allowed, want exactly 5", allowed, attemptRacers)
		}
	}},
}

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
