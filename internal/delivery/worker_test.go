package delivery_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/store"
)

func TestWorkerSendsAndMarks(t *testing.T) {
	st, clk := openStore(t), newClock()
	email, sms, obs := &recorder{}, &recorder{}, &observer{}
	w, logs := newWorker(t, st, clk)
	w.Email, w.SMS, w.Observe = email, sms, obs.observe
	ids := []int64{enqueue(t, st, clk, "EMAIL"), enqueue(t, st, clk, "SMS"), enqueue(t, st, clk, "EMAIL")}
	clk.Advance(time.Second)

	runOnce(t, w, 3)
	if email.total() != 2 || sms.total() != 1 || email.calls[0].Body != testBody || sms.calls[0].Medium != "SMS" {
		t.Fatalf("sent %d emails, %d SMS: %+v %+v", email.total(), sms.total(), email.calls, sms.calls)
	}
	for _, id := range ids {
		m := message(t, st, id)
		if m.Status != store.MessageSent || !m.SentAt.Equal(clk.Now()) || m.Attempts != 1 {
			t.Errorf("%s, sent at %v", describe(m), m.SentAt)
		}
		if m.Body != "" || m.Code != "" || m.Destination == "" {
			t.Errorf("message %d: body %q, code %q after sending; want them redacted, metadata kept", id, m.Body, m.Code)
		}
		if a := attempts(t, st, id); len(a) != 1 || a[0].Number != 1 || a[0].Error != "" || !a[0].At.Equal(clk.Now()) {
			t.Errorf("message %d attempts %+v", id, a)
		}
	}
	if got := obs.sorted(); !slices.Equal(got, []string{"EMAIL/sent", "EMAIL/sent", "SMS/sent"}) {
		t.Errorf("observed %q", got)
	}
	if !strings.Contains(logs.String(), `"to":"a***@e***"`) || !strings.Contains(logs.String(), `"to":"***0123"`) {
		t.Errorf("log lacks the masked destinations:\n%s", logs)
	}
	runOnce(t, w, 0) // nothing is sent twice
	if email.total() != 2 || sms.total() != 1 {
		t.Errorf("a second pass sent again")
	}
}

func TestWorkerKeepBodies(t *testing.T) {
	st, clk := openStore(t), newClock()
	w, _ := newWorker(t, st, clk)
	w.Email, w.KeepBodies = &recorder{}, true
	id := enqueue(t, st, clk, "EMAIL")
	runOnce(t, w, 1)
	if m := message(t, st, id); m.Status != store.MessageSent || m.Body != testBody || m.Code != testCode {
		t.Errorf("%s, body %q, code %q: want them kept", describe(m), m.Body, m.Code)
	}
}

// Pending messages of a medium without a channel (queued before the channel
// went away) are kept for the inbox, while the others of the same pass are
// sent.
func TestWorkerInboxWithoutSender(t *testing.T) {
	st, clk := openStore(t), newClock()
	sms, obs := &recorder{}, &observer{}
	w, logs := newWorker(t, st, clk)
	w.SMS, w.Observe = sms, obs.observe // no email channel
	ids := []int64{enqueue(t, st, clk, "EMAIL"), enqueue(t, st, clk, "SMS"), enqueue(t, st, clk, "EMAIL")}

	runOnce(t, w, 3)
	for _, id := range []int64{ids[0], ids[2]} {
		m := message(t, st, id)
		if m.Status != store.MessageInbox || !m.SentAt.Equal(clk.Now()) || m.Attempts != 1 {
			t.Errorf("%s: want inbox after one attempt", describe(m))
		}
		if m.Body != testBody || m.Code != testCode {
			t.Errorf("inbox message lost its body %q / code %q: the inbox is the only place it can be read", m.Body, m.Code)
		}
		if a := attempts(t, st, id); len(a) != 1 {
			t.Errorf("message %d: %d attempts recorded, want 1", id, len(a))
		}
	}
	if m := message(t, st, ids[1]); m.Status != store.MessageSent || sms.count(ids[1]) != 1 {
		t.Errorf("%s, sent %d times: want sent once", describe(m), sms.count(ids[1]))
	}
	if sms.total() != 1 || !slices.Equal(obs.sorted(), []string{"EMAIL/inbox", "EMAIL/inbox", "SMS/sent"}) {
		t.Errorf("sms sends %d, observed %q", sms.total(), obs.sorted())
	}
	if !strings.Contains(logs.String(), "development inbox") {
		t.Errorf("the log does not say why nothing was sent:\n%s", logs)
	}
	runOnce(t, w, 0) // nothing left, nothing sent twice
}

func TestWorkerUnknownMediumIsDead(t *testing.T) {
	st, clk := openStore(t), newClock()
	w, _ := newWorker(t, st, clk)
	w.Email, w.SMS = &recorder{}, &recorder{}
	id := enqueue(t, st, clk, "PIGEON")
	runOnce(t, w, 1)
	if m := message(t, st, id); m.Status != store.MessageDead || !strings.Contains(m.LastError, `unknown medium "PIGEON"`) {
		t.Errorf("%s", describe(m))
	}
}

// TestWorkerBackoff checks each retry's NextAttemptAt against the backoff
// ceiling: BaseBackoff doubling per attempt, capped at MaxBackoff, with the
// delay drawn uniformly below it. Forty messages per attempt make the
// statistical checks (the largest delay passes half the ceiling; the delays
// differ) fail by chance with probability below 2^-39.
func TestWorkerBackoff(t *testing.T) {
	st, clk := openStore(t), newClock()
	w, _ := newWorker(t, st, clk)
	w.Email = &recorder{fail: func(*store.Message) error { return errors.New("421 try again later") }}
	w.BaseBackoff, w.MaxBackoff, w.MaxAttempts, w.Batch = 2*time.Second, 10*time.Second, 100, 100
	var ids []int64
	for range 40 {
		ids = append(ids, enqueue(t, st, clk, "EMAIL"))
	}
	ceilings := []time.Duration{2, 4, 8, 10, 10, 10}
	for i, ceiling := range ceilings {
		ceiling *= time.Second
		attempt, now := i+1, clk.Now()
		runOnce(t, w, len(ids))
		var largest time.Duration
		delays := map[time.Duration]bool{}
		for _, m := range messages(t, st) {
			d := m.NextAttemptAt.Sub(now)
			if m.Status != store.MessagePending || m.Attempts != attempt || m.LastError != "421 try again later" ||
				d < 0 || d > ceiling {
				t.Fatalf("attempt %d: %s (delay %v, ceiling %v)", attempt, describe(m), d, ceiling)
			}
			largest, delays[d] = max(largest, d), true
		}
		if largest <= ceiling/2 {
			t.Errorf("attempt %d: largest delay %v, want close to the ceiling %v", attempt, largest, ceiling)
		}
		if len(delays) < 10 {
			t.Errorf("attempt %d: only %d distinct delays among %d messages: no jitter", attempt, len(delays), len(ids))
		}
		clk.Advance(ceiling) // everything is due again
	}
}

func TestWorkerDeadLetter(t *testing.T) {
	st, clk := openStore(t), newClock()
	obs := &observer{}
	// The relay echoes the recipient and the message: neither may reach
	// the log or the stored error unmasked.
	email := &recorder{fail: func(m *store.Message) error {
		return errors.New("451 <" + m.Destination + "> busy\r\nwhile sending " + m.Body)
	}}
	w, logs := newWorker(t, st, clk)
	w.Email, w.Observe, w.MaxAttempts = email, obs.observe, 3
	id := enqueue(t, st, clk, "EMAIL")

	var times []time.Time
	for range 3 {
		times = append(times, clk.Now())
		runOnce(t, w, 1)
		clk.Advance(delivery.DefaultMaxBackoff)
	}
	const wantErr = "451 <a***@e***> busy  while sending [body]"
	m := message(t, st, id)
	if m.Status != store.MessageDead || m.Attempts != 3 || m.LastError != wantErr {
		t.Fatalf("%s; want dead after 3 attempts with %q", describe(m), wantErr)
	}
	a := attempts(t, st, id)
	if len(a) != 3 {
		t.Fatalf("attempts %+v, want 3", a)
	}
	for i, at := range a {
		if at.Number != i+1 || at.Error != wantErr || !at.At.Equal(times[i]) {
			t.Errorf("attempt %d: %+v", i+1, at)
		}
	}
	if got := obs.sorted(); !slices.Equal(got, []string{"EMAIL/dead", "EMAIL/retried", "EMAIL/retried"}) {
		t.Errorf("observed %q", got)
	}
	runOnce(t, w, 0)
	if email.total() != 3 {
		t.Errorf("%d sends, want 3: a dead message was tried again", email.total())
	}
	if !strings.Contains(logs.String(), `"attempt":3`) || !strings.Contains(logs.String(), "giving up") {
		t.Errorf("log:\n%s", logs)
	}
}

func TestWorkerPermanentErrorIsDeadAtOnce(t *testing.T) {
	st, clk := openStore(t), newClock()
	email := &recorder{fail: func(*store.Message) error {
		return delivery.Permanent(errors.New("550 no such user"))
	}}
	w, _ := newWorker(t, st, clk)
	w.Email = email
	id := enqueue(t, st, clk, "EMAIL")
	runOnce(t, w, 1)
	clk.Advance(time.Hour)
	runOnce(t, w, 0)
	if m := message(t, st, id); m.Status != store.MessageDead || m.Attempts != 1 || m.LastError != "550 no such user" {
		t.Errorf("%s", describe(m))
	}
	if email.total() != 1 {
		t.Errorf("%d sends, want 1", email.total())
	}
}

// A message whose code expired before it could be sent (it waited out an
// outage, say) is dead-lettered instead of mailing a dead code; one that
// is still valid goes out.
func TestWorkerDropsExpiredMessages(t *testing.T) {
	st, clk := openStore(t), newClock()
	email, obs := &recorder{}, &observer{}
	w, _ := newWorker(t, st, clk)
	w.Email, w.Observe = email, obs.observe
	stale := enqueue(t, st, clk, "EMAIL", func(m *store.Message) { m.ExpiresAt = clk.Now().Add(time.Minute) })
	fresh := enqueue(t, st, clk, "EMAIL", func(m *store.Message) { m.ExpiresAt = clk.Now().Add(time.Hour) })
	clk.Advance(time.Minute)
	runOnce(t, w, 2)
	if m := message(t, st, stale); m.Status != store.MessageDead || !strings.Contains(m.LastError, "expired before it could be sent") {
		t.Errorf("stale: %s", describe(m))
	}
	if m := message(t, st, fresh); m.Status != store.MessageSent {
		t.Errorf("fresh: %s", describe(m))
	}
	if email.total() != 1 || email.calls[0].ExpiresAt.IsZero() {
		t.Errorf("%d sends (%+v), want only the fresh one", email.total(), email.calls)
	}
	if got := obs.sorted(); !slices.Equal(got, []string{"EMAIL/dead", "EMAIL/sent"}) {
		t.Errorf("observed %q", got)
	}
}

func TestWorkerSendTimeout(t *testing.T) {
	st, clk := openStore(t), newClock()
	w, _ := newWorker(t, st, clk)
	w.Lease = 400 * time.Millisecond // sends get 200 ms
	w.Email = senderFunc(func(ctx context.Context, _ *store.Message) error {
		select { // a hung relay that only the deadline ends
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return nil
		}
	})
	id := enqueue(t, st, clk, "EMAIL")
	start := time.Now()
	runOnce(t, w, 1)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("RunOnce took %v", d)
	}
	if m := message(t, st, id); m.Status != store.MessagePending || !strings.Contains(m.LastError, "deadline exceeded") {
		t.Errorf("%s", describe(m))
	}
}

// TestWorkerStopsWhenLeaseRunsShort: the messages of a batch share one
// lease. Once the rest of it cannot hold a whole send, the pass stops and
// leaves the remaining messages to be reclaimed, rather than sending them
// while another worker may already be claiming them.
func TestWorkerStopsWhenLeaseRunsShort(t *testing.T) {
	st, clk := openStore(t), newClock()
	sent := &recorder{}
	w, _ := newWorker(t, st, clk)
	w.Lease = 10 * time.Second // sends get 5 s; each must end 2.5 s before the lease
	w.Email = senderFunc(func(ctx context.Context, m *store.Message) error {
		clk.Advance(4 * time.Second) // a slow relay, on the injected clock
		return sent.Send(ctx, m)
	})
	ids := []int64{enqueue(t, st, clk, "EMAIL"), enqueue(t, st, clk, "EMAIL"), enqueue(t, st, clk, "EMAIL")}
	runOnce(t, w, 2) // at 8 s only 2 s of the lease are left: too little
	if sent.count(ids[2]) != 0 || message(t, st, ids[2]).Status != store.MessagePending {
		t.Fatalf("the third message was sent with %d of %d seconds of lease left", 2, 10)
	}
	clk.Advance(2 * time.Second) // its lease ends
	runOnce(t, w, 1)
	if sent.count(ids[2]) != 1 {
		t.Errorf("the third message was not sent after its lease ended")
	}
}

func TestRunOnceStopsBetweenMessagesWhenCancelled(t *testing.T) {
	st, clk := openStore(t), newClock()
	ctx, cancel := context.WithCancel(t.Context())
	sent := &recorder{}
	w, _ := newWorker(t, st, clk)
	w.Email = senderFunc(func(sctx context.Context, m *store.Message) error {
		cancel() // shutdown begins during the first send
		return sent.Send(sctx, m)
	})
	first, second := enqueue(t, st, clk, "EMAIL"), enqueue(t, st, clk, "EMAIL")
	n, err := w.RunOnce(ctx)
	if n != 1 || !errors.Is(err, context.Canceled) {
		t.Errorf("RunOnce = %d, %v; want 1, context.Canceled", n, err)
	}
	if message(t, st, first).Status != store.MessageSent || sent.count(second) != 0 {
		t.Errorf("first %s; second sent %d times", describe(message(t, st, first)), sent.count(second))
	}
}

func TestWorkerSenderPanicIsRetried(t *testing.T) {
	st, clk := openStore(t), newClock()
	w, _ := newWorker(t, st, clk)
	w.Email = senderFunc(func(context.Context, *store.Message) error { panic("boom") })
	id := enqueue(t, st, clk, "EMAIL")
	runOnce(t, w, 1)
	if m := message(t, st, id); m.Status != store.MessagePending || !strings.Contains(m.LastError, "panicked: boom") {
		t.Errorf("%s", describe(m))
	}
}

func TestWorkerWithoutOutbox(t *testing.T) {
	var w delivery.Worker
	if _, err := w.RunOnce(t.Context()); err == nil {
		t.Error("RunOnce without an Outbox succeeded")
	}
	if err := w.Run(t.Context()); err == nil {
		t.Error("Run without an Outbox succeeded")
	}
}
