// Group commit: concurrent writer transactions share one SQLite transaction
// and one fsync.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
)

// errBatchBroken reports that SQLite ended a shared transaction on its own
// (an I/O error, a full disk): every member of the batch fails, none is
// acknowledged.
var errBatchBroken = errors.New("sqlite: the shared transaction was aborted by SQLite")

// group runs writer transactions on the single writer connection and
// commits them in batches.
//
// Why: with synchronous=FULL every commit waits for an fsync of the WAL,
// which costs far more than the statements of a typical operation
// (ForgotPassword's writes take tens of microseconds, the fsync a
// millisecond or more). Serial commits cap the store at one fsync per
// operation; a batch pays one fsync for every operation in it.
//
// How: each caller runs its own callback, in turn, on the shared
// transaction, inside a savepoint (so a failing callback undoes only its own
// work), then waits for the batch's commit. A committer goroutine commits
// when no callback is running; callers that arrive during that commit form
// the next batch. No timer delays anything: a lone writer commits at once,
// and batches grow exactly as much as the fsync makes callers wait.
//
// Durability is unchanged: a callback's caller hears of success only after
// the COMMIT that contains its writes has returned, i.e. after the fsync. If
// the commit fails, every member of the batch gets the error, including
// members whose callback itself failed (their error may have been based on
// writes of earlier members that were never committed).
type group struct {
	w    *wconn
	turn chan struct{} // held by whoever uses the transaction: a member or the committer
	cur  *batch        // the open batch; guarded by turn
	kick chan struct{} // capacity 1: the open batch has members to commit
	stop chan struct{}
	done chan struct{} // closed when the committer has exited
	// commits counts settled batches (tests and benchmarks read it).
	commits atomic.Int64
	// waiting counts callers waiting for a turn (tests read it to know
	// writers have queued, instead of sleeping).
	waiting atomic.Int64
}

// batch is one shared transaction and the outcome its members wait for.
type batch struct {
	broken bool          // SQLite rolled the transaction back itself
	err    error         // the commit's result, valid once done is closed
	done   chan struct{} // closed after commit or rollback
}

func newGroup(w *wconn) *group {
	g := &group{w: w, turn: make(chan struct{}, 1), kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	go g.commitLoop()
	return g
}

// run executes fn inside the current batch and returns once the batch is
// durable (or failed). ctx bounds only the wait for a turn: once fn has run,
// the caller must learn the outcome, so it waits for the commit regardless.
func (g *group) run(ctx context.Context, fn func(w *wconn) error) error {
	g.waiting.Add(1)
	select {
	case g.turn <- struct{}{}:
		g.waiting.Add(-1)
	case <-ctx.Done():
		g.waiting.Add(-1)
		return ctx.Err()
	}
	b, err := g.member(ctx, fn)
	if b == nil {
		return err // no batch could be opened
	}
	<-b.done
	if b.err != nil {
		return b.err
	}
	return err
}

// member runs fn on the open batch (opening one if needed) while holding
// the turn, and hands the turn back: also when fn panics or calls
// runtime.Goexit (t.Fatal in a test), so the writer can never be left held.
// If ctx ended while fn ran, fn's writes are undone and the caller gets
// ctx's error: a caller that has gone away must not commit half a thought.
func (g *group) member(ctx context.Context, fn func(w *wconn) error) (b *batch, err error) {
	defer func() { <-g.turn }()
	if g.cur == nil {
		// IMMEDIATE takes the write lock up front, so no statement of the
		// batch can fail later on upgrading its lock (another process may
		// share the file). The batch outlives any one caller's context.
		if err := g.w.exec("BEGIN IMMEDIATE"); err != nil {
			return nil, fmt.Errorf("sqlite: begin: %w", err)
		}
		g.cur = &batch{done: make(chan struct{})}
	}
	b = g.cur
	// Whatever happens below, the batch has something to settle.
	defer g.signal()
	if b.broken {
		return b, errBatchBroken
	}
	if err := g.w.exec("SAVEPOINT member"); err != nil {
		b.broken = true
		return b, errBatchBroken
	}
	ok := false
	defer func() {
		if !ok { // fn failed, panicked or exited: undo its writes only
			if rerr := g.w.exec("ROLLBACK TO member"); rerr != nil {
				b.broken = true
			}
		}
		// RELEASE fails only if the transaction is gone, e.g. SQLite rolled
		// it back after an I/O error inside fn.
		if rerr := g.w.exec("RELEASE member"); rerr != nil {
			b.broken = true
		}
	}()
	err = fn(g.w)
	if err == nil {
		err = ctx.Err()
	}
	ok = err == nil
	return b, err
}

func (g *group) signal() {
	select {
	case g.kick <- struct{}{}:
	default:
	}
}

// commitLoop commits the open batch whenever it has members. Taking the
// turn waits for the callback running now; callers already queued for the
// turn go first (Go serves blocked channel senders in order), so they join
// this batch.
func (g *group) commitLoop() {
	defer close(g.done)
	for {
		select {
		case <-g.kick:
		case <-g.stop:
			g.turn <- struct{}{}
			g.settle()
			return
		}
		g.turn <- struct{}{}
		g.settle()
		<-g.turn
	}
}

// settle commits (or, if broken, rolls back) the open batch and tells its
// members. It runs with the turn held.
func (g *group) settle() {
	b := g.cur
	if b == nil {
		return
	}
	g.cur = nil
	g.commits.Add(1)
	if b.broken {
		b.err = errBatchBroken
	} else if err := g.w.exec("COMMIT"); err != nil {
		b.err = fmt.Errorf("sqlite: commit: %w", err)
	}
	if b.err != nil {
		// A failed COMMIT can leave the transaction open (SQLITE_BUSY);
		// the connection must be back in autocommit for the next batch.
		_ = g.w.exec("ROLLBACK")
	}
	close(b.done)
}

// between commits the open batch, if any, and runs fn on the writer
// connection outside any transaction, holding the turn: writers queue for
// it in Go meanwhile. For statements that cannot run inside a transaction,
// such as a checkpoint.
func (g *group) between(fn func(w *wconn) error) error {
	g.turn <- struct{}{}
	defer func() { <-g.turn }()
	g.settle()
	return fn(g.w)
}

// close commits what is open, stops the committer and closes the writer
// connection.
func (g *group) close() error {
	close(g.stop)
	<-g.done
	return g.w.close()
}

// maxWriterStmts bounds the writer's statement cache; queries are constant
// strings, so it only guards against a future query built from input.
const maxWriterStmts = 128

// wconn is the single writer connection, held for the Store's lifetime,
// with its prepared statements. Only the holder of the group's turn uses
// it. Transactions are plain BEGIN/COMMIT statements on it rather than
// database/sql transactions, so statements prepared once on the connection
// serve every transaction: modernc compiles SQL on each unprepared call,
// which cost as much as the writes themselves.
//
// Statements ignore cancellation: SQLite rolls back the whole transaction
// when a statement inside it is interrupted, and a group commit
// transaction holds other callers' work too (group.member undoes a
// cancelled caller's writes instead).
type wconn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func newWconn(ctx context.Context, db *sql.DB) (*wconn, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &wconn{conn: c, stmts: map[string]*sql.Stmt{}}, nil
}

// stmt returns query prepared on the connection, or nil if it cannot be
// (the caller then runs it unprepared, which reports the error).
func (w *wconn) stmt(query string) *sql.Stmt {
	if st := w.stmts[query]; st != nil {
		return st
	}
	if len(w.stmts) >= maxWriterStmts {
		return nil
	}
	st, err := w.conn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil
	}
	w.stmts[query] = st
	return st
}

func (w *wconn) exec(query string) error {
	_, err := w.ExecContext(context.Background(), query)
	return err
}

func (w *wconn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := w.stmt(query); st != nil {
		return st.ExecContext(context.WithoutCancel(ctx), args...)
	}
	return w.conn.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (w *wconn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := w.stmt(query); st != nil {
		return st.QueryContext(context.WithoutCancel(ctx), args...)
	}
	return w.conn.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (w *wconn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := w.stmt(query); st != nil {
		return st.QueryRowContext(context.WithoutCancel(ctx), args...)
	}
	return w.conn.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

func (w *wconn) close() error {
	for _, st := range w.stmts {
		st.Close()
	}
	return w.conn.Close()
}
