package postgres_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/postgres"
	"github.com/userpool/userpool/internal/store/postgres/pgtest"
)

// A callback that never returns — runtime.Goexit, which t.Fatal calls in
// a test — must not leave its transaction open: the connection would stay
// taken for good, and the pool's Close would wait for it forever.
func TestTxGoexitRollsBackAndFreesConnection(t *testing.T) {
	// Should the transaction be left open, the server ends it after 3 s,
	// so that dropping the test's schema does not wait for its locks.
	dsn := pgtest.FreshSchema(t) + "&idle_in_transaction_session_timeout=3000"
	st, err := postgres.Open(t.Context(), dsn, postgres.Options{Migrate: true, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if !t.Failed() { // with the connection lost, Close would wait forever
			st.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = st.Tx(ctx, func(tx store.Store) error {
			if err := tx.CreatePool(ctx, &store.Pool{ID: "p1"}); err != nil {
				t.Error(err)
			}
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	// The only connection is free again, and the write was not committed.
	if _, err := st.GetPool(ctx, "p1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPool after the callback exited: %v, want ErrNotFound", err)
	}
}
