package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// errAbortedRun stands for whatever made a backend roll a run back.
var errAbortedRun = errors.New("storetest: this run is rolled back")

var txRerunTests = []testCase{
	{"RerunAfterRollbackStartsClean", func(t *testing.T, ctx context.Context, s store.Store) {
		// A callback that keeps to the Tx rules gives the same result
		// whether it ran once or after a rolled-back run: nothing of the
		// aborted run is left for the next one to trip over (a duplicate
		// pool, an extra attempt, a second message or token).
		createPool(t, ctx, s, "p1")
		var allowed bool
		var msgID int64
		run := func(tx store.Store) error {
			createPool(t, ctx, tx, "p2")
			createUser(t, ctx, tx, "p2", "alice", email("alice@example.com"))
			ok, err := tx.TakeAttempt(ctx, "p2", "alice", "request", t0, time.Hour, 1)
			if err != nil {
				return err
			}
			putCode(t, ctx, tx, newCode("p2", "alice", "RESET", "1"))
			m := enqueue(t, ctx, tx, newMessage("p2", "alice", "alice@example.com", 1))
			putToken(t, ctx, tx, "p2", "c", "alice", "t1")
			allowed, msgID = ok, m.ID // assigned, not accumulated
			return nil
		}
		err := s.Tx(ctx, func(tx store.Store) error {
			if err := run(tx); err != nil {
				return err
			}
			return errAbortedRun
		})
		wantErr(t, err, errAbortedRun, "the rolled-back run")
		must(t, s.Tx(ctx, run), "the run after it")
		if !allowed {
			t.Error("TakeAttempt in the second run was refused: the rolled-back run's attempt counts")
		}
		wantCount(t, ctx, s, "p2", "alice", "request", t0, time.Hour, 1)
		got := listMessages(t, ctx, s, store.MessageFilter{PoolID: "p2"})
		if len(got) != 1 || got[0].ID != msgID {
			t.Errorf("messages after the rerun: %d (IDs %v), want one, ID %d", len(got), ids(got), msgID)
		}
		hasCode(t, ctx, s, newCode("p2", "alice", "RESET", "1"))
		lookup(t, ctx, s, newUser("p2", "alice", email("alice@example.com")))
	}},
	{"ConcurrentReadModifyWriteLosesNothing", func(t *testing.T, ctx context.Context, s store.Store) {
		// Serializable transactions: concurrent increments of one counter,
		// each a read and a write in one Tx, all count. A backend may get
		// there by running callbacks again (runs > increments); these
		// callbacks allow it, as the Tx rules require.
		createPool(t, ctx, s, "counter")
		const goroutines, each = 8, 5
		var runs atomic.Int64
		parallel(goroutines, func(int) {
			for range each {
				err := s.Tx(ctx, func(tx store.Store) error {
					runs.Add(1) // test instrumentation, not state the callback uses
					p, err := tx.GetPool(ctx, "counter")
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(p.Name)
					p.Name = strconv.Itoa(n + 1)
					return tx.UpdatePool(ctx, p)
				})
				if err != nil {
					t.Errorf("increment: %v", err)
				}
			}
		})
		p, err := s.GetPool(ctx, "counter")
		must(t, err, "GetPool")
		if p.Name != strconv.Itoa(goroutines*each) {
			t.Errorf("counter = %s after %d increments (%d callback runs)", p.Name, goroutines*each, runs.Load())
		}
		t.Logf("%d increments took %d callback runs", goroutines*each, runs.Load())
	}},
}

func ids(ms []*store.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}
