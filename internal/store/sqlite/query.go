// How queries run: the querier abstraction, the reader pool with its
// statement cache, and the helpers every method uses to scan rows and
// translate errors.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/userpool/userpool/internal/store"
)

// querier is what *sql.DB, *sql.Tx and the reader pool offer. Every method
// is written once against it, so the same SQL runs inside or outside a
// transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// maxReaderStmts bounds the statement cache. Read queries are constant
// strings, so the cache holds a dozen statements; the bound only guards
// against a future query built from input.
const maxReaderStmts = 64

// readerPool is the read-only connection pool with a cache of prepared
// statements. modernc compiles SQL on every unprepared call, which costs
// about as much as running the indexed lookups this store does, so caching
// roughly halves the latency of hot reads such as GetClient and
// GetUserByKey. Only the reader caches: it never runs a transaction, so
// preparing (which takes a connection) can never wait for a connection the
// caller itself holds, as it could on the single writer connection; writes
// are dominated by the fsync of their commit anyway.
type readerPool struct {
	db    *sql.DB
	stmts sync.Map // query string -> *sql.Stmt
	n     atomic.Int32
}

var _ querier = (*readerPool)(nil)

// stmt returns the prepared statement for query, preparing it on first use,
// or nil if it cannot be prepared (the caller then runs the query unprepared,
// which reports the error).
func (r *readerPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := r.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if r.n.Load() >= maxReaderStmts {
		return nil
	}
	st, err := r.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := r.stmts.LoadOrStore(query, st); loaded {
		st.Close() // another goroutine prepared it first
		return prev.(*sql.Stmt)
	}
	r.n.Add(1)
	return st
}

func (r *readerPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.QueryContext(ctx, query, args...)
}

func (r *readerPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.QueryRowContext(ctx, query, args...)
}

// ExecContext exists to satisfy querier; the reader's connections are
// query_only, so any write sent here fails.
func (r *readerPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.db.ExecContext(ctx, query, args...)
}

// Close closes the cached statements and the pool.
func (r *readerPool) Close() error {
	var errs []error
	r.stmts.Range(func(_, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		return true
	})
	return errors.Join(append(errs, r.db.Close())...)
}

// translate maps driver errors to the store's sentinels. Uniqueness
// violations become store.ErrConflict and foreign key violations (the parent
// pool or user does not exist) store.ErrNotFound; the driver error stays in
// the chain for the message. sql.ErrNoRows is not handled here: callers turn
// it into a not-found error naming the record.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("sqlite: %s: %w (%w)", op, store.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlite: %s: %w (%w)", op, store.ErrNotFound, err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// notFound is the error for a missing record.
func notFound(what, id string) error {
	return fmt.Errorf("sqlite: %s %q: %w", what, id, store.ErrNotFound)
}

// mustAffect turns "the UPDATE or DELETE matched no row" into not-found.
func mustAffect(res sql.Result, what, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s %q: %w", what, id, err)
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// ms and fromMS convert between time.Time and the stored unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullMS and fromNullMS are ms and fromMS for a nullable column in which
// NULL stands for the zero time.Time ("unknown").
func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// blob keeps nil byte slices out of NOT NULL BLOB columns: the driver binds
// a nil slice as NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(op, err)
	}
	return out, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// getOne runs a query for one record and scans it with scan; no row is a
// not-found error for what/id, so sql.ErrNoRows never leaves the package.
func getOne[T any](ctx context.Context, q querier, what, id string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, notFound(what, id)
	}
	if err != nil {
		var zero T
		return zero, translate("get "+what+" "+id, err)
	}
	return v, nil
}
