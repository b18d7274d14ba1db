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
	db   *sql.DB
	turn chan struct{} // held by whoever uses the transaction: a member or the committer
	cur  *batch        // the open batch; guarded by turn
	kick chan struct{} // capacity 1: the open batch has members to commit
	stop chan struct{}
	done chan struct{} // closed when the committer has exited
	// commits counts settled batches (tests and benchmarks read it).
	commits atomic.Int64
}

// batch is one shared transaction and the outcome its members wait for.
type batch struct {
	tx     *sql.Tx
	broken bool          // SQLite rolled the transaction back itself
	err    error         // the commit's result, valid once done is closed
	done   chan struct{} // closed after commit or rollback
}

func newGroup(db *sql.DB) *group {
	g := &group{db: db, turn: make(chan struct{}, 1), kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	go g.commitLoop()
	return g
}

// run executes fn inside the current batch and returns once the batch is
// durable (or failed). ctx bounds only the wait for a turn: once fn has run,
// the caller must learn the outcome, so it waits for the commit regardless.
func (g *group) run(ctx context.Context, fn func(tx *sql.Tx) error) error {
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
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
func (g *group) member(ctx context.Context, fn func(tx *sql.Tx) error) (b *batch, err error) {
	defer func() { <-g.turn }()
	if g.cur == nil {
		// The batch outlives any one caller's context: database/sql rolls a
		// transaction back when the context of BeginTx ends.
		tx, err := g.db.BeginTx(context.Background(), nil)
		if err != nil {
			return nil, fmt.Errorf("sqlite: begin: %w", err)
		}
		g.cur = &batch{tx: tx, done: make(chan struct{})}
	}
	b = g.cur
	// Whatever happens below, the batch has something to settle.
	defer g.signal()
	if b.broken {
		return b, errBatchBroken
	}
	if _, err := b.tx.Exec("SAVEPOINT member"); err != nil {
		b.broken = true
		return b, errBatchBroken
	}
	ok := false
	defer func() {
		if !ok { // fn failed, panicked or exited: undo its writes only
			if _, rerr := b.tx.Exec("ROLLBACK TO member"); rerr != nil {
				b.broken = true
			}
		}
		// RELEASE fails only if the transaction is gone, e.g. SQLite rolled
		// it back after an I/O error inside fn.
		if _, rerr := b.tx.Exec("RELEASE member"); rerr != nil {
			b.broken = true
		}
	}()
	err = fn(b.tx)
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
		_ = b.tx.Rollback()
		b.err = errBatchBroken
	} else if err := b.tx.Commit(); err != nil {
		b.err = fmt.Errorf("sqlite: commit: %w", err)
	}
	close(b.done)
}

// close commits what is open and stops the committer.
func (g *group) close() {
	close(g.stop)
	<-g.done
}
