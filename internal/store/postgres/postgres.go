// Package postgres is the PostgreSQL store.Store backend, for platform
// teams that run several userpool processes on one database. It uses pgx
// (v5) directly with its own native SQL migrations.
//
// Concurrency model: every Tx runs at SERIALIZABLE isolation and is retried
// when PostgreSQL reports a serialization failure or a deadlock, so the
// read-modify-write transactions of the domain layer cannot lose updates
// across processes (the SQLite backend gets the same from its single
// writer). Methods that run several statements use a savepoint when called
// inside a Tx, so a method that fails leaves nothing behind and the
// transaction can go on, as the contract requires. Counting and claiming
// use row locks (advisory locks for attempts, FOR UPDATE SKIP LOCKED for
// outbox claims) rather than relying on retries.
package postgres

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/userpool/userpool/internal/store"
)

// Options tune the connection pool.
type Options struct {
	MaxConns        int32         // default 16
	MinConns        int32         // default 0
	MaxConnLifetime time.Duration // default 1h
	// Migrate applies pending migrations at Open (default behaviour of
	// `serve`; `userpool migrate` does it explicitly).
	Migrate bool
}

// Store is a store.Store backed by PostgreSQL. A Store handed to a Tx
// callback is bound to that transaction.
type Store struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
}

var _ store.Store = (*Store)(nil)

// Open connects to dsn (postgres://user:pass@host:port/db?sslmode=...),
// checks the connection and, with opts.Migrate, brings the schema up to date.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: bad DSN: %w", err)
	}
	cfg.MaxConns = orDefault(opts.MaxConns, 16)
	cfg.MinConns = opts.MinConns
	if opts.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = opts.MaxConnLifetime
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	if opts.Migrate {
		if err := s.Migrate(ctx); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return s, nil
}

func orDefault(v, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}

// Close releases the pool. The Store handed to a Tx callback cannot be closed.
func (s *Store) Close() error {
	if s.tx != nil {
		return errors.New("postgres: Close called on a transaction's Store")
	}
	s.pool.Close()
	return nil
}

// queryer is what both the pool and a transaction offer.
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// q is where single statements go: the transaction, or the pool.
func (s *Store) q() queryer {
	if s.tx != nil {
		return s.tx
	}
	return s.pool
}

// maxTxAttempts bounds the retries of a transaction that lost a
// serialization race; each retry reruns fn from the start. Under heavy
// contention on one table (many concurrent sign-ups) SERIALIZABLE reports
// false conflicts on index pages, so the budget is generous (at most
// about 12 s of waiting, see retryDelay; the caller's context can end it
// sooner) and the waits are randomised to break up the herd.
const maxTxAttempts = 60

// Tx runs fn in a SERIALIZABLE transaction, retrying it on serialization
// failures and deadlocks. fn must therefore only use the Store it is given
// and be safe to run again. Nested calls run fn in the same transaction,
// under a savepoint, so a nested fn that fails leaves nothing behind.
func (s *Store) Tx(ctx context.Context, fn func(store.Store) error) error {
	if s.tx != nil {
		return s.savepoint(ctx, func(sp pgx.Tx) error { return fn(&Store{pool: s.pool, tx: sp}) })
	}
	for attempt := 1; ; attempt++ {
		err := s.txOnce(ctx, fn)
		if !retryable(err) || attempt == maxTxAttempts {
			return err
		}
		if err := sleepCtx(ctx, retryDelay(attempt)); err != nil {
			return err
		}
	}
}

// retryDelay is the wait before retry number attempt: uniformly random
// ("full jitter") below a ceiling that doubles from 2 ms up to 200 ms.
// Transactions that keep losing to the same herd must spread out further
// each time; a linear ceiling kept 32 clients creating neighbouring users
// colliding until some ran out of attempts.
func retryDelay(attempt int) time.Duration {
	ceiling := min(2*time.Millisecond<<min(attempt-1, 7), 200*time.Millisecond)
	return time.Millisecond + mrand.N(ceiling)
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) txOnce(ctx context.Context, fn func(store.Store) error) error {
	return s.inTx(ctx, pgx.Serializable, func(tx pgx.Tx) error { return fn(&Store{pool: s.pool, tx: tx}) })
}

// inTx runs fn in a transaction of its own at level and commits it if fn
// succeeds. Whenever fn does not return nil — it fails, panics, or never
// returns (runtime.Goexit, as t.Fatal does) — the transaction is rolled
// back, so its connection goes back to the pool.
func (s *Store) inTx(ctx context.Context, level pgx.TxIsoLevel, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: level})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed { // a no-op after a failed commit
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	committed = true
	return nil
}

// retryable reports a serialization failure (40001) or deadlock (40P01).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// atomic runs fn as one unit: its own transaction outside a Tx (through
// Tx, so it is retried like any other), a savepoint inside one, so that a
// failing multi-statement method leaves nothing behind.
func (s *Store) atomic(ctx context.Context, fn func(q queryer) error) error {
	if s.tx == nil {
		return s.Tx(ctx, func(st store.Store) error { return fn(st.(*Store).tx) })
	}
	return s.savepoint(ctx, func(sp pgx.Tx) error { return fn(sp) })
}

// savepoint runs fn under a savepoint of the Store's transaction and rolls
// back to it if fn fails: PostgreSQL refuses every statement of a
// transaction after one failed, until it is rolled back to a savepoint.
func (s *Store) savepoint(ctx context.Context, fn func(sp pgx.Tx) error) error {
	sp, err := s.tx.Begin(ctx) // a SAVEPOINT
	if err != nil {
		return fmt.Errorf("postgres: savepoint: %w", err)
	}
	if err := fn(sp); err != nil {
		_ = sp.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return sp.Commit(ctx)
}

// execOne runs one statement that may fail with a contract error (a unique
// or foreign key violation) so that, inside a Tx, the failure leaves the
// transaction usable, as the contract requires: under a savepoint of its
// own. The SAVEPOINT, the statement and the RELEASE go in one pipeline,
// so a statement that succeeds costs no round trip more than on its own;
// one that fails costs one more, to roll back to the savepoint.
func (s *Store) execOne(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if s.tx == nil {
		return s.pool.Exec(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue("SAVEPOINT store_stmt")
	b.Queue(sql, args...)
	b.Queue("RELEASE SAVEPOINT store_stmt")
	br := s.tx.SendBatch(ctx, b)
	var tag pgconn.CommandTag
	_, err := br.Exec()
	if err == nil {
		tag, err = br.Exec()
	}
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// Also when SAVEPOINT itself failed: then the transaction was
		// unusable before, this fails too, and Tx reports err.
		_, _ = s.tx.Exec(context.WithoutCancel(ctx), "ROLLBACK TO SAVEPOINT store_stmt; RELEASE SAVEPOINT store_stmt")
		return pgconn.CommandTag{}, err
	}
	return tag, nil
}

// Error translation: unique violations are conflicts, foreign-key
// violations mean the parent (pool or user) does not exist.
func translate(err error, what string) error {
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	case errors.As(err, &pe) && pe.Code == "23505":
		return fmt.Errorf("%s: %w", what, store.ErrConflict)
	case errors.As(err, &pe) && pe.Code == "23503":
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// zeroMS is the zero time.Time in unix milliseconds.
var zeroMS = time.Time{}.UnixMilli()

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time {
	if v == zeroMS {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
