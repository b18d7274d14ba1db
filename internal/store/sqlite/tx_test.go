package sqlite

import (
	"context"
	"errors"
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
