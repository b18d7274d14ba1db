// Retention: deleting attempts that no longer count and messages that are
// no longer needed, in small batches so the writer is never held for long.

package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// pruneBatch is how many attempt rows one PruneAttempts transaction
// deletes, and messageBatch how many messages one PruneMessages transaction
// deletes (each with up to a few delivery attempts): small enough that the
// writer is back to requests within a few milliseconds.
const (
	pruneBatch   = 1000
	messageBatch = 200
)

// inBatches runs batch until it reports that nothing is left, and returns
// the total it deleted. Outside a Tx each batch is its own writer
// transaction.
func inBatches(batch func() (deleted int64, more bool, err error)) (int64, error) {
	var total int64
	for {
		n, more, err := batch()
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// PruneAttempts deletes old attempts in batches of pruneBatch. No index
// serves "at" alone (one would cost every TakeAttempt a second index
// write), so finding a batch can mean scanning the whole table: that scan
// runs on a reader, and the writer only deletes the rows found, by rowid,
// re-checking their time (TakeAttempt may have moved one forward since).
func (s *Store) PruneAttempts(ctx context.Context, before time.Time) (int64, error) {
	cutoff := ms(before)
	lockouts, err := s.pruneLockouts(ctx, cutoff)
	if err != nil {
		return lockouts, err
	}
	rows, err := inBatches(func() (int64, bool, error) {
		ids, err := queryAll(ctx, s.reads(), "prune attempts", scanInt64,
			"SELECT rowid FROM attempts WHERE at <= ? LIMIT ?", cutoff, pruneBatch)
		if err != nil || len(ids) == 0 {
			return 0, false, err
		}
		res, err := s.writes().ExecContext(ctx,
			"DELETE FROM attempts WHERE at <= ? AND rowid IN (SELECT value FROM json_each(?))", cutoff, jsonInts(ids))
		n, err := affected("prune attempts", res, err)
		return n, len(ids) == pruneBatch, err
	})
	return lockouts + rows, err
}

// pruneMessagesQuery deletes up to a batch of finished messages created at
// or before a cutoff; ON DELETE CASCADE removes their attempts. The
// messages_retention index (status, created_at) makes each of the four
// statuses a range scan, so pending messages are never read.
const pruneMessagesQuery = `DELETE FROM messages WHERE id IN (
	SELECT id FROM messages WHERE status IN (?, ?, ?, ?) AND created_at <= ? LIMIT ?)`

// PruneMessages deletes finished (sent, dead, inbox, suppressed) messages
// created at or before before, with their delivery attempts, in batches of
// messageBatch. Pending messages stay, whatever their age.
func (s *Store) PruneMessages(ctx context.Context, before time.Time) (int64, error) {
	return inBatches(func() (int64, bool, error) {
		res, err := s.writes().ExecContext(ctx, pruneMessagesQuery, store.MessageSent, store.MessageDead,
			store.MessageInbox, store.MessageSuppressed, ms(before), messageBatch)
		n, err := affected("prune messages", res, err)
		return n, n == messageBatch, err
	})
}

func scanInt64(sc scanner) (int64, error) {
	var v int64
	err := sc.Scan(&v)
	return v, err
}

// jsonInts renders ids as a JSON array, for json_each: one parameter
// however many ids.
func jsonInts(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// affected returns how many rows the statement that gave res and err
// changed.
func affected(op string, res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(op, err)
	}
	return n, nil
}
