package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// newMessage returns a pending email message, never tried; n makes its
// texts unique and its CreatedAt later than that of a lower n.
func newMessage(poolID, username, destination string, n int) *store.Message {
	return &store.Message{
		PoolID:      poolID,
		Username:    username,
		Purpose:     "ForgotPassword",
		Medium:      "EMAIL",
		Destination: destination,
		Subject:     fmt.Sprintf("Your code %d", n),
		Body:        fmt.Sprintf("Your verification code is %06d.\n", n),
		Code:        fmt.Sprintf("%06d", n),
		Status:      "pending",
		CreatedAt:   t0.Add(time.Duration(n) * time.Second),
		From:        fmt.Sprintf("Pool %s <no-reply@%s.example.com>", poolID, poolID),
		ReplyTo:     "help@example.com",
	}
}

func enqueue(t *testing.T, ctx context.Context, s store.Store, m *store.Message) *store.Message {
	t.Helper()
	must(t, s.EnqueueMessage(ctx, m), "EnqueueMessage")
	if m.ID == 0 {
		t.Fatalf("EnqueueMessage left ID 0")
	}
	return m
}

func listMessages(t *testing.T, ctx context.Context, s store.Store, f store.MessageFilter) []*store.Message {
	t.Helper()
	ms, err := s.ListMessages(ctx, f)
	must(t, err, fmt.Sprintf("ListMessages %+v", f))
	return ms
}

// newestFirst returns ms sorted by descending ID.
func newestFirst(ms ...*store.Message) []*store.Message {
	out := slices.Clone(ms)
	slices.SortFunc(out, func(a, b *store.Message) int {
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	return out
}

var outboxTests = []testCase{
	{"EnqueueList", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		sms := &store.Message{PoolID: "p1", Username: "alice", Purpose: "SignUp", Medium: "SMS",
			Destination: "+15550100", Body: "Code: 42 ✓ — «ok»", Code: "42", Status: "pending", CreatedAt: t0}
		suppressed := &store.Message{PoolID: "p1", Username: "ghost", Purpose: "ForgotPassword",
			SuppressedReason: "user not found", Status: "suppressed", CreatedAt: t0.Add(time.Minute)}
		var in []*store.Message
		for _, m := range []*store.Message{newMessage("p1", "alice", "alice@example.com", 1), sms, suppressed} {
			in = append(in, enqueue(t, ctx, s, m))
		}
		// IDs increase with every message.
		for i := 1; i < len(in); i++ {
			if in[i].ID <= in[i-1].ID {
				t.Errorf("message %d got ID %d after ID %d", i, in[i].ID, in[i-1].ID)
			}
		}
		got := listMessages(t, ctx, s, store.MessageFilter{})
		sameList(t, messageView, got, []*store.Message{in[2], in[1], in[0]}, "ListMessages, newest first")
	}},
	{"EnqueueKeptForInbox", func(t *testing.T, ctx context.Context, s store.Store) {
		// A message whose medium has no channel is queued as kept for the
		// development inbox: sent at its creation, no attempts, and the
		// delivery worker never claims it.
		m := newMessage("p1", "alice", "alice@example.com", 1)
		m.Status = store.MessageInbox
		m.SentAt, m.Attempts = t0.Add(time.Hour), 7 // delivery state is not taken from m
		enqueue(t, ctx, s, m)
		want := *m
		want.SentAt, want.Attempts = m.CreatedAt, 0
		sameList(t, messageView, listMessages(t, ctx, s, store.MessageFilter{}), []*store.Message{&want}, "ListMessages")
		if _, msgs := claim(t, ctx, s, t0.Add(24*time.Hour), time.Minute, 10); len(msgs) != 0 {
			t.Errorf("ClaimMessages claimed %d messages kept for the inbox", len(msgs))
		}
	}},
	{"IDsIgnoreInput", func(t *testing.T, ctx context.Context, s store.Store) {
		// EnqueueMessage assigns the ID; whatever the caller left in it is
		// not used.
		first := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		m := newMessage("p1", "alice", "a@x", 2)
		m.ID = first.ID
		enqueue(t, ctx, s, m)
		if m.ID <= first.ID {
			t.Errorf("second message got ID %d, want more than %d", m.ID, first.ID)
		}
		m3 := newMessage("p1", "alice", "a@x", 3)
		m3.ID = 1 << 40
		enqueue(t, ctx, s, m3)
		got := listMessages(t, ctx, s, store.MessageFilter{})
		sameList(t, messageView, got, []*store.Message{m3, m, first}, "ListMessages")
	}},
	{"NoPoolOrUserNeeded", func(t *testing.T, ctx context.Context, s store.Store) {
		// A suppressed message records a request that named nobody: the
		// pool and the user it belongs to need not exist.
		m := &store.Message{PoolID: "no-such-pool", Username: "no-such-user", Purpose: "ForgotPassword",
			SuppressedReason: "user not found", Status: "suppressed", CreatedAt: t0}
		enqueue(t, ctx, s, m)
		got := listMessages(t, ctx, s, store.MessageFilter{PoolID: "no-such-pool"})
		sameList(t, messageView, got, []*store.Message{m}, "ListMessages")
	}},
	{"Filters", func(t *testing.T, ctx context.Context, s store.Store) {
		a1 := enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", 1))
		b1 := enqueue(t, ctx, s, newMessage("p1", "bob", "bob@example.com", 2))
		a2 := enqueue(t, ctx, s, newMessage("p2", "alice", "alice@example.com", 3))
		a3 := enqueue(t, ctx, s, newMessage("p1", "alice", "+15550100", 4))
		a4 := enqueue(t, ctx, s, newMessage("p1", "Alice", "Alice@example.com", 5))
		c1 := enqueue(t, ctx, s, newMessage("p1", "carol", "alice@example.com", 6)) // shared address
		for _, tc := range []struct {
			f    store.MessageFilter
			want []*store.Message
		}{
			{store.MessageFilter{}, []*store.Message{c1, a4, a3, a2, b1, a1}},
			{store.MessageFilter{PoolID: "p1"}, []*store.Message{c1, a4, a3, b1, a1}},
			{store.MessageFilter{PoolID: "p2"}, []*store.Message{a2}},
			{store.MessageFilter{PoolID: "p1", Username: "alice"}, []*store.Message{a3, a1}},
			{store.MessageFilter{PoolID: "p1", Username: "Alice"}, []*store.Message{a4}},
			{store.MessageFilter{Username: "alice"}, []*store.Message{a3, a2, a1}},
			{store.MessageFilter{Destination: "alice@example.com"}, []*store.Message{c1, a2, a1}},
			{store.MessageFilter{PoolID: "p1", Destination: "alice@example.com"}, []*store.Message{c1, a1}},
			{store.MessageFilter{PoolID: "p1", Username: "alice", Destination: "+15550100"}, []*store.Message{a3}},
			{store.MessageFilter{Username: "bob", Destination: "alice@example.com"}, nil},
			// Exact matches only: no prefixes, no case folding, no patterns.
			{store.MessageFilter{PoolID: "p"}, nil},
			{store.MessageFilter{Username: "ali"}, nil},
			{store.MessageFilter{Username: "ali%"}, nil},
			{store.MessageFilter{Destination: "ALICE@EXAMPLE.COM"}, nil},
			{store.MessageFilter{PoolID: "p3"}, nil},
		} {
			got := listMessages(t, ctx, s, tc.f)
			sameList(t, messageView, got, tc.want, fmt.Sprintf("ListMessages %+v", tc.f))
		}
	}},
	{"AfterIDAndLimit", func(t *testing.T, ctx context.Context, s store.Store) {
		// 120 messages, more than the default limit; one transaction, so
		// one commit.
		const n = 120
		var in []*store.Message
		err := s.Tx(ctx, func(tx store.Store) error {
			for i := range n {
				pool := "p1"
				if i%3 == 2 {
					pool = "p2"
				}
				m := newMessage(pool, "alice", "alice@example.com", i)
				if err := tx.EnqueueMessage(ctx, m); err != nil {
					return err
				}
				in = append(in, m)
			}
			return nil
		})
		must(t, err, "Tx enqueueing messages")
		all := newestFirst(in...)
		reversed := slices.Clone(in)
		slices.Reverse(reversed)
		if !slices.Equal(all, reversed) {
			t.Fatalf("IDs do not increase in enqueue order")
		}
		newest := func(k int) []*store.Message { return all[:k] }
		for _, tc := range []struct {
			f    store.MessageFilter
			want []*store.Message
		}{
			{store.MessageFilter{}, newest(100)}, // limit <= 0: 100
			{store.MessageFilter{Limit: -1}, newest(100)},
			{store.MessageFilter{Limit: 7}, newest(7)},
			{store.MessageFilter{Limit: 1}, newest(1)},
			{store.MessageFilter{Limit: 1000}, all},
			{store.MessageFilter{Limit: n}, all},
			// Only IDs above AfterID, still newest first.
			{store.MessageFilter{AfterID: in[114].ID}, newest(5)},
			{store.MessageFilter{AfterID: in[114].ID, Limit: 2}, newest(2)},
			{store.MessageFilter{AfterID: in[9].ID}, newest(100)},
			{store.MessageFilter{AfterID: in[9].ID, Limit: 500}, all[:n-10]},
			{store.MessageFilter{AfterID: in[n-1].ID}, nil},
			{store.MessageFilter{AfterID: in[0].ID - 1, Limit: 500}, all},
			// AfterID and Limit combine with the other filters.
			{store.MessageFilter{PoolID: "p2", AfterID: in[110].ID}, []*store.Message{in[119], in[116], in[113]}},
			{store.MessageFilter{PoolID: "p2", Limit: 2}, []*store.Message{in[119], in[116]}},
		} {
			got := listMessages(t, ctx, s, tc.f)
			sameList(t, messageView, got, tc.want, fmt.Sprintf("ListMessages %+v", tc.f))
		}
	}},
	{"SurviveUserAndPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		createUser(t, ctx, s, "p1", "bob")
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "bob@example.com", 2))
		must(t, s.DeleteUser(ctx, "p1", "alice"), "DeleteUser")
		got := listMessages(t, ctx, s, store.MessageFilter{PoolID: "p1", Username: "alice"})
		sameList(t, messageView, got, []*store.Message{a}, "ListMessages after DeleteUser")
		must(t, s.DeletePool(ctx, "p1"), "DeletePool")
		got = listMessages(t, ctx, s, store.MessageFilter{PoolID: "p1"})
		sameList(t, messageView, got, []*store.Message{b, a}, "ListMessages after DeletePool")
		// A new pool of the same ID adds to the same history; IDs go on growing.
		createPool(t, ctx, s, "p1")
		c := enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", 3))
		got = listMessages(t, ctx, s, store.MessageFilter{PoolID: "p1", Username: "alice"})
		sameList(t, messageView, got, []*store.Message{c, a}, "ListMessages after re-creating the pool")
	}},
	{"ConcurrentEnqueue", func(t *testing.T, ctx context.Context, s store.Store) {
		in := make([]*store.Message, racers)
		parallel(racers, func(i int) {
			m := newMessage("p1", fmt.Sprintf("user-%02d", i), "x@example.com", i)
			if err := s.EnqueueMessage(ctx, m); err != nil {
				t.Errorf("EnqueueMessage %d: %v", i, err)
			}
			in[i] = m
		})
		seen := map[int64]int{}
		for i, m := range in {
			if j, dup := seen[m.ID]; dup {
				t.Errorf("messages %d and %d both got ID %d", j, i, m.ID)
			}
			seen[m.ID] = i
		}
		got := listMessages(t, ctx, s, store.MessageFilter{})
		sameList(t, messageView, got, newestFirst(in...), "ListMessages after concurrent enqueues")
	}},
}
