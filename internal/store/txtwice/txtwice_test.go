package txtwice_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/store/txtwice"
)

func open(t *testing.T) (*txtwice.Store, context.Context) {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := txtwice.Wrap(st)
	if err := s.CreatePool(ctx, &store.Pool{ID: "p1"}); err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

func TestTxRunsTwiceFirstRolledBack(t *testing.T) {
	s, ctx := open(t)
	runs := 0
	err := s.Tx(ctx, func(tx store.Store) error {
		runs++
		// The first run's pool is gone when the second run creates it again.
		return tx.CreatePool(ctx, &store.Pool{ID: "p2"})
	})
	if err != nil || runs != 2 {
		t.Fatalf("Tx = %v after %d runs, want nil after 2", err, runs)
	}
	if _, err := s.GetPool(ctx, "p2"); err != nil {
		t.Errorf("the second run did not commit: %v", err)
	}
}

// The point of the helper: a callback that carries state from one run to
// the next shows it.
func TestTxExposesCarriedState(t *testing.T) {
	s, ctx := open(t)
	var created []string
	err := s.Tx(ctx, func(tx store.Store) error {
		created = append(created, "p2") // wrong: should be assigned
		return tx.CreatePool(ctx, &store.Pool{ID: "p2"})
	})
	if err != nil || len(created) != 2 {
		t.Errorf("Tx = %v with %d appends, want nil and 2 (the bug made visible)", err, len(created))
	}
}

func TestTxReturnsTheRealRunsResult(t *testing.T) {
	s, ctx := open(t)
	want := errors.New("second run fails")
	runs := 0
	err := s.Tx(ctx, func(tx store.Store) error {
		runs++
		if err := tx.CreatePool(ctx, &store.Pool{ID: "p2"}); err != nil {
			return err
		}
		if runs == 2 {
			return want
		}
		return nil
	})
	if !errors.Is(err, want) {
		t.Fatalf("Tx = %v, want the second run's error", err)
	}
	if _, err := s.GetPool(ctx, "p2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPool after the failed second run: %v, want ErrNotFound", err)
	}
}

func TestNestedTxRunsOncePerRun(t *testing.T) {
	s, ctx := open(t)
	outer, inner := 0, 0
	err := s.Tx(ctx, func(tx store.Store) error {
		outer++
		if err := tx.Tx(ctx, func(in store.Store) error {
			inner++
			return in.CreatePool(ctx, &store.Pool{ID: "p2"})
		}); err != nil {
			return err
		}
		_, err := tx.GetPool(ctx, "p2") // the nested write is in the same transaction
		return err
	})
	if err != nil || outer != 2 || inner != 2 {
		t.Fatalf("Tx = %v, outer ran %d, inner %d times; want nil, 2, 2", err, outer, inner)
	}
	if _, err := s.GetPool(ctx, "p2"); err != nil {
		t.Errorf("GetPool after commit: %v", err)
	}
}

func TestTakeAttemptTxRunsFnTwiceCountsOnce(t *testing.T) {
	s, ctx := open(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, want := range []bool{true, false} {
		runs := 0
		ok, err := s.TakeAttemptTx(ctx, "p1", "alice", "request", t0, time.Hour, 1, func(tx store.Store) error {
			runs++
			return nil
		})
		if err != nil || ok != want {
			t.Fatalf("TakeAttemptTx %d = %v, %v; want %v", i, ok, err, want)
		}
		if wantRuns := map[bool]int{true: 2, false: 0}[want]; runs != wantRuns {
			t.Errorf("TakeAttemptTx %d ran fn %d times, want %d", i, runs, wantRuns)
		}
	}
	// Two calls recorded two attempts, not three or four: under a limit of
	// 3 one more is allowed.
	ok, err := s.TakeAttempt(ctx, "p1", "alice", "request", t0, time.Hour, 3)
	if err != nil || !ok {
		t.Errorf("TakeAttempt with limit 3 = %v, %v; want allowed (2 recorded before)", ok, err)
	}
}
