package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// onceTests state the single-use token contract (store.Once).
var onceTests = []testCase{
	{"SecondUseConflicts", func(t *testing.T, ctx context.Context, s store.Store) {
		exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		must(t, s.UseOnce(ctx, "p1", "tok", exp), "first use")
		wantErr(t, s.UseOnce(ctx, "p1", "tok", exp), store.ErrConflict, "second use")
		must(t, s.UseOnce(ctx, "p2", "tok", exp), "the same token in another pool")
		must(t, s.UseOnce(ctx, "p1", "tok2", exp), "another token")
		wantErr(t, s.UseOnce(ctx, "p1", "tok2", exp.Add(time.Hour)), store.ErrConflict, "a later expiry does not renew it")
	}},
	{"ConcurrentUsesOneWins", func(t *testing.T, ctx context.Context, s store.Store) {
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() { errs <- s.UseOnce(ctx, "p1", "raced", time.Now().Add(time.Hour)) })
		}
		wg.Wait()
		close(errs)
		won := 0
		for err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("UseOnce: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d concurrent uses succeeded, want exactly 1", won, n)
		}
	}},
	{"UseCommitsWithItsTx", func(t *testing.T, ctx context.Context, s store.Store) {
		exp := time.Now().Add(time.Hour)
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx store.Store) error {
			must(t, tx.UseOnce(ctx, "p1", "rolled-back", exp), "use in a failing Tx")
			return boom
		})
		wantErr(t, err, boom, "the failing Tx")
		must(t, s.UseOnce(ctx, "p1", "rolled-back", exp), "the token after the rollback")
		// A second use inside a Tx fails alone: the Tx goes on and commits.
		must(t, s.Tx(ctx, func(tx store.Store) error {
			wantErr(t, tx.UseOnce(ctx, "p1", "rolled-back", exp), store.ErrConflict, "a used token in a Tx")
			return tx.UseOnce(ctx, "p1", "after-conflict", exp)
		}), "Tx with a conflict handled")
		wantErr(t, s.UseOnce(ctx, "p1", "after-conflict", exp), store.ErrConflict, "the write after the conflict committed")
	}},
	{"PruneUsedDeletesExpiredMarks", func(t *testing.T, ctx context.Context, s store.Store) {
		t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		must(t, s.UseOnce(ctx, "p1", "old", t0), "old")
		must(t, s.UseOnce(ctx, "p2", "edge", t0.Add(time.Minute)), "edge")
		must(t, s.UseOnce(ctx, "p1", "live", t0.Add(time.Hour)), "live")
		n, err := s.PruneUsed(ctx, t0.Add(time.Minute))
		must(t, err, "PruneUsed")
		if n != 2 {
			t.Fatalf("PruneUsed deleted %d marks, want 2 (expired at or before the cutoff)", n)
		}
		must(t, s.UseOnce(ctx, "p1", "old", t0), "a pruned mark's token")
		wantErr(t, s.UseOnce(ctx, "p1", "live", t0.Add(time.Hour)), store.ErrConflict, "a live mark")
	}},
}
