package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// pruneMessages calls PruneMessages and asserts how many it deleted.
func pruneMessages(t *testing.T, ctx context.Context, s store.Store, before time.Time, want int64) {
	t.Helper()
	n, err := s.PruneMessages(ctx, before)
	must(t, err, "PruneMessages")
	if n != want {
		t.Errorf("PruneMessages(%s) deleted %d messages, want %d", timeView(before), n, want)
	}
}

// finishedAndRetried enqueues, created at created, one message in each
// finished state (sent, dead, inbox, suppressed) and two pending ones that
// were tried (retried) or are being sent (leased); it returns both kinds as
// stored. It claims every due message.
func finishedAndRetried(t *testing.T, ctx context.Context, s store.Store, created time.Time) (finished, pending []*store.Message) {
	t.Helper()
	mk := func(user, status string) *store.Message {
		m := newMessage("p1", user, user+"@example.com", 0)
		m.CreatedAt, m.Status = created, status
		return enqueue(t, ctx, s, m)
	}
	sent, dead := mk("sent", store.MessagePending), mk("dead", store.MessagePending)
	retried, leased := mk("retried", store.MessagePending), mk("leased", store.MessagePending)
	token, _ := claim(t, ctx, s, created, time.Minute, 4)
	must(t, s.MarkMessageSent(ctx, sent.ID, token, created, false, false), "MarkMessageSent")
	must(t, s.KillMessage(ctx, dead.ID, token, created, "bounced"), "KillMessage")
	must(t, s.RetryMessage(ctx, retried.ID, token, created, created.Add(time.Hour), "busy"), "RetryMessage")
	// leased keeps its lease: a worker is sending it.
	inbox := mk("inbox", store.MessageInbox)
	suppressed := enqueue(t, ctx, s, &store.Message{PoolID: "p1", Purpose: "FORGOT_PASSWORD", Medium: "EMAIL",
		SuppressedReason: "USER_NOT_FOUND", Status: store.MessageSuppressed, CreatedAt: created})
	for _, m := range []*store.Message{sent, dead, inbox, suppressed} {
		finished = append(finished, getMessage(t, ctx, s, m.ID))
	}
	return finished, []*store.Message{getMessage(t, ctx, s, retried.ID), getMessage(t, ctx, s, leased.ID)}
}

// wantPruned asserts that none of msgs is stored, nor any attempt of them.
func wantPruned(t *testing.T, ctx context.Context, s store.Store, msgs ...*store.Message) {
	t.Helper()
	left := map[int64]bool{}
	for _, m := range listMessages(t, ctx, s, store.MessageFilter{Limit: 1 << 20}) {
		left[m.ID] = true
	}
	for _, m := range msgs {
		if left[m.ID] {
			t.Errorf("message %s was not pruned", messageView(m))
		}
		wantAttempts(t, ctx, s, m.ID)
	}
}

var retentionTests = []testCase{
	{"PrunesFinishedMessagesOnly", func(t *testing.T, ctx context.Context, s store.Store) {
		oldDone, oldPending := finishedAndRetried(t, ctx, s, t0)
		newDone, newPending := finishedAndRetried(t, ctx, s, t0.Add(time.Millisecond))
		fresh := newMessage("p1", "fresh", "fresh@example.com", 0)
		fresh.CreatedAt = t0
		oldPending = append(oldPending, enqueue(t, ctx, s, fresh))
		// At or before the cutoff, the finished messages go with their
		// attempts; pending ones stay whatever their age, attempts too.
		pruneMessages(t, ctx, s, t0, int64(len(oldDone)))
		wantPruned(t, ctx, s, oldDone...)
		wantMessages(t, ctx, s, append(append(oldPending, newDone...), newPending...)...)
		retried := oldPending[0]
		wantAttempts(t, ctx, s, retried.ID, store.MessageAttempt{MessageID: retried.ID, Number: 1, At: t0, Error: "busy"})
		sent := newDone[0]
		wantAttempts(t, ctx, s, sent.ID, store.MessageAttempt{MessageID: sent.ID, Number: 1, At: sent.SentAt})
		pruneMessages(t, ctx, s, t0, 0)
		// Far later, only the pending messages are left.
		pruneMessages(t, ctx, s, t0.Add(1000*time.Hour), int64(len(newDone)))
		wantPruned(t, ctx, s, newDone...)
		sameList(t, messageView, listMessages(t, ctx, s, store.MessageFilter{}),
			newestFirst(append(oldPending, newPending...)...), "messages left")
		wantStats(t, ctx, s, store.OutboxStats{Pending: 5, OldestPending: t0}, "after pruning")
	}},
	{"PruneKeepsIDsIncreasing", func(t *testing.T, ctx context.Context, s store.Store) {
		// A reader's "after ID" cursor stays valid: a message enqueued after
		// the newest one was pruned gets a higher ID.
		m := newMessage("p1", "alice", "a@x", 1)
		m.Status = store.MessageInbox
		enqueue(t, ctx, s, m)
		pruneMessages(t, ctx, s, m.CreatedAt, 1)
		n := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 2))
		if n.ID <= m.ID {
			t.Errorf("message enqueued after pruning got ID %d, not above the pruned %d", n.ID, m.ID)
		}
	}},
	{"PruneMessagesInBatches", func(t *testing.T, ctx context.Context, s store.Store) {
		// Several batches, enqueued in one transaction to keep it quick.
		must(t, s.Tx(ctx, func(tx store.Store) error {
			for i := range 1100 {
				err := tx.EnqueueMessage(ctx, &store.Message{PoolID: "p1", Username: fmt.Sprint(i),
					Status: store.MessageSuppressed, CreatedAt: t0})
				if err != nil {
					return err
				}
			}
			return nil
		}), "1100 messages")
		pruneMessages(t, ctx, s, t0, 1100)
		if left := listMessages(t, ctx, s, store.MessageFilter{}); len(left) != 0 {
			t.Errorf("%d messages left after pruning", len(left))
		}
	}},
}
