package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// enqueue writes a code's (or temporary password's) message to the outbox
// through tx, in the same transaction as the state change it belongs to,
// with the status its medium calls for:
//   - pending, for the delivery worker, when the medium has a channel;
//   - inbox, kept for the development inbox, when it has none and the
//     server runs with --dev (the laptop and CI case);
//   - nothing at all when it has none outside --dev: the body holds a live
//     code in plain text that no one would ever read but someone with the
//     database, so it is not kept (issue 14). The MessageQueued hook still
//     hears of it (metrics count it as dropped) and the start log names the
//     media without a channel.
func (s *Service) enqueue(ctx context.Context, tx store.Store, m *store.Message) error {
	m.Status = store.MessagePending
	if s.cfg.InboxOnly != nil && s.cfg.InboxOnly(m.Medium) {
		if !s.cfg.Dev {
			return nil
		}
		m.Status = store.MessageInbox
	}
	return tx.EnqueueMessage(ctx, m)
}
