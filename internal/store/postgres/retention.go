// Retention: deleting attempts that no longer count and messages that are
// no longer needed, in small batches.

package postgres

import (
	"context"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// pruneBatch is how many attempt rows one PruneAttempts statement deletes,
// and messageBatch how many messages one PruneMessages statement deletes
// (each with up to a few delivery attempts).
const (
	pruneBatch   = 1000
	messageBatch = 200
)

// deleteInBatches runs query, a DELETE of at most batch rows (its last
// parameter), until a run deletes fewer, and returns the total. Each run is
// one statement, outside a Tx its own transaction, so no long lock or huge
// transaction builds up.
func (s *Store) deleteInBatches(ctx context.Context, what string, batch int, query string, args ...any) (int64, error) {
	args = append(args, batch)
	var total int64
	for {
		tag, err := s.q().Exec(ctx, query, args...)
		if err != nil {
			return total, translate(err, what)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < int64(batch) {
			return total, nil
		}
	}
}

// PruneAttempts deletes old attempts in batches of pruneBatch.
// Lockout records (TakeBackoff) last seen by then go too.
func (s *Store) PruneAttempts(ctx context.Context, before time.Time) (int64, error) {
	lockouts, err := s.pruneLockouts(ctx, ms(before))
	if err != nil {
		return lockouts, err
	}
	rows, err := s.deleteInBatches(ctx, "prune attempts", pruneBatch,
		"DELETE FROM attempts WHERE ctid IN (SELECT ctid FROM attempts WHERE at <= $1 LIMIT $2)", ms(before))
	return lockouts + rows, err
}

// PruneMessages deletes finished messages created at or before before in
// batches of messageBatch; ON DELETE CASCADE removes their attempts. The
// messages_retention index (status, created_at) serves the search, so
// pending messages are never read. Two instances pruning at once delete
// each message once: the second waits for the first's row lock and then
// finds the row gone.
func (s *Store) PruneMessages(ctx context.Context, before time.Time) (int64, error) {
	return s.deleteInBatches(ctx, "prune messages", messageBatch, `DELETE FROM messages WHERE id IN (
		SELECT id FROM messages WHERE status = ANY($1) AND created_at <= $2 LIMIT $3)`,
		[]string{store.MessageSent, store.MessageDead, store.MessageInbox, store.MessageSuppressed}, ms(before))
}
