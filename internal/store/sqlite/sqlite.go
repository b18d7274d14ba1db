// Package sqlite is the embedded store.Store backend: one SQLite database
// file, opened with the pure-Go driver modernc.org/sqlite (no cgo).
//
// Concurrency model: SQLite allows one writer at a time, so every write goes
// through a writer *sql.DB limited to a single connection. Waiting for that
// connection happens in Go (database/sql's pool, which honours ctx), so writers
// of this process never see SQLITE_BUSY. Writer transactions begin with BEGIN
// IMMEDIATE: they take the write lock up front, so a transaction that reads and
// then writes cannot fail halfway when upgrading its lock. Reads outside a
// transaction go to a separate pool of read-only connections; in WAL mode
// they run concurrently with the writer and see the last committed state.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/userpool/userpool/internal/store"
)

// readerConns is the size of the read-only connection pool. Reads are short
// indexed lookups; a handful of connections is enough to overlap them with a
// long write and with each other.
const readerConns = 4

// connParams are the DSN parameters every connection, writer or reader, is
// opened with. modernc applies them to each new physical connection, so a
// connection the pool opens later is configured exactly like the first one.
//
//   - journal_mode=WAL: readers do not block the writer and vice versa.
//   - synchronous=FULL: durability. In WAL mode, NORMAL may lose the last
//     transactions on power loss; FULL fsyncs the WAL on every commit, so a
//     write this store has acknowledged survives kill -9 and power loss.
//   - foreign_keys=1: SQLite leaves foreign keys off by default; the schema
//     relies on them for cascading deletes and for "pool does not exist".
//   - busy_timeout=5000: only another process (or another Store on the same
//     file) can hold the lock we want; wait for it instead of failing at once.
var connParams = url.Values{
	"_busy_timeout": {"5000"},
	"_journal_mode": {"WAL"},
	"_synchronous":  {"FULL"},
	"_foreign_keys": {"1"},
}

// querier is what both *sql.DB and *sql.Tx offer. Every method is written
// once against it, so the same SQL runs inside or outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is a store.Store backed by one SQLite database file. A Store handed to
// a Tx callback is bound to that transaction and sends everything through it.
type Store struct {
	writer *sql.DB
	reader *sql.DB
	tx     *sql.Tx // non-nil for the Store a Tx callback receives
}

var _ store.Store = (*Store)(nil)

// Open opens the database file at path, creating it if needed, and brings its
// schema up to date. It fails if the file cannot be opened or is not a
// SQLite database.
func Open(ctx context.Context, path string) (*Store, error) {
	base, err := fileURI(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	// The writer is opened, checked and migrated before the readers exist, so
	// readers never see a half-migrated schema.
	wp := cloneParams(connParams)
	wp.Set("_txlock", "immediate")
	writer, err := openDB(ctx, base, wp, 1)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	if err := migrate(ctx, writer); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	// query_only makes the reader pool refuse writes, so a write that is
	// sent to the wrong handle by mistake fails loudly instead of racing
	// the writer for the lock.
	rp := cloneParams(connParams)
	rp.Set("_query_only", "1")
	reader, err := openDB(ctx, base, rp, readerConns)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	return &Store{writer: writer, reader: reader}, nil
}

// fileURI turns a file path into an SQLite "file:" URI. The URI form lets
// SQLite see the path exactly: characters SQLite would read as URI syntax
// ('?', '#', '%') are percent-escaped, which a plain file name cannot do.
func fileURI(path string) (string, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		// The reader and writer pools must share one database; an in-memory
		// or caller-made URI would silently give each connection its own.
		return "", fmt.Errorf("want a file path, got %q", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/dir/db
	}
	r := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")
	return "file://" + r.Replace(p), nil
}

func cloneParams(v url.Values) url.Values {
	c := make(url.Values, len(v)+1)
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// openDB opens a connection pool and makes it connect once, so a bad path or
// a file that is not a database is reported here rather than by the first
// query. Reading sqlite_master forces SQLite to read the file header.
func openDB(ctx context.Context, base string, params url.Values, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", base+"?"+params.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes both connection pools. On a Store bound to a transaction it
// does nothing but report misuse: the transaction belongs to Tx.
func (s *Store) Close() error {
	if s.tx != nil {
		return errors.New("sqlite: Close called on the Store of a transaction")
	}
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// Tx runs fn in one writer transaction. The error fn returns is handed back
// unchanged; only a failing begin or commit produces a new (wrapped) error.
func (s *Store) Tx(ctx context.Context, fn func(store.Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.writerTx(ctx, func(tx *sql.Tx) error {
		return fn(&Store{writer: s.writer, reader: s.reader, tx: tx})
	})
}

// writerTx runs fn in a new transaction on the writer connection and commits
// it if fn succeeds.
func (s *Store) writerTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// Rolls back on error, and also when fn panics or calls runtime.Goexit
	// (t.Fatal in a test): the single writer connection must never be left
	// inside a transaction, or every later write would wait forever.
	// After a successful Commit it is a no-op.
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// reads returns where read-only queries go: the transaction, or the reader pool.
func (s *Store) reads() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.reader
}

// writes returns where single-statement writes go: the transaction, or the writer.
func (s *Store) writes() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.writer
}

// atomic runs fn, a multi-statement operation, so that it takes effect
// entirely or not at all. Outside a transaction it gets its own writer
// transaction. Inside one it runs under a savepoint: if fn fails, its partial
// writes are undone even when the caller's callback ignores the error and
// commits.
func (s *Store) atomic(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return savepoint(ctx, s.tx, fn)
	}
	return s.writerTx(ctx, func(tx *sql.Tx) error { return fn(tx) })
}

func savepoint(ctx context.Context, tx *sql.Tx, fn func(q querier) error) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT store_op"); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	if err := fn(tx); err != nil {
		// Savepoint names nest: these address the innermost store_op.
		_, _ = tx.ExecContext(ctx, "ROLLBACK TO store_op")
		_, _ = tx.ExecContext(ctx, "RELEASE store_op")
		return err
	}
	if _, err := tx.ExecContext(ctx, "RELEASE store_op"); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil
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
