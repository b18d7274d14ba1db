// Clearing a pool's development inbox between tests.

package sqlite

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// deletePoolMessagesQuery deletes up to a batch of one pool's finished
// messages; ON DELETE CASCADE removes their attempts. messages_inbox
// (pool_id, username, id) finds the pool's rows.
const deletePoolMessagesQuery = `DELETE FROM messages WHERE id IN (
	SELECT id FROM messages WHERE pool_id = ? AND status IN (?, ?, ?, ?) LIMIT ?)`

// DeletePoolMessages deletes poolID's finished (sent, dead, inbox,
// suppressed) messages, whatever their age, in batches of messageBatch, so
// a large inbox never holds the writer for long. Pending messages stay for
// the delivery worker.
func (s *Store) DeletePoolMessages(ctx context.Context, poolID string) (int64, error) {
	return inBatches(func() (int64, bool, error) {
		res, err := s.writes().ExecContext(ctx, deletePoolMessagesQuery, poolID, store.MessageSent, store.MessageDead,
			store.MessageInbox, store.MessageSuppressed, messageBatch)
		n, err := affected("delete pool messages", res, err)
		return n, n == messageBatch, err
	})
}
