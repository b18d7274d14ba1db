package storetest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Bounded attempt rows. TakeAttempt counts every call, allowed or not, so a
// store that wrote a row per call let one hammered name (unknown or real)
// add rows without end within the window. A store keeps at most the latest
// 2×limit attempts of a (pool, subject, kind) that are inside the window,
// and must still answer exactly as if it kept them all.

var attemptRowTests = []testCase{
	{"HammeredStaysRefusedInBoundedRows", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		const w, limit = 10 * time.Minute, 3
		// One call every 10 s for five windows: after the first three,
		// every call is refused, because the refused ones keep counting.
		var last time.Time
		for i := range 300 {
			last = t0.Add(time.Duration(i) * 10 * time.Second)
			wantTake(t, ctx, s, "p1", "\x00unknown:ghost", "request", last, w, limit, i < limit)
		}
		// No more than 2×limit rows were kept for them.
		n, err := s.PruneAttempts(ctx, last)
		must(t, err, "PruneAttempts")
		if n > 2*limit {
			t.Errorf("300 attempts of one subject left %d rows, want at most %d (2×limit)", n, 2*limit)
		}
	}},
	{"AnswersAsIfEveryAttemptWereKept", func(t *testing.T, ctx context.Context, s store.Store) {
		// A random walk of calls whose clocks are read out of order, under
		// two windows, against a model that keeps every attempt.
		createPool(t, ctx, s, "p1")
		const limit = 3
		rng := rand.New(rand.NewPCG(13, 6))
		var all []time.Time
		at := t0
		for range 400 {
			at = at.Add(time.Duration(rng.IntN(40)) * time.Second)
			if rng.IntN(20) == 0 {
				at = at.Add(6 * time.Minute) // a quiet spell
			}
			now := at.Add(time.Duration(rng.IntN(11)-5) * time.Second)
			window := []time.Duration{time.Minute, 5 * time.Minute}[rng.IntN(2)]
			counted := 0
			for _, a := range all {
				if a.After(now.Add(-window)) {
					counted++
				}
			}
			wantTake(t, ctx, s, "p1", "alice", "confirm", now, window, limit, counted < limit)
			all = append(all, now)
		}
	}},
}
