// Background WAL checkpoints, off the writer's path.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often the checkpointer copies committed WAL frames
// into the database file.
const checkpointEvery = 250 * time.Millisecond

// restartFrames is the WAL length (in frames, 4 KiB each) from which the
// checkpointer makes the WAL start over (16 MiB), and walSizeLimit the size
// the file is cut back to when it does (journal_size_limit, 32 MiB).
const (
	restartFrames = 4096
	walSizeLimit  = 32 << 20
	restartWait   = 50 * time.Millisecond
)

// checkpointer runs checkpoints on a connection of its own.
//
// Why: by default the connection that commits runs a checkpoint whenever the
// WAL passes 1,000 pages — on the writer, inside a request, with an fsync
// of the database file, holding up the whole group commit batch behind it.
// The writer now has wal_autocheckpoint=0 and this goroutine checkpoints
// instead. A PASSIVE checkpoint never waits for readers or the writer, so
// neither waits for it. Durability is unchanged: a commit is durable once
// its WAL frames are fsynced (synchronous=FULL); checkpoints only move
// durable data from the WAL into the database file.
//
// Copying frames is not enough to keep the WAL short: SQLite writes from
// the start of the WAL again only if, when a write transaction begins, no
// reader is still using it, and under steady load some reader always is.
// Measured at ~1,900 ForgotPassword/s, the WAL grew to 1.1 GB in 30 s with
// PASSIVE checkpoints alone, and every page lookup searched its growing
// index. So once the WAL is restartFrames long, the checkpointer runs a
// RESTART checkpoint on the writer connection between two group commit
// batches (group.between): it waits for the WAL's readers, which are
// single short statements, and the next batch starts the WAL over. It
// waits at most restartWait: a long read (say a filtered ListUsers over a
// big pool) must not hold every writer up, so RESTART then gives up and
// the next tick tries again. Writers meanwhile queue for the writer in Go and resume the moment
// it is done. (Run from this connection instead, RESTART locks writers
// out, and a writer then sleeps in SQLite's busy handler in steps of up to
// 100 ms: that made the maximum latency at 1,000,000 users 380-490 ms.)
// Reads never wait.
type checkpointer struct {
	db        *sql.DB
	restart   func() error // runs RESTART between batches
	restartAt atomic.Int64 // restartFrames; tests lower it
	stop      chan struct{}
	done      chan struct{}
}

func startCheckpointer(db *sql.DB, restart func() error) *checkpointer {
	c := &checkpointer{db: db, restart: restart, stop: make(chan struct{}), done: make(chan struct{})}
	c.restartAt.Store(restartFrames)
	go c.loop()
	return c
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.checkpoint()
		}
	}
}

// checkpoint copies committed frames into the database file and, if the
// WAL has grown past restartAt, makes it start over. A failure (say
// SQLITE_BUSY during recovery) is retried at the next tick; nothing is lost
// by a missed checkpoint.
func (c *checkpointer) checkpoint() {
	var busy, frames, copied int
	err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	if err == nil && int64(frames) >= c.restartAt.Load() {
		_ = c.restart()
	}
}

// restartWAL runs on the writer connection between batches: a RESTART
// checkpoint that waits at most restartWait for readers (the busy handler
// is what waits), then the usual busy timeout again.
func restartWAL(w *wconn) error {
	if err := w.exec(fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds())); err != nil {
		return err
	}
	err := w.exec("PRAGMA wal_checkpoint(RESTART)")
	return errors.Join(err, w.exec(fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeoutMS)))
}

// halt stops the loop; the Store then closes the writer, and close
// finishes.
func (c *checkpointer) halt() {
	close(c.stop)
	<-c.done
}

// close checkpoints everything, leaving an empty WAL, and closes the
// connection. The loop must have been halted.
func (c *checkpointer) close() error {
	_, err := c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	return errors.Join(err, c.db.Close())
}
