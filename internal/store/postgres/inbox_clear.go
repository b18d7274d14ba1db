// Clearing a pool's development inbox between tests.

package postgres

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// DeletePoolMessages deletes poolID's finished (sent, dead, inbox,
// suppressed) messages, whatever their age, in batches of messageBatch;
// ON DELETE CASCADE removes their attempts. messages_inbox (pool_id,
// username, id) finds the pool's rows. Pending messages stay for the
// delivery worker.
func (s *Store) DeletePoolMessages(ctx context.Context, poolID string) (int64, error) {
	return s.deleteInBatches(ctx, "delete pool messages", messageBatch, `DELETE FROM messages WHERE id IN (
		SELECT id FROM messages WHERE pool_id = $1 AND status = ANY($2) LIMIT $3)`,
		poolID, []string{store.MessageSent, store.MessageDead, store.MessageInbox, store.MessageSuppressed})
}
