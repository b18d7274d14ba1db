package sqlite

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Behaviour of this backend's transactions that the store contract leaves
// open, and that callers of the SQLite store may rely on.

// quick bounds a test step that must not block: a hang fails with a context
// error instead of reaching go test's timeout.
func quick(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestTxPanicRollsBackAndFreesWriter(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not propagate out of Tx")
			}
		}()
		_ = s.Tx(ctx, func(tx store.Store) error {
			if err := tx.CreatePool(ctx, &store.Pool{ID: "p1"}); err != nil {
				t.Error(err)
			}
			panic("boom")
		})
	}()
	if _, err := s.GetPool(ctx, "p1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPool after a panicking Tx: %v, want ErrNotFound", err)
	}
	// The single writer connection was released: writes still work.
	if err := s.CreatePool(ctx, &store.Pool{ID: "p2"}); err != nil {
		t.Errorf("CreatePool after a panicking Tx: %v", err)
	}
}

// A store method that fails inside a Tx leaves nothing behind even if the
// callback goes on and commits: multi-statement methods run under a
// savepoint. UpdateUser writes the user row before it finds the key conflict.
func TestFailedMethodInTxLeavesNoTrace(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "p1"}))
	alice := &store.User{PoolID: "p1", Username: "alice", Status: "CONFIRMED",
		Keys: []store.UserKey{{Kind: "username", Value: "alice"}}}
	mustDo(t, s.CreateUser(ctx, alice))
	mustDo(t, s.CreateUser(ctx, &store.User{PoolID: "p1", Username: "bob",
		Keys: []store.UserKey{{Kind: "email", Value: "bob@x"}}}))

	err := s.Tx(ctx, func(tx store.Store) error {
		upd := *alice
		upd.Status = "CHANGED"
		upd.Keys = []store.UserKey{{Kind: "username", Value: "alice"}, {Kind: "email", Value: "bob@x"}}
		var kc *store.KeyConflictError
		if err := tx.UpdateUser(ctx, &upd); !errors.As(err, &kc) {
			t.Errorf("UpdateUser = %v, want a key conflict", err)
		}
		return tx.CreatePool(ctx, &store.Pool{ID: "p2"}) // the Tx goes on
	})
	mustDo(t, err)
	got, err := s.GetUserByKey(ctx, "p1", "username", "alice")
	mustDo(t, err)
	if got.Status != "CONFIRMED" {
		t.Errorf("Status = %q after a failed UpdateUser in a committed Tx, want CONFIRMED", got.Status)
	}
	if _, err := s.GetPool(ctx, "p2"); err != nil {
		t.Errorf("the rest of the Tx was not committed: %v", err)
	}
}

// Reads outside a transaction are not blocked by an open write transaction
// and do not see its uncommitted writes.
func TestOpenWriteTxDoesNotBlockReaders(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	written, checked := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Tx(ctx, func(tx store.Store) error {
			if err := tx.CreatePool(ctx, &store.Pool{ID: "p1"}); err != nil {
				return err
			}
			close(written)
			<-checked
			return nil
		})
	}()
	<-written
	_, err := s.GetPool(ctx, "p1")
	close(checked)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPool during the Tx = %v, want ErrNotFound (uncommitted)", err)
	}
	mustDo(t, <-done)
	if _, err := s.GetPool(ctx, "p1"); err != nil {
		t.Errorf("GetPool after commit: %v", err)
	}
}

// Transactions are serialised, so read-modify-write cycles lose no update.
func TestTxNoLostUpdates(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "counter", Name: "0"}))
	const goroutines, each = 16, 10
	errs := make(chan error, goroutines*each)
	for range goroutines {
		go func() {
			for range each {
				errs <- s.Tx(ctx, func(tx store.Store) error {
					p, err := tx.GetPool(ctx, "counter")
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(p.Name)
					p.Name = strconv.Itoa(n + 1)
					return tx.UpdatePool(ctx, p)
				})
			}
		}()
	}
	for range goroutines * each {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	p, err := s.GetPool(ctx, "counter")
	mustDo(t, err)
	if p.Name != strconv.Itoa(goroutines*each) {
		t.Errorf("counter = %s after %d increments", p.Name, goroutines*each)
	}
}

func TestCloseOnTxStoreIsRefused(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	err := s.Tx(ctx, func(tx store.Store) error {
		if tx.Close() == nil {
			t.Error("Close on the Store of a Tx succeeded")
		}
		return tx.CreatePool(ctx, &store.Pool{ID: "p1"})
	})
	mustDo(t, err)
	if _, err := s.GetPool(ctx, "p1"); err != nil {
		t.Errorf("the Tx was disturbed by the refused Close: %v", err)
	}
}

func TestTxCancelledContextDoesNotCommit(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	err := s.Tx(ctx, func(tx store.Store) error {
		if err := tx.CreatePool(ctx, &store.Pool{ID: "p1"}); err != nil {
			return err
		}
		cancel() // the caller went away: its writes must not commit
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Tx = %v, want context.Canceled", err)
	}
	if _, err := s.GetPool(t.Context(), "p1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPool after the failed commit: %v, want ErrNotFound", err)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
