// Background WAL checkpoints, off the writer's path.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// checkpointEvery is how often the checkpointer copies committed WAL frames
// into the database file. Between runs the WAL grows by what was committed
// meanwhile; a quarter second keeps it to a few megabytes under load.
const checkpointEvery = 250 * time.Millisecond

// checkpointer runs PASSIVE checkpoints on a connection of its own.
//
// Why: by default the connection that commits runs a checkpoint whenever the
// WAL passes 1,000 pages — on the writer, inside a request, with an fsync
// of the database file, holding up the whole group commit batch behind it.
// The writer now has wal_autocheckpoint=0 and this goroutine checkpoints
// instead. A PASSIVE checkpoint never waits for readers or the writer, so
// neither waits for it. Durability is unchanged: a commit is durable once
// its WAL frames are fsynced (synchronous=FULL); checkpoints only move
// durable data from the WAL into the database file.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
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
			// A failure (say SQLITE_BUSY during recovery) is retried at the
			// next tick; nothing is lost by a missed checkpoint.
			_, _ = c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// close stops the loop and checkpoints everything, leaving a short WAL.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	_, err := c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	return errors.Join(err, c.db.Close())
}
