package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// The delivery side of the outbox: ClaimMessages, the Mark* methods,
// ListMessageAttempts and GetOutboxStats.
//
// The tests keep the expected state of every message they touch and
// compare whole records after each step, so a method that changes a field
// it should leave alone fails as surely as one that misses a field it
// should set. The fixtures' IDs and CreatedAt increase together, so
// "oldest" means the same by either.

// lease is the lease the delivery tests claim with.
const lease = 30 * time.Second

// tNow is the delivery tests' clock: later than every fixture's CreatedAt.
var tNow = t0.Add(time.Hour)

// leasedAs returns m as ClaimMessages returns it when it leases m until until.
func leasedAs(m *store.Message, until time.Time) *store.Message {
	c := *m
	c.LockedUntil = until
	return &c
}

// sentAs returns m as MarkMessageSent leaves it. It applies to messages
// without a failed attempt: what a success does to an earlier LastError is
// not specified.
func sentAs(m *store.Message, now time.Time, inbox, redact bool) *store.Message {
	c := *m
	c.Status = store.MessageSent
	if inbox {
		c.Status = store.MessageInbox
	}
	c.SentAt = now
	c.Attempts++
	c.LockedUntil = time.Time{}
	if redact {
		c.Body, c.Code = "", ""
	}
	return &c
}

// retriedAs returns m as RetryMessage leaves it.
func retriedAs(m *store.Message, next time.Time, lastError string) *store.Message {
	c := *m
	c.Attempts++
	c.LastError = lastError
	c.NextAttemptAt = next
	c.LockedUntil = time.Time{}
	return &c
}

// killedAs returns m as KillMessage leaves it.
func killedAs(m *store.Message, lastError string) *store.Message {
	c := *m
	c.Status = store.MessageDead
	c.Attempts++
	c.LastError = lastError
	c.LockedUntil = time.Time{}
	return &c
}

// claim calls ClaimMessages and fails the test now if it returns an error.
func claim(t *testing.T, ctx context.Context, s store.Store, now time.Time, lease time.Duration, limit int) (string, []*store.Message) {
	t.Helper()
	token, msgs, err := s.ClaimMessages(ctx, now, lease, limit)
	must(t, err, fmt.Sprintf("ClaimMessages at %s, limit %d", timeView(now), limit))
	if len(msgs) > 0 && token == "" {
		t.Fatalf("ClaimMessages at %s claimed %d messages under an empty token", timeView(now), len(msgs))
	}
	return token, msgs
}

// wantClaim claims at now and asserts that exactly want (their current
// state) come back, in this order, leased until now+lease. It returns the
// token.
func wantClaim(t *testing.T, ctx context.Context, s store.Store, now time.Time, lease time.Duration, limit int, want ...*store.Message) string {
	t.Helper()
	token, got := claim(t, ctx, s, now, lease, limit)
	leased := make([]*store.Message, len(want))
	for i, m := range want {
		leased[i] = leasedAs(m, now.Add(lease))
	}
	sameList(t, messageView, got, leased, fmt.Sprintf("ClaimMessages at %s, lease %v, limit %d", timeView(now), lease, limit))
	return token
}

// getMessage returns message id as ListMessages lists it.
func getMessage(t *testing.T, ctx context.Context, s store.Store, id int64) *store.Message {
	t.Helper()
	for _, m := range listMessages(t, ctx, s, store.MessageFilter{AfterID: id - 1, Limit: 1 << 20}) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("message %d is not listed", id)
	return nil
}

// wantMessages asserts that each message is stored as given.
func wantMessages(t *testing.T, ctx context.Context, s store.Store, want ...*store.Message) {
	t.Helper()
	for _, m := range want {
		same(t, messageView, getMessage(t, ctx, s, m.ID), m, fmt.Sprintf("message %d", m.ID))
	}
}

// wantAttempts asserts ListMessageAttempts.
func wantAttempts(t *testing.T, ctx context.Context, s store.Store, id int64, want ...store.MessageAttempt) {
	t.Helper()
	got, err := s.ListMessageAttempts(ctx, id)
	must(t, err, fmt.Sprintf("ListMessageAttempts %d", id))
	sameList(t, attemptView, got, want, fmt.Sprintf("ListMessageAttempts %d", id))
}

func wantStats(t *testing.T, ctx context.Context, s store.Store, want store.OutboxStats, what string) {
	t.Helper()
	got, err := s.GetOutboxStats(ctx)
	must(t, err, "GetOutboxStats "+what)
	view := func(st store.OutboxStats) string {
		return fmt.Sprintf("OutboxStats{Pending:%d Dead:%d OldestPending:%s}", st.Pending, st.Dead, timeView(st.OldestPending))
	}
	same(t, view, got, want, "GetOutboxStats "+what)
}

// wantLeaseLost asserts the error of a Mark* call whose token does not
// hold the lease of an existing message.
func wantLeaseLost(t *testing.T, err error, what string) {
	t.Helper()
	wantErr(t, err, store.ErrConflict, what)
	if errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: error %v also matches ErrNotFound; the message exists", what, err)
	}
}

// wantNoMessage asserts the error of a Mark* call on a missing message.
func wantNoMessage(t *testing.T, err error, what string) {
	t.Helper()
	wantErr(t, err, store.ErrNotFound, what)
	if errors.Is(err, store.ErrConflict) {
		t.Errorf("%s: error %v also matches ErrConflict; the message does not exist", what, err)
	}
}

// finishOp is one of the methods that end a lease, with fixed arguments
// apart from the message, token and time. after is the message it leaves.
type finishOp struct {
	name  string
	do    func(ctx context.Context, s store.Store, id int64, token string, now time.Time) error
	after func(m *store.Message, now time.Time) *store.Message
	error string // the attempt's Error
}

var finishOps = []finishOp{
	{"MarkMessageSent",
		func(ctx context.Context, s store.Store, id int64, token string, now time.Time) error {
			return s.MarkMessageSent(ctx, id, token, now, false, false)
		},
		func(m *store.Message, now time.Time) *store.Message { return sentAs(m, now, false, false) },
		""},
	{"MarkMessageSent(inbox, redact)",
		func(ctx context.Context, s store.Store, id int64, token string, now time.Time) error {
			return s.MarkMessageSent(ctx, id, token, now, true, true)
		},
		func(m *store.Message, now time.Time) *store.Message { return sentAs(m, now, true, true) },
		""},
	{"RetryMessage",
		func(ctx context.Context, s store.Store, id int64, token string, now time.Time) error {
			return s.RetryMessage(ctx, id, token, now, now.Add(time.Minute), "421 try again later")
		},
		func(m *store.Message, now time.Time) *store.Message {
			return retriedAs(m, now.Add(time.Minute), "421 try again later")
		},
		"421 try again later"},
	{"KillMessage",
		func(ctx context.Context, s store.Store, id int64, token string, now time.Time) error {
			return s.KillMessage(ctx, id, token, now, "550 no such user")
		},
		func(m *store.Message, now time.Time) *store.Message { return killedAs(m, "550 no such user") },
		"550 no such user"},
}

var deliveryTests = []testCase{
	{"NewFieldsRoundTrip", func(t *testing.T, ctx context.Context, s store.Store) {
		// From, ReplyTo and ExpiresAt are kept as given (zero stays zero);
		// the delivery state of a new message is all zero: never tried, due
		// at once, not leased.
		a := newMessage("p1", "alice", "alice@example.com", 1)
		a.From, a.ReplyTo = "Ünïcødé Pool <no-reply@example.com>", "Support <help@example.com>"
		a.ExpiresAt = t0.Add(time.Hour)
		b := newMessage("p1", "bob", "bob@example.com", 2)
		b.From, b.ReplyTo = "", "only-reply-to@example.com"
		c := &store.Message{PoolID: "p1", Username: "ghost", Purpose: "ForgotPassword",
			SuppressedReason: "user not found", Status: store.MessageSuppressed, CreatedAt: t0}
		for _, m := range []*store.Message{a, b, c} {
			enqueue(t, ctx, s, m)
		}
		got := listMessages(t, ctx, s, store.MessageFilter{})
		sameList(t, messageView, got, []*store.Message{c, b, a}, "ListMessages")
		for _, m := range got {
			if !m.NextAttemptAt.IsZero() || !m.LockedUntil.IsZero() || !m.SentAt.IsZero() || m.Attempts != 0 || m.LastError != "" {
				t.Errorf("new message %d has delivery state %s", m.ID, messageView(m))
			}
		}
	}},
	{"ClaimOldestFirstUpToLimit", func(t *testing.T, ctx context.Context, s store.Store) {
		var in []*store.Message
		for i := range 5 {
			in = append(in, enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", i)))
		}
		tok1 := wantClaim(t, ctx, s, tNow, lease, 3, in[0], in[1], in[2])
		// The lease is stored; the others are untouched.
		until := tNow.Add(lease)
		wantMessages(t, ctx, s, leasedAs(in[0], until), leasedAs(in[1], until), leasedAs(in[2], until), in[3], in[4])
		tok2 := wantClaim(t, ctx, s, tNow, lease, 10, in[3], in[4])
		if tok2 == tok1 {
			t.Errorf("two claims returned the same token %q", tok1)
		}
		wantClaim(t, ctx, s, tNow, lease, 10) // nothing left
	}},
	{"ClaimLimitZeroOrNegative", func(t *testing.T, ctx context.Context, s store.Store) {
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		wantClaim(t, ctx, s, tNow, lease, 0)
		wantClaim(t, ctx, s, tNow, lease, -1)
		wantMessages(t, ctx, s, a, b) // nothing was leased
		wantClaim(t, ctx, s, tNow, lease, 2, a, b)
	}},
	{"RetriedMessageKeepsItsAge", func(t *testing.T, ctx context.Context, s store.Store) {
		// Oldest first is by age, not by due time: a retried message due
		// again comes before younger ones never tried.
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		c := enqueue(t, ctx, s, newMessage("p1", "carol", "c@x", 3))
		tok := wantClaim(t, ctx, s, tNow, lease, 1, a)
		next := tNow.Add(time.Minute)
		must(t, s.RetryMessage(ctx, a.ID, tok, tNow, next, "timeout"), "RetryMessage")
		a = retriedAs(a, next, "timeout")
		wantClaim(t, ctx, s, next.Add(time.Minute), lease, 2, a, b)
		wantClaim(t, ctx, s, next.Add(time.Minute), lease, 2, c)
	}},
	{"ClaimMergesNewAndRetried", func(t *testing.T, ctx context.Context, s store.Store) {
		// Due messages never tried, expired leases, and retries come due
		// (also one whose next is the zero time: due at once) make one
		// oldest-first order, cut at the limit.
		var m []*store.Message
		for i := range 7 {
			m = append(m, enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", i)))
		}
		tok := wantClaim(t, ctx, s, tNow, lease, 6, m[:6]...)
		next := tNow.Add(10 * time.Second)
		for _, i := range []int{1, 3} {
			must(t, s.RetryMessage(ctx, m[i].ID, tok, tNow, next, "timeout"), "RetryMessage")
			m[i] = retriedAs(m[i], next, "timeout")
		}
		must(t, s.RetryMessage(ctx, m[5].ID, tok, tNow, time.Time{}, "timeout"), "RetryMessage due at once")
		m[5] = retriedAs(m[5], time.Time{}, "timeout")
		// m[0], m[2] and m[4] are still leased; m[1] and m[3] are not due.
		// (m[5] and m[6] are leased for long, out of the way.)
		wantClaim(t, ctx, s, tNow, time.Hour, 10, m[5], m[6])
		later := tNow.Add(lease) // the leases of m[0], m[2], m[4] have expired; m[1], m[3] are due
		for i := range 5 {
			if i%2 == 0 {
				m[i] = leasedAs(m[i], tNow.Add(lease))
			}
		}
		wantClaim(t, ctx, s, later, lease, 4, m[0], m[1], m[2], m[3])
		wantClaim(t, ctx, s, later, lease, 4, m[4])
	}},
	{"NotDueUntilNextAttempt", func(t *testing.T, ctx context.Context, s store.Store) {
		const long = 24 * time.Hour
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		tok := wantClaim(t, ctx, s, tNow, lease, 10, a)
		next := tNow.Add(5 * time.Minute)
		must(t, s.RetryMessage(ctx, a.ID, tok, tNow.Add(time.Second), next, "421 mailbox busy"), "RetryMessage")
		a = retriedAs(a, next, "421 mailbox busy")
		wantMessages(t, ctx, s, a)
		// A message enqueued later, due at once, is claimed; a is not,
		// although nothing leases it any more.
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		wantClaim(t, ctx, s, tNow.Add(2*time.Second), long, 10, b)
		wantClaim(t, ctx, s, next.Add(-time.Millisecond), lease, 10)
		// Due when NextAttemptAt <= now.
		tok = wantClaim(t, ctx, s, next, lease, 10, a)
		// A retry due at once (next <= now) can be claimed right away: the
		// lease was released.
		must(t, s.RetryMessage(ctx, a.ID, tok, next, next, "421 again"), "RetryMessage due at once")
		a = retriedAs(a, next, "421 again")
		wantClaim(t, ctx, s, next, lease, 10, a)
	}},
	{"RetryReleasesLease", func(t *testing.T, ctx context.Context, s store.Store) {
		// Claimed with a long lease and retried a minute later: the retry
		// is due a minute after that, long before the lease would expire.
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		tok := wantClaim(t, ctx, s, tNow, 24*time.Hour, 10, a)
		next := tNow.Add(2 * time.Minute)
		must(t, s.RetryMessage(ctx, a.ID, tok, tNow.Add(time.Minute), next, "timeout"), "RetryMessage")
		a = retriedAs(a, next, "timeout")
		wantClaim(t, ctx, s, next, lease, 10, a)
	}},
	{"LeasedNotClaimedUntilExpiry", func(t *testing.T, ctx context.Context, s store.Store) {
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		tok1 := wantClaim(t, ctx, s, tNow, lease, 1, a)
		wantClaim(t, ctx, s, tNow, lease, 10, b)
		wantClaim(t, ctx, s, tNow.Add(lease-time.Millisecond), lease, 10)
		// At LockedUntil the lease has expired (its worker died): both are
		// claimable again, under a new token and a new lease.
		later := tNow.Add(lease)
		tok2 := wantClaim(t, ctx, s, later, lease, 1, leasedAs(a, tNow.Add(lease)))
		if tok2 == tok1 {
			t.Errorf("the reclaim returned the expired lease's token %q", tok1)
		}
		wantMessages(t, ctx, s, leasedAs(a, later.Add(lease)), leasedAs(b, tNow.Add(lease)))
		// The new lease holds in turn.
		wantClaim(t, ctx, s, later.Add(lease-time.Millisecond), lease, 10, leasedAs(b, tNow.Add(lease)))
	}},
	{"ExpiredLeaseOldTokenConflicts", func(t *testing.T, ctx context.Context, s store.Store) {
		for i, op := range finishOps {
			m := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", i))
			old := wantClaim(t, ctx, s, tNow, lease, 1, m)
			later := tNow.Add(lease)
			tok := wantClaim(t, ctx, s, later, lease, 1, m)
			// The worker of the expired lease finishes late: it no longer
			// holds the lease, and changes nothing.
			err := op.do(ctx, s, m.ID, old, later.Add(time.Second))
			wantLeaseLost(t, err, op.name+" with the expired lease's token")
			m = leasedAs(m, later.Add(lease))
			wantMessages(t, ctx, s, m)
			wantAttempts(t, ctx, s, m.ID)
			// The new holder's token works.
			at := later.Add(2 * time.Second)
			must(t, op.do(ctx, s, m.ID, tok, at), op.name+" with the new token")
			wantMessages(t, ctx, s, op.after(m, at))
			wantAttempts(t, ctx, s, m.ID, store.MessageAttempt{MessageID: m.ID, Number: 1, At: at, Error: op.error})
		}
	}},
	{"WrongTokenConflicts", func(t *testing.T, ctx context.Context, s store.Store) {
		for i, op := range finishOps {
			a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 2*i))
			b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2*i+1))
			never := enqueue(t, ctx, s, newMessage("p1", "carol", "c@x", 100+i))
			tokA := wantClaim(t, ctx, s, tNow, lease, 1, a)
			tokB := wantClaim(t, ctx, s, tNow, lease, 1, b)
			a, b = leasedAs(a, tNow.Add(lease)), leasedAs(b, tNow.Add(lease))
			for _, bad := range []string{"", "wrong", tokB, tokA + "x", tokA[:len(tokA)-1]} {
				wantLeaseLost(t, op.do(ctx, s, a.ID, bad, tNow), fmt.Sprintf("%s of message a with token %q", op.name, bad))
			}
			wantLeaseLost(t, op.do(ctx, s, b.ID, tokA, tNow), op.name+" of message b with a's token")
			// A message never claimed has no lease to hold, not even an
			// empty one.
			for _, bad := range []string{"", tokA} {
				wantLeaseLost(t, op.do(ctx, s, never.ID, bad, tNow), fmt.Sprintf("%s of an unclaimed message with token %q", op.name, bad))
			}
			// Nothing changed.
			wantMessages(t, ctx, s, a, b, never)
			for _, m := range []*store.Message{a, b, never} {
				wantAttempts(t, ctx, s, m.ID)
			}
			wantClaim(t, ctx, s, tNow, lease, 10, never)
		}
	}},
	{"FinishedTokenConflicts", func(t *testing.T, ctx context.Context, s store.Store) {
		// Once a Mark* call has released the lease, the token is spent:
		// any second call conflicts and changes nothing, even one in time.
		for i, op := range finishOps {
			m := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", i))
			tok := wantClaim(t, ctx, s, tNow, lease, 1, m)
			must(t, op.do(ctx, s, m.ID, tok, tNow.Add(time.Second)), op.name)
			m = op.after(m, tNow.Add(time.Second))
			for _, again := range finishOps {
				wantLeaseLost(t, again.do(ctx, s, m.ID, tok, tNow.Add(2*time.Second)),
					fmt.Sprintf("%s after %s with the same token", again.name, op.name))
			}
			wantMessages(t, ctx, s, m)
			wantAttempts(t, ctx, s, m.ID, store.MessageAttempt{MessageID: m.ID, Number: 1, At: tNow.Add(time.Second), Error: op.error})
		}
	}},
	{"UnknownMessageNotFound", func(t *testing.T, ctx context.Context, s store.Store) {
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		tok := wantClaim(t, ctx, s, tNow, lease, 1, a)
		a = leasedAs(a, tNow.Add(lease))
		for _, op := range finishOps {
			for _, id := range []int64{a.ID + 1, a.ID + 1000, 0, -1} {
				for _, token := range []string{tok, "", "wrong"} {
					wantNoMessage(t, op.do(ctx, s, id, token, tNow), fmt.Sprintf("%s of missing message %d with token %q", op.name, id, token))
				}
			}
		}
		wantMessages(t, ctx, s, a)
		wantAttempts(t, ctx, s, a.ID)
	}},
	{"OnlyPendingClaimed", func(t *testing.T, ctx context.Context, s store.Store) {
		suppressed := enqueue(t, ctx, s, &store.Message{PoolID: "p1", Username: "ghost", Purpose: "ForgotPassword",
			SuppressedReason: "user not found", Status: store.MessageSuppressed, CreatedAt: t0})
		sent := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		inbox := enqueue(t, ctx, s, newMessage("p1", "alice", "+15550100", 2))
		dead := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 3))
		pending := enqueue(t, ctx, s, newMessage("p1", "carol", "c@x", 4))
		tok := wantClaim(t, ctx, s, tNow, lease, 3, sent, inbox, dead)
		must(t, s.MarkMessageSent(ctx, sent.ID, tok, tNow, false, false), "MarkMessageSent")
		must(t, s.MarkMessageSent(ctx, inbox.ID, tok, tNow, true, false), "MarkMessageSent to the inbox")
		must(t, s.KillMessage(ctx, dead.ID, tok, tNow, "550 no such user"), "KillMessage")
		sent, inbox, dead = sentAs(sent, tNow, false, false), sentAs(inbox, tNow, true, false), killedAs(dead, "550 no such user")
		wantMessages(t, ctx, s, suppressed, sent, inbox, dead, pending)
		// However late, only the pending message is ever claimed.
		far := tNow.Add(1000 * time.Hour)
		wantClaim(t, ctx, s, far, lease, 100, pending)
		wantClaim(t, ctx, s, far.Add(lease), lease, 100, leasedAs(pending, far.Add(lease)))
		wantMessages(t, ctx, s, suppressed, sent, inbox, dead)
	}},
	{"Redact", func(t *testing.T, ctx context.Context, s store.Store) {
		var in []*store.Message
		for i := range 4 {
			in = append(in, enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", i)))
		}
		tok := wantClaim(t, ctx, s, tNow, lease, 4, in...)
		for i, m := range in {
			inbox, redact := i&1 == 1, i&2 == 2
			at := tNow.Add(time.Duration(i) * time.Second)
			must(t, s.MarkMessageSent(ctx, m.ID, tok, at, inbox, redact),
				fmt.Sprintf("MarkMessageSent(inbox %v, redact %v)", inbox, redact))
			// Redacting erases Body and Code; Subject and all the metadata stay.
			wantMessages(t, ctx, s, sentAs(m, at, inbox, redact))
		}
	}},
	{"AttemptTrail", func(t *testing.T, ctx context.Context, s store.Store) {
		// Every Mark* call appends one attempt, numbered from 1, and
		// Attempts counts them.
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		c := enqueue(t, ctx, s, newMessage("p1", "carol", "c@x", 3))
		wantAttempts(t, ctx, s, a.ID) // none yet
		att := func(m *store.Message, n int, at time.Time, err string) store.MessageAttempt {
			return store.MessageAttempt{MessageID: m.ID, Number: n, At: at, Error: err}
		}
		// Round 1: a and c retried, b killed.
		tok := wantClaim(t, ctx, s, tNow, lease, 10, a, b, c)
		r1 := tNow.Add(time.Minute)
		must(t, s.RetryMessage(ctx, a.ID, tok, tNow.Add(1*time.Second), r1, "421 mailbox busy"), "RetryMessage a")
		must(t, s.KillMessage(ctx, b.ID, tok, tNow.Add(2*time.Second), "550 no such user"), "KillMessage b")
		must(t, s.RetryMessage(ctx, c.ID, tok, tNow.Add(3*time.Second), r1, "timeout"), "RetryMessage c")
		a, b, c = retriedAs(a, r1, "421 mailbox busy"), killedAs(b, "550 no such user"), retriedAs(c, r1, "timeout")
		wantMessages(t, ctx, s, a, b, c)
		wantAttempts(t, ctx, s, a.ID, att(a, 1, tNow.Add(time.Second), "421 mailbox busy"))
		wantAttempts(t, ctx, s, b.ID, att(b, 1, tNow.Add(2*time.Second), "550 no such user"))
		wantAttempts(t, ctx, s, c.ID, att(c, 1, tNow.Add(3*time.Second), "timeout"))
		// Round 2: a retried again, c killed.
		tok = wantClaim(t, ctx, s, r1, lease, 10, a, c)
		r2 := r1.Add(time.Minute)
		must(t, s.RetryMessage(ctx, a.ID, tok, r1.Add(time.Second), r2, "421 still busy"), "RetryMessage a")
		must(t, s.KillMessage(ctx, c.ID, tok, r1.Add(2*time.Second), "timeout again"), "KillMessage c")
		a, c = retriedAs(a, r2, "421 still busy"), killedAs(c, "timeout again")
		wantMessages(t, ctx, s, a, c)
		wantAttempts(t, ctx, s, c.ID, att(c, 1, tNow.Add(3*time.Second), "timeout"), att(c, 2, r1.Add(2*time.Second), "timeout again"))
		// Round 3: a sent at last.
		tok = wantClaim(t, ctx, s, r2, lease, 10, a)
		must(t, s.MarkMessageSent(ctx, a.ID, tok, r2.Add(time.Second), false, false), "MarkMessageSent a")
		wantAttempts(t, ctx, s, a.ID,
			att(a, 1, tNow.Add(time.Second), "421 mailbox busy"),
			att(a, 2, r1.Add(time.Second), "421 still busy"),
			att(a, 3, r2.Add(time.Second), ""))
		got := getMessage(t, ctx, s, a.ID)
		want := sentAs(a, r2.Add(time.Second), false, false)
		want.LastError = got.LastError // what a success does to it is not specified
		same(t, messageView, got, want, "message a after it was sent")
		// The other messages' trails are their own.
		wantAttempts(t, ctx, s, b.ID, att(b, 1, tNow.Add(2*time.Second), "550 no such user"))
	}},
	{"Stats", func(t *testing.T, ctx context.Context, s store.Store) {
		wantStats(t, ctx, s, store.OutboxStats{}, "of an empty outbox")
		enqueue(t, ctx, s, &store.Message{PoolID: "p1", Username: "ghost", Purpose: "ForgotPassword",
			SuppressedReason: "user not found", Status: store.MessageSuppressed, CreatedAt: t0})
		wantStats(t, ctx, s, store.OutboxStats{}, "with only a suppressed message")
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		c := enqueue(t, ctx, s, newMessage("p1", "carol", "c@x", 3))
		wantStats(t, ctx, s, store.OutboxStats{Pending: 3, OldestPending: a.CreatedAt}, "with three pending")
		// Leased and retried messages are still pending.
		tok := wantClaim(t, ctx, s, tNow, lease, 1, a)
		wantStats(t, ctx, s, store.OutboxStats{Pending: 3, OldestPending: a.CreatedAt}, "with the oldest leased")
		must(t, s.RetryMessage(ctx, a.ID, tok, tNow, tNow.Add(time.Hour), "timeout"), "RetryMessage a")
		wantStats(t, ctx, s, store.OutboxStats{Pending: 3, OldestPending: a.CreatedAt}, "with the oldest retried")
		tok = wantClaim(t, ctx, s, tNow, lease, 1, b)
		must(t, s.KillMessage(ctx, b.ID, tok, tNow, "550"), "KillMessage b")
		wantStats(t, ctx, s, store.OutboxStats{Pending: 2, Dead: 1, OldestPending: a.CreatedAt}, "after b died")
		tok = wantClaim(t, ctx, s, tNow.Add(time.Hour), lease, 1, retriedAs(a, tNow.Add(time.Hour), "timeout"))
		must(t, s.MarkMessageSent(ctx, a.ID, tok, tNow.Add(time.Hour), false, false), "MarkMessageSent a")
		wantStats(t, ctx, s, store.OutboxStats{Pending: 1, Dead: 1, OldestPending: c.CreatedAt}, "after a was sent")
		tok = wantClaim(t, ctx, s, tNow.Add(time.Hour), lease, 1, c)
		must(t, s.MarkMessageSent(ctx, c.ID, tok, tNow.Add(time.Hour), true, true), "MarkMessageSent c to the inbox")
		wantStats(t, ctx, s, store.OutboxStats{Dead: 1}, "with nothing pending")
	}},
	{"TimesUTCMillis", func(t *testing.T, ctx context.Context, s store.Store) {
		// As in Times/RoundTripUTCMillis: the sub-millisecond parts stay
		// below half a millisecond.
		zone := time.FixedZone("UTC-03:30", -(3*3600 + 1800))
		now := time.Date(2025, 6, 1, 9, 0, 0, 123_456_789, zone)
		ms := func(tm time.Time) time.Time { return tm.UTC().Truncate(time.Millisecond) }
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		const lease = 10*time.Second + 100*time.Microsecond
		tok, got := claim(t, ctx, s, now, lease, 10)
		if len(got) != 2 {
			t.Fatalf("claimed %d messages, want 2", len(got))
		}
		checkTimes(t, "claimed LockedUntil", []time.Time{got[0].LockedUntil, got[1].LockedUntil},
			ms(now.Add(lease)), ms(now.Add(lease)))
		retryAt := now.Add(time.Second + 300*time.Microsecond)
		next := time.Date(2025, 6, 1, 10, 0, 0, 999_000_001, zone)
		must(t, s.RetryMessage(ctx, a.ID, tok, retryAt, next, "x"), "RetryMessage")
		sentAt := now.Add(2*time.Second + 400*time.Microsecond)
		must(t, s.MarkMessageSent(ctx, b.ID, tok, sentAt, false, false), "MarkMessageSent")
		checkTimes(t, "retried NextAttemptAt", []time.Time{getMessage(t, ctx, s, a.ID).NextAttemptAt}, ms(next))
		checkTimes(t, "sent SentAt", []time.Time{getMessage(t, ctx, s, b.ID).SentAt}, ms(sentAt))
		for _, m := range []*store.Message{a, b} {
			got, err := s.ListMessageAttempts(ctx, m.ID)
			must(t, err, "ListMessageAttempts")
			if len(got) != 1 {
				t.Fatalf("message %d has %d attempts, want 1", m.ID, len(got))
			}
			want := retryAt
			if m == b {
				want = sentAt
			}
			checkTimes(t, "attempt At", []time.Time{got[0].At}, ms(want))
		}
		// Zero times come back as the zero time.Time.
		for _, m := range []*store.Message{getMessage(t, ctx, s, a.ID), getMessage(t, ctx, s, b.ID)} {
			for _, tm := range []time.Time{m.LockedUntil, m.SentAt, m.NextAttemptAt} {
				if tm.IsZero() && tm != (time.Time{}) {
					t.Errorf("message %d: zero time %#v is not time.Time{}", m.ID, tm)
				}
			}
		}
		if m := getMessage(t, ctx, s, a.ID); !m.LockedUntil.IsZero() || !m.SentAt.IsZero() {
			t.Errorf("retried message = %s, want zero LockedUntil and SentAt", messageView(m))
		}
	}},
	{"ConcurrentClaimsNeverShare", func(t *testing.T, ctx context.Context, s store.Store) {
		// claimRacers goroutines claim, at the same moment and at the same
		// clock, until the outbox is empty. Every message must be claimed
		// exactly once in all: two claims never hold the same message.
		const messages, claimRacers, limit = 100, 20, 7
		var in []*store.Message
		must(t, s.Tx(ctx, func(tx store.Store) error {
			for i := range messages {
				m := newMessage("p1", fmt.Sprintf("user-%03d", i), "x@example.com", i)
				if err := tx.EnqueueMessage(ctx, m); err != nil {
					return err
				}
				in = append(in, m)
			}
			return nil
		}), "enqueueing messages")
		type batch struct {
			token string
			ids   []int64
		}
		batches := make([][]batch, claimRacers)
		parallel(claimRacers, func(i int) {
			// No claimer needs more than messages claims; a store that
			// hands out leased messages again would never run dry.
			for range messages + 1 {
				token, msgs, err := s.ClaimMessages(ctx, tNow, time.Hour, limit)
				if err != nil {
					t.Errorf("claimer %d: ClaimMessages: %v", i, err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				if len(msgs) > limit {
					t.Errorf("claimer %d: ClaimMessages returned %d messages, limit %d", i, len(msgs), limit)
				}
				bt := batch{token: token}
				for _, m := range msgs {
					bt.ids = append(bt.ids, m.ID)
				}
				if !slices.IsSorted(bt.ids) {
					t.Errorf("claimer %d: batch %v is not oldest first", i, bt.ids)
				}
				batches[i] = append(batches[i], bt)
			}
		})
		claims := map[int64]int{}
		tokens := map[string]bool{}
		nBatches := 0
		for _, bs := range batches {
			for _, bt := range bs {
				nBatches++
				if tokens[bt.token] {
					t.Errorf("two batches share the token %q", bt.token)
				}
				tokens[bt.token] = true
				for _, id := range bt.ids {
					claims[id]++
				}
			}
		}
		for _, m := range in {
			if n := claims[m.ID]; n != 1 {
				t.Errorf("message %d was claimed %d times, want exactly once", m.ID, n)
			}
			delete(claims, m.ID)
		}
		if len(claims) != 0 {
			t.Errorf("claimed messages that were never enqueued: %v", claims)
		}
		t.Logf("%d messages claimed in %d batches", messages, nBatches)
	}},
	{"TxRollsBack", func(t *testing.T, ctx context.Context, s store.Store) {
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		rollback := &txError{"roll back"}
		// A claim and its outcomes inside a failing Tx: seen inside it,
		// gone after it.
		err := s.Tx(ctx, func(tx store.Store) error {
			tok := wantClaim(t, ctx, tx, tNow, lease, 10, a, b)
			must(t, tx.RetryMessage(ctx, a.ID, tok, tNow, tNow.Add(time.Minute), "timeout"), "RetryMessage inside the Tx")
			must(t, tx.KillMessage(ctx, b.ID, tok, tNow, "550"), "KillMessage inside the Tx")
			wantMessages(t, ctx, tx, retriedAs(a, tNow.Add(time.Minute), "timeout"), killedAs(b, "550"))
			wantAttempts(t, ctx, tx, a.ID, store.MessageAttempt{MessageID: a.ID, Number: 1, At: tNow, Error: "timeout"})
			wantStats(t, ctx, tx, store.OutboxStats{Pending: 1, Dead: 1, OldestPending: a.CreatedAt}, "inside the Tx")
			wantClaim(t, ctx, tx, tNow, lease, 10)
			return rollback
		})
		if err != rollback { //nolint:errorlint // the very same error value
			t.Fatalf("Tx returned %v, want the callback's error unchanged", err)
		}
		wantMessages(t, ctx, s, a, b)
		wantAttempts(t, ctx, s, a.ID)
		wantAttempts(t, ctx, s, b.ID)
		wantStats(t, ctx, s, store.OutboxStats{Pending: 2, OldestPending: a.CreatedAt}, "after the rollback")
		// Both are as they were: claimable, under a token of their own.
		wantClaim(t, ctx, s, tNow, lease, 10, a, b)
	}},
	{"TxRollsBackLeaseTakeover", func(t *testing.T, ctx context.Context, s store.Store) {
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		tok := wantClaim(t, ctx, s, tNow, lease, 10, a)
		a = leasedAs(a, tNow.Add(lease))
		rollback := &txError{"roll back"}
		err := s.Tx(ctx, func(tx store.Store) error {
			// Another worker takes over the expired lease and sends the
			// message, all in a Tx that then fails.
			var tok2 string
			must(t, tx.Tx(ctx, func(inner store.Store) error {
				tok2 = wantClaim(t, ctx, inner, tNow.Add(lease), lease, 10, a)
				return nil
			}), "nested Tx")
			must(t, tx.MarkMessageSent(ctx, a.ID, tok2, tNow.Add(lease), false, true), "MarkMessageSent inside the Tx")
			wantLeaseLost(t, tx.RetryMessage(ctx, a.ID, tok, tNow, tNow, "x"), "RetryMessage with the replaced token inside the Tx")
			return rollback
		})
		if err != rollback { //nolint:errorlint // the very same error value
			t.Fatalf("Tx returned %v, want the callback's error unchanged", err)
		}
		// The takeover never happened: tok still holds the lease.
		wantMessages(t, ctx, s, a)
		wantAttempts(t, ctx, s, a.ID)
		must(t, s.RetryMessage(ctx, a.ID, tok, tNow.Add(lease), tNow.Add(time.Hour), "timeout"), "RetryMessage with the original token")
		wantMessages(t, ctx, s, retriedAs(a, tNow.Add(time.Hour), "timeout"))
		wantAttempts(t, ctx, s, a.ID, store.MessageAttempt{MessageID: a.ID, Number: 1, At: tNow.Add(lease), Error: "timeout"})
	}},
	{"TxCommits", func(t *testing.T, ctx context.Context, s store.Store) {
		// The delivery methods on the Store of a Tx that commits, including
		// a nested one.
		a := enqueue(t, ctx, s, newMessage("p1", "alice", "a@x", 1))
		b := enqueue(t, ctx, s, newMessage("p1", "bob", "b@x", 2))
		var tok string
		must(t, s.Tx(ctx, func(tx store.Store) error {
			tok = wantClaim(t, ctx, tx, tNow, lease, 10, a, b)
			return tx.Tx(ctx, func(inner store.Store) error {
				return inner.RetryMessage(ctx, a.ID, tok, tNow, tNow.Add(time.Minute), "timeout")
			})
		}), "Tx")
		a, b = retriedAs(a, tNow.Add(time.Minute), "timeout"), leasedAs(b, tNow.Add(lease))
		wantMessages(t, ctx, s, a, b)
		wantAttempts(t, ctx, s, a.ID, store.MessageAttempt{MessageID: a.ID, Number: 1, At: tNow, Error: "timeout"})
		// The token of a committed claim works outside the Tx.
		must(t, s.MarkMessageSent(ctx, b.ID, tok, tNow, false, false), "MarkMessageSent outside the Tx")
		wantMessages(t, ctx, s, sentAs(b, tNow, false, false))
		wantStats(t, ctx, s, store.OutboxStats{Pending: 1, OldestPending: a.CreatedAt}, "after the Tx")
	}},
}
