package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// attemptRacers is how many goroutines the attempt-counting races run: ten
// times the limit they race against, as in a brute-force burst.
const attemptRacers = 50

// take calls TakeAttempt and fails the test now if it returns an error.
func take(t *testing.T, ctx context.Context, s store.Store, poolID, subject, kind string, now time.Time, window time.Duration, limit int) bool {
	t.Helper()
	ok, err := s.TakeAttempt(ctx, poolID, subject, kind, now, window, limit)
	must(t, err, fmt.Sprintf("TakeAttempt %s/%q/%s at %s", poolID, subject, kind, timeView(now)))
	return ok
}

// wantTake asserts TakeAttempt's answer.
func wantTake(t *testing.T, ctx context.Context, s store.Store, poolID, subject, kind string, now time.Time, window time.Duration, limit int, want bool) {
	t.Helper()
	if got := take(t, ctx, s, poolID, subject, kind, now, window, limit); got != want {
		t.Errorf("TakeAttempt %s/%q/%s at %s (window %v, limit %d) = %v, want %v",
			poolID, subject, kind, timeView(now), window, limit, got, want)
	}
}

// errProbe rolls back the transaction of a countAttempts probe.
var errProbe = errors.New("storetest: probe rolled back")

// countAttempts finds, through the interface only, how many attempts of
// kind by subject count at now: TakeAttempt allows a call exactly when that
// count is below its limit, so the count is one less than the lowest limit
// a probe is allowed under. Each probe runs in a transaction that is rolled
// back, so probing records nothing. A store may keep only the latest
// 2×limit attempts of a key (limit: that of the calls that took them), so
// counts above that are seen as 2×limit.
func countAttempts(t *testing.T, ctx context.Context, s store.Store, poolID, subject, kind string, now time.Time, window time.Duration) int {
	t.Helper()
	for limit := 1; limit <= 1000; limit++ {
		var ok bool
		err := s.Tx(ctx, func(tx store.Store) error {
			var err error
			if ok, err = tx.TakeAttempt(ctx, poolID, subject, kind, now, window, limit); err != nil {
				return err
			}
			return errProbe
		})
		if !errors.Is(err, errProbe) {
			t.Fatalf("countAttempts %s/%q/%s: probe with limit %d: %v", poolID, subject, kind, limit, err)
		}
		if ok {
			return limit - 1
		}
	}
	t.Fatalf("countAttempts %s/%q/%s: 1000 attempts or more", poolID, subject, kind)
	return 0
}

// wantCount asserts countAttempts.
func wantCount(t *testing.T, ctx context.Context, s store.Store, poolID, subject, kind string, now time.Time, window time.Duration, want int) {
	t.Helper()
	if got := countAttempts(t, ctx, s, poolID, subject, kind, now, window); got != want {
		t.Errorf("%s/%q/%s has %d attempts recorded in the window at %s, want %d",
			poolID, subject, kind, got, timeView(now), want)
	}
}

var attemptTests = []testCase{
	{"AllowsUpToLimit", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		for range 3 {
			wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 3, true)
		}
		for range 3 {
			wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 3, false)
		}
		// Refused attempts were recorded too: 6 in all.
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 6)
	}},
	{"CountProbe", func(t *testing.T, ctx context.Context, s store.Store) {
		// The black-box counter the other tests rely on: it must be able
		// to tell 0, 1 and 7 recorded attempts apart.
		createPool(t, ctx, s, "p1")
		wantCount(t, ctx, s, "p1", "a", "k", t0, time.Hour, 0)
		take(t, ctx, s, "p1", "b", "k", t0, time.Hour, 0)
		wantCount(t, ctx, s, "p1", "b", "k", t0, time.Hour, 1)
		for range 7 {
			take(t, ctx, s, "p1", "c", "k", t0, time.Hour, 4)
		}
		wantCount(t, ctx, s, "p1", "c", "k", t0, time.Hour, 7)
		// Probing recorded nothing.
		wantCount(t, ctx, s, "p1", "c", "k", t0, time.Hour, 7)
		wantCount(t, ctx, s, "p1", "a", "k", t0, time.Hour, 0)
	}},
	{"LimitZero", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 0, false)
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, -1, false)
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 2)
	}},
	{"WindowSlides", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		const w, limit = 10 * time.Minute, 3
		at := func(d time.Duration, want bool) {
			t.Helper()
			wantTake(t, ctx, s, "p1", "alice", "confirm", t0.Add(d), w, limit, want)
		}
		at(0, true)
		at(0, true)
		at(0, true)
		at(0, false) // 4 recorded at t0
		// The window is (now-w, now]: at t0+w-1ms the attempts at t0 still count.
		at(w-time.Millisecond, false)
		// At t0+w they are at now-w, outside the window; the one at
		// t0+w-1ms (refused, yet recorded) still counts.
		at(w, true)
		at(w, true)
		at(w, false)
		// At t0+2w-1ms only the three at t0+w count.
		at(2*w-time.Millisecond, false)
		// At t0+2w those three are out; only the refused one at t0+2w-1ms
		// still counts.
		at(2*w, true)
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0.Add(2*w), w, 2)
		// Far later, everything has slid out.
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0.Add(100*w), w, 0)
	}},
	{"WindowIsPerCall", func(t *testing.T, ctx context.Context, s store.Store) {
		// The window is an argument: the same attempts count under a long
		// window and not under a short one.
		createPool(t, ctx, s, "p1")
		for range 2 {
			take(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 10)
		}
		later := t0.Add(30 * time.Minute)
		wantTake(t, ctx, s, "p1", "alice", "confirm", later, time.Hour, 3, true)  // 2 count
		wantTake(t, ctx, s, "p1", "alice", "confirm", later, time.Hour, 3, false) // 3 count
		// Under a one-minute window only the two at t0+30m count.
		wantTake(t, ctx, s, "p1", "alice", "confirm", later, time.Minute, 3, true)
	}},
	{"LaterStampedAttemptsCount", func(t *testing.T, ctx context.Context, s store.Store) {
		// Callers read the clock before they reach the store, so attempts
		// can arrive out of time order. An attempt stamped later than now
		// but within the window must still count: otherwise the window
		// (t0-w+1s, t0+1s] would hold limit+1 allowed attempts, and "no
		// more than limit of all attempts in a window are ever allowed".
		createPool(t, ctx, s, "p1")
		const w = time.Minute
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0.Add(time.Second), w, 2, true)
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0.Add(time.Second), w, 2, true)
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0, w, 2, false)
	}},
	{"ConcurrentSameClock", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		testAttemptRace(t, ctx, s, func(int) time.Time { return t0 })
	}},
	{"ConcurrentDistinctClocks", func(t *testing.T, ctx context.Context, s store.Store) {
		// Each racer read the clock at a different millisecond; which of
		// them reaches the store first is up to the scheduler.
		createPool(t, ctx, s, "p1")
		testAttemptRace(t, ctx, s, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Millisecond) })
	}},
	{"Clear", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		fill := func(pool, subject, kind string) {
			t.Helper()
			take(t, ctx, s, pool, subject, kind, t0, time.Hour, 1)
			wantTake(t, ctx, s, pool, subject, kind, t0, time.Hour, 1, false)
		}
		fill("p1", "alice", "confirm")
		fill("p1", "alice", "request")
		fill("p1", "bob", "confirm")
		fill("p2", "alice", "confirm")
		must(t, s.ClearAttempts(ctx, "p1", "alice", "confirm"), "ClearAttempts")
		// Refused ones are forgotten as well: the count starts from zero.
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 1, true)
		wantTake(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 1, false)
		// Only that subject's attempts of that kind in that pool.
		wantTake(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 2, false)
		wantTake(t, ctx, s, "p1", "bob", "confirm", t0, time.Hour, 2, false)
		wantTake(t, ctx, s, "p2", "alice", "confirm", t0, time.Hour, 2, false)
		// Clearing what has no attempts is not an error.
		must(t, s.ClearAttempts(ctx, "p1", "nobody", "confirm"), "ClearAttempts without attempts")
		must(t, s.ClearAttempts(ctx, "p1", "alice", "confirm"), "ClearAttempts")
		must(t, s.ClearAttempts(ctx, "p1", "alice", "confirm"), "second ClearAttempts")
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 0)
	}},
	{"Independent", func(t *testing.T, ctx context.Context, s store.Store) {
		// Subjects need not be users (this pool has none), and subjects,
		// kinds and pools are matched exactly, including subjects with a
		// NUL byte, which the domain layer uses to name unknown users.
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		type key struct{ pool, subject, kind string }
		keys := []key{
			{"p1", "alice", "confirm"},
			{"p1", "alice", "request"},
			{"p1", "alice", "confirm:RESET"},
			{"p1", "Alice", "confirm"},
			{"p1", "bob", "confirm"},
			{"p1", "\x00unknown:alice", "confirm"},
			{"p1", "\x00unknown:bob", "confirm"},
			{"p1", "\x00", "confirm"},
			{"p1", "", "confirm"},
			{"p1", "alice", ""},
			{"p2", "alice", "confirm"},
		}
		for _, k := range keys {
			wantTake(t, ctx, s, k.pool, k.subject, k.kind, t0, time.Hour, 1, true)
		}
		for _, k := range keys {
			wantTake(t, ctx, s, k.pool, k.subject, k.kind, t0, time.Hour, 1, false)
		}
		for _, k := range keys {
			wantCount(t, ctx, s, k.pool, k.subject, k.kind, t0, time.Hour, 2)
		}
	}},
	{"MissingPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		ok, err := s.TakeAttempt(ctx, "nope", "alice", "confirm", t0, time.Hour, 5)
		wantErr(t, err, store.ErrNotFound, "TakeAttempt in a missing pool")
		if ok {
			t.Error("TakeAttempt in a missing pool reported the attempt allowed")
		}
		// The failed call left nothing behind: a pool created under that ID
		// starts with no attempts.
		createPool(t, ctx, s, "nope")
		wantTake(t, ctx, s, "nope", "alice", "confirm", t0, time.Hour, 1, true)
	}},
	{"Prune", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		take(t, ctx, s, "p1", "\x00ghost", "request", t0, 10*time.Hour, 5)
		take(t, ctx, s, "p2", "alice", "confirm", t0.Add(time.Minute), 10*time.Hour, 5)
		take(t, ctx, s, "p1", "alice", "request", t0.Add(2*time.Hour), 10*time.Hour, 5)
		n, err := s.PruneAttempts(ctx, t0.Add(time.Hour))
		must(t, err, "PruneAttempts")
		if n != 2 {
			t.Errorf("PruneAttempts deleted %d, want 2", n)
		}
		// Within a 10-hour window the pruned attempts no longer count; the
		// newer one does.
		now := t0.Add(3 * time.Hour)
		wantCount(t, ctx, s, "p1", "\x00ghost", "request", now, 10*time.Hour, 0)
		wantCount(t, ctx, s, "p2", "alice", "confirm", now, 10*time.Hour, 0)
		wantCount(t, ctx, s, "p1", "alice", "request", now, 10*time.Hour, 1)
		if n, err := s.PruneAttempts(ctx, t0.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("second PruneAttempts = %d, %v; want 0, nil", n, err)
		}
	}},
	{"PruneInBatches", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		// More than two batches, recorded in one transaction to keep it quick.
		must(t, s.Tx(ctx, func(tx store.Store) error {
			for i := range 2500 {
				if _, err := tx.TakeAttempt(ctx, "p1", fmt.Sprintf("name%d", i), "request", t0, time.Hour, 5); err != nil {
					return err
				}
			}
			return nil
		}), "2500 attempts")
		n, err := s.PruneAttempts(ctx, t0)
		must(t, err, "PruneAttempts")
		if n != 2500 {
			t.Errorf("PruneAttempts deleted %d of 2500", n)
		}
		wantCount(t, ctx, s, "p1", "name2499", "request", t0, 10*time.Hour, 0)
	}},
	{"GoneWithPool", func(t *testing.T, ctx context.Context, s store.Store) {
		for _, p := range []string{"doomed", "kept"} {
			createPool(t, ctx, s, p)
			take(t, ctx, s, p, "alice", "confirm", t0, time.Hour, 1)
			wantTake(t, ctx, s, p, "alice", "confirm", t0, time.Hour, 1, false)
		}
		must(t, s.DeletePool(ctx, "doomed"), "DeletePool")
		createPool(t, ctx, s, "doomed")
		wantCount(t, ctx, s, "doomed", "alice", "confirm", t0, time.Hour, 0)
		wantCount(t, ctx, s, "kept", "alice", "confirm", t0, time.Hour, 2)
	}},
}

// testAttemptRace releases attemptRacers calls of TakeAttempt at once, call
// i at now(i), against a limit of 5 in a one-hour window. Exactly 5 must be
// allowed, and all of them counted.
func testAttemptRace(t *testing.T, ctx context.Context, s store.Store, now func(i int) time.Time) {
	const limit = 5
	allowed := make([]bool, attemptRacers)
	parallel(attemptRacers, func(i int) {
		ok, err := s.TakeAttempt(ctx, "p1", "alice", "confirm", now(i), time.Hour, limit)
		if err != nil {
			t.Errorf("TakeAttempt %d: %v", i, err)
		}
		allowed[i] = ok
	})
	n := 0
	for _, ok := range allowed {
		if ok {
			n++
		}
	}
	if n != limit {
		t.Errorf("%d of %d concurrent TakeAttempt calls allowed, want exactly the limit %d", n, attemptRacers, limit)
	}
	// All of them count, as far as a store keeps them: up to 2×limit.
	wantCount(t, ctx, s, "p1", "alice", "confirm", now(attemptRacers-1), time.Hour, 2*limit)
}
