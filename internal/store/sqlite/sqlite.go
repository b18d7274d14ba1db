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
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

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
//   - synchronous=FULL: durability. A commit is in the OS page cache when it
//     returns, which survives kill -9 with any setting; to survive power loss
//     or an OS crash it must also be on disk. In WAL mode NORMAL syncs only at
//     checkpoints, so the last acknowledged commits could vanish; FULL fsyncs
//     the WAL on every commit, before the write is acknowledged.
//   - foreign_keys=1: SQLite leaves foreign keys off by default; the schema
//     relies on them for cascading deletes and for "pool does not exist".
//   - busy_timeout=5000: within this Store, Go already serialises writers, so
//     only another process, another Store on the same file or WAL recovery can
//     hold a lock we want; wait for it instead of failing at once.
const busyTimeoutMS = 5000

var connParams = url.Values{
	"_busy_timeout": {strconv.Itoa(busyTimeoutMS)},
	"_journal_mode": {"WAL"},
	"_synchronous":  {"FULL"},
	"_foreign_keys": {"1"},
}

// Store is a store.Store backed by one SQLite database file. A Store handed to
// a Tx callback is bound to that transaction and sends everything through it.
type Store struct {
	writer *sql.DB
	group  *group        // runs and group-commits every writer transaction (group.go)
	ckpt   *checkpointer // background WAL checkpoints (checkpoint.go)
	reader *readerPool
	tx     *wconn // non-nil for the Store a Tx callback receives
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
	wp.Add("_pragma", "wal_autocheckpoint(0)") // checkpoint.go does it, off the writer's path
	// When the WAL starts over (checkpoint.go), the writer cuts the file
	// back to this size instead of keeping its high-water mark.
	wp.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
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
	w, err := newWconn(ctx, writer)
	if err != nil {
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	ckdb, err := openDB(ctx, base, connParams, 1)
	if err != nil {
		w.close()
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	g := newGroup(w)
	restart := func() error { return g.between(restartWAL) }
	return &Store{writer: writer, group: g, ckpt: startCheckpointer(ckdb, restart), reader: &readerPool{db: reader}}, nil
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
	s.ckpt.halt() // it uses the writer: stop it first
	return errors.Join(s.group.close(), s.ckpt.close(), s.reader.Close(), s.writer.Close())
}

// Tx runs fn in one writer transaction. The error fn returns is handed back
// unchanged; only a failing begin or commit produces a new (wrapped) error.
// Nested in a Tx, fn runs in that transaction under a savepoint, so a
// nested fn that fails leaves nothing behind.
func (s *Store) Tx(ctx context.Context, fn func(store.Store) error) error {
	if s.tx != nil {
		return savepoint(ctx, s.tx, func(querier) error { return fn(s) })
	}
	return s.writerTx(ctx, func(w *wconn) error {
		return fn(&Store{writer: s.writer, group: s.group, ckpt: s.ckpt, reader: s.reader, tx: w})
	})
}

// writerTx runs fn in a writer transaction — a member of the current group
// commit batch — and returns once that batch is committed (group.go).
func (s *Store) writerTx(ctx context.Context, fn func(w *wconn) error) error {
	return s.group.run(ctx, fn)
}

// reads returns where read-only queries go: the transaction, or the reader pool.
func (s *Store) reads() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.reader
}

// writes returns where single-statement writes go: the transaction, or a
// writer transaction of their own (which joins a group commit batch).
func (s *Store) writes() execer {
	if s.tx != nil {
		return s.tx
	}
	return ownTx{s}
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
	return s.writerTx(ctx, func(w *wconn) error { return fn(w) })
}

func savepoint(ctx context.Context, tx querier, fn func(q querier) error) error {
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

// execer is what a single-statement write needs.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// ownTx runs one statement in a writer transaction of its own.
type ownTx struct{ s *Store }

func (o ownTx) ExecContext(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	err = o.s.writerTx(ctx, func(w *wconn) error {
		var xerr error
		res, xerr = w.ExecContext(ctx, query, args...)
		return xerr
	})
	return res, err
}
