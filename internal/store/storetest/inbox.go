package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// The development inbox's reads and its clearing between tests:
// ListMessages by purpose and creation time, and DeletePoolMessages.

// deletePoolMessages calls DeletePoolMessages and asserts how many it
// deleted.
func deletePoolMessages(t *testing.T, ctx context.Context, s store.Store, poolID string, want int64) {
	t.Helper()
	n, err := s.DeletePoolMessages(ctx, poolID)
	must(t, err, "DeletePoolMessages "+poolID)
	if n != want {
		t.Errorf("DeletePoolMessages(%q) deleted %d messages, want %d", poolID, n, want)
	}
}

// inboxMessage is a message kept for the inbox (so "sent" when created):
// pool, purpose and creation time as given.
func inboxMessage(poolID, purpose string, created time.Time) *store.Message {
	m := newMessage(poolID, "alice", "alice@example.com", 0)
	m.Purpose, m.CreatedAt, m.Status, m.SentAt = purpose, created, store.MessageInbox, created
	return m
}

var inboxTests = []testCase{
	{"ListByPurposeAndCreationTime", func(t *testing.T, ctx context.Context, s store.Store) {
		ms := time.Millisecond
		forgot1 := enqueue(t, ctx, s, inboxMessage("p1", "FORGOT_PASSWORD", t0))
		signUp := enqueue(t, ctx, s, inboxMessage("p1", "SIGN_UP", t0.Add(ms)))
		other := enqueue(t, ctx, s, inboxMessage("p2", "FORGOT_PASSWORD", t0.Add(2*ms)))
		// Created earlier than the one before it (the clock was reset):
		// CreatedAfter compares times, not IDs.
		forgot2 := enqueue(t, ctx, s, inboxMessage("p1", "FORGOT_PASSWORD", t0.Add(-time.Hour)))
		forgot3 := enqueue(t, ctx, s, inboxMessage("p1", "FORGOT_PASSWORD", t0.Add(3*ms)))
		for _, tc := range []struct {
			f    store.MessageFilter
			want []*store.Message
		}{
			{store.MessageFilter{Purpose: "FORGOT_PASSWORD"}, []*store.Message{forgot3, forgot2, other, forgot1}},
			{store.MessageFilter{Purpose: "SIGN_UP"}, []*store.Message{signUp}},
			{store.MessageFilter{Purpose: "forgot_password"}, nil}, // exact match
			{store.MessageFilter{PoolID: "p1", Purpose: "FORGOT_PASSWORD", Limit: 1}, []*store.Message{forgot3}},
			// CreatedAt > CreatedAfter: the bound itself is excluded.
			{store.MessageFilter{CreatedAfter: t0}, []*store.Message{forgot3, other, signUp}},
			{store.MessageFilter{CreatedAfter: t0.Add(-ms)}, []*store.Message{forgot3, other, signUp, forgot1}},
			// A bound between two milliseconds compares as that instant.
			{store.MessageFilter{CreatedAfter: t0.Add(ms / 2)}, []*store.Message{forgot3, other, signUp}},
			{store.MessageFilter{CreatedAfter: t0.Add(3 * ms)}, nil},
			{store.MessageFilter{CreatedAfter: t0.Add(-2 * time.Hour)}, []*store.Message{forgot3, forgot2, other, signUp, forgot1}},
			// Everything combines.
			{store.MessageFilter{PoolID: "p1", Purpose: "FORGOT_PASSWORD", CreatedAfter: t0.Add(-ms), AfterID: forgot1.ID},
				[]*store.Message{forgot3}},
			{store.MessageFilter{PoolID: "p2", Purpose: "SIGN_UP"}, nil},
		} {
			got := listMessages(t, ctx, s, tc.f)
			sameList(t, messageView, got, tc.want, fmt.Sprintf("ListMessages %+v", tc.f))
		}
	}},
	{"DeletePoolMessagesKeepsPendingAndOtherPools", func(t *testing.T, ctx context.Context, s store.Store) {
		done, pending := finishedAndRetried(t, ctx, s, t0)
		fresh := enqueue(t, ctx, s, newMessage("p1", "fresh", "fresh@example.com", 1))
		pending = append(pending, fresh)
		others := []*store.Message{
			enqueue(t, ctx, s, inboxMessage("p2", "FORGOT_PASSWORD", t0)),
			enqueue(t, ctx, s, newMessage("p2", "bob", "bob@example.com", 2)),
			enqueue(t, ctx, s, inboxMessage("p10", "SIGN_UP", t0)), // "p1" is no prefix
		}
		// Whatever their age: the finished ones of p1 go, with their
		// attempts; pending ones stay with theirs, and so do other pools'.
		deletePoolMessages(t, ctx, s, "p1", int64(len(done)))
		wantPruned(t, ctx, s, done...)
		wantMessages(t, ctx, s, append(pending, others...)...)
		retried := pending[0]
		wantAttempts(t, ctx, s, retried.ID, store.MessageAttempt{MessageID: retried.ID, Number: 1, At: t0, Error: "busy"})
		deletePoolMessages(t, ctx, s, "p1", 0)
		deletePoolMessages(t, ctx, s, "nope", 0) // no such pool: nothing to do
		deletePoolMessages(t, ctx, s, "p2", 1)
		wantMessages(t, ctx, s, append(pending, others[1:]...)...)
		// IDs keep increasing after the newest message was deleted.
		if n := enqueue(t, ctx, s, inboxMessage("p10", "SIGN_UP", t0)); n.ID <= others[2].ID {
			t.Errorf("a message enqueued after clearing got ID %d, not above %d", n.ID, others[2].ID)
		}
	}},
	{"DeletePoolMessagesInBatches", func(t *testing.T, ctx context.Context, s store.Store) {
		// More than one batch, enqueued in one transaction to keep it quick.
		const n = 450
		must(t, s.Tx(ctx, func(tx store.Store) error {
			for i := range n + 3 {
				pool := "p1"
				if i%(n/3+1) == 0 { // 0, 151, 302: three of p2 among p1's
					pool = "p2"
				}
				if err := tx.EnqueueMessage(ctx, inboxMessage(pool, "SIGN_UP", t0)); err != nil {
					return err
				}
			}
			return nil
		}), "messages")
		deletePoolMessages(t, ctx, s, "p1", n)
		if left := listMessages(t, ctx, s, store.MessageFilter{Limit: 1000}); len(left) != 3 {
			t.Errorf("%d messages left after clearing p1, want p2's 3", len(left))
		}
	}},
}
