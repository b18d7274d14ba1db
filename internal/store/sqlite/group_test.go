package sqlite

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Group commit (group.go): writers that queue while a transaction is busy
// share its commit, and each member's outcome is its own.

// stall runs a Tx that holds the writer until release is closed, and
// reports its error on the returned channel.
func stall(t *testing.T, s *Store, id string, release chan struct{}) (started, done chan error) {
	started, done = make(chan error, 1), make(chan error, 1)
	go func() {
		done <- s.Tx(t.Context(), func(tx store.Store) error {
			started <- nil
			<-release
			return tx.CreatePool(t.Context(), &store.Pool{ID: id})
		})
	}()
	return started, done
}

// waitQueued returns once n writers wait for the writer's turn.
func waitQueued(t *testing.T, s *Store, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.group.waiting.Load() < n; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("%d writers queued, want %d", s.group.waiting.Load(), n)
		}
	}
}

func TestGroupCommitBatchesQueuedWriters(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	release := make(chan struct{})
	started, first := stall(t, s, "p0", release)
	<-started
	before := s.group.commits.Load()
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() { errs <- s.CreatePool(ctx, &store.Pool{ID: fmt.Sprintf("p%d", i+1)}) })
	}
	waitQueued(t, s, n) // all of them behind the stalled writer
	close(release)
	wg.Wait()
	mustDo(t, <-first)
	close(errs)
	for err := range errs {
		mustDo(t, err)
	}
	for i := range n + 1 {
		if _, err := s.GetPool(ctx, fmt.Sprintf("p%d", i)); err != nil {
			t.Fatalf("p%d after its writer was acknowledged: %v", i, err)
		}
	}
	// 21 acknowledged writers; queued ones joined the stalled writer's batch.
	if got := s.group.commits.Load() - before; got > 3 {
		t.Fatalf("%d commits for %d queued writers: no batching", got, n+1)
	}
}

// In one batch, a member that fails or panics undoes only its own writes.
func TestGroupCommitMembersFailAlone(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	release := make(chan struct{})
	started, first := stall(t, s, "ok-first", release)
	<-started
	boom := errors.New("boom")
	failed := make(chan error, 1)
	go func() {
		failed <- s.Tx(ctx, func(tx store.Store) error {
			mustDo(t, tx.CreatePool(ctx, &store.Pool{ID: "failed"}))
			return boom
		})
	}()
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_ = s.Tx(ctx, func(tx store.Store) error {
			mustDo(t, tx.CreatePool(ctx, &store.Pool{ID: "panicked"}))
			panic("member panic")
		})
	}()
	last := make(chan error, 1)
	go func() { last <- s.CreatePool(ctx, &store.Pool{ID: "ok-last"}) }()
	waitQueued(t, s, 3)
	close(release)
	mustDo(t, <-first)
	mustDo(t, <-last)
	if err := <-failed; !errors.Is(err, boom) {
		t.Fatalf("failing member got %v", err)
	}
	if p := <-panicked; p != "member panic" {
		t.Fatalf("panicking member: recovered %v", p)
	}
	for id, want := range map[string]bool{"ok-first": true, "ok-last": true, "failed": false, "panicked": false} {
		_, err := s.GetPool(ctx, id)
		if got := err == nil; got != want {
			t.Errorf("pool %s exists %v, want %v (err %v)", id, got, want, err)
		}
	}
}

// A conflict inside a batch is the member's own ErrConflict, as without
// batching; the other members commit.
func TestGroupCommitConflictStaysWithItsMember(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "taken"}))
	release := make(chan struct{})
	started, first := stall(t, s, "fresh", release)
	<-started
	dup := make(chan error, 1)
	go func() { dup <- s.CreatePool(ctx, &store.Pool{ID: "taken"}) }()
	waitQueued(t, s, 1)
	close(release)
	mustDo(t, <-first)
	if err := <-dup; !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate pool in a batch: %v, want ErrConflict", err)
	}
}
