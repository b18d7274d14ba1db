// Package txtwice is a test helper that holds Tx callbacks to the store
// contract's rules: a callback may run more than once (PostgreSQL retries
// serialization failures), so it must have no effect outside the Store it
// is given and carry no state from one run to the next (store.Store's Tx
// documents the rules).
//
// A retry is rare and depends on timing, so a callback that breaks the
// rules passes every test on SQLite and fails, now and then, in
// production on PostgreSQL. Wrap makes the rare case the rule: every
// callback runs twice, the first time in a transaction that is rolled
// back, as a retried run is. A callback that appends to a captured slice
// then appends twice; one that calls a hook or fires a signal does it
// twice, for one request — and the tests that check those effects fail.
package txtwice

import (
	"context"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Store is a store.Store whose Tx and TakeAttemptTx run their callback
// twice. Every other method is the wrapped store's.
type Store struct {
	store.Store
}

// Wrap returns s with twice-running callbacks.
func Wrap(s store.Store) *Store { return &Store{Store: s} }

// errRehearsal is what the first run's transaction returns, to roll it back.
var errRehearsal = errors.New("txtwice: the first run is rolled back")

// rehearse runs run inside a transaction of the wrapped store and rolls
// it back, whatever run does. It returns an error only if the store failed
// (begin, the context ended): the real run would then fail as well.
//
// The Store run is given is the wrapped store's transaction itself, so
// nested Tx and TakeAttemptTx calls on it run once per run, inside that
// transaction, as the contract says; only the outermost call runs twice.
func (s *Store) rehearse(ctx context.Context, run func(tx store.Store)) error {
	err := s.Store.Tx(ctx, func(tx store.Store) error {
		run(tx)
		return errRehearsal
	})
	if errors.Is(err, errRehearsal) {
		return nil
	}
	return err
}

// Tx runs fn in a transaction that is rolled back, then again for real,
// and returns what the second run returns. The first run's result is
// ignored: a run a backend rolls back and retries has none either.
func (s *Store) Tx(ctx context.Context, fn func(store.Store) error) error {
	if err := s.rehearse(ctx, func(tx store.Store) { _ = fn(tx) }); err != nil {
		return err
	}
	return s.Store.Tx(ctx, fn)
}

// TakeAttemptTx runs the wrapped TakeAttemptTx (attempt and fn) inside a
// transaction that is rolled back, then again for real: fn runs twice
// when the attempt is allowed, and the attempt is recorded once.
func (s *Store) TakeAttemptTx(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int, fn func(store.Store) error) (bool, error) {
	err := s.rehearse(ctx, func(tx store.Store) {
		_, _ = tx.TakeAttemptTx(ctx, poolID, subject, kind, now, window, limit, fn)
	})
	if err != nil {
		return false, err
	}
	return s.Store.TakeAttemptTx(ctx, poolID, subject, kind, now, window, limit, fn)
}
