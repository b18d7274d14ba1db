package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/store"
)

func TestWorkerLeaseExpiresMidSend(t *testing.T) {
	st, clk := openStore(t), newClock()
	entered, release := make(chan struct{}), make(chan struct{})
	slowObs, fastObs, fast := &observer{}, &observer{}, &recorder{}
	slow, slowLogs := newWorker(t, st, clk)
	slow.Observe = slowObs.observe
	slow.Email = senderFunc(func(context.Context, *store.Message) error {
		close(entered)
		<-release // stuck far longer than the lease, on the injected clock
		return nil
	})
	other, _ := newWorker(t, st, clk)
	other.Email, other.Observe = fast, fastObs.observe
	id := enqueue(t, st, clk, "EMAIL")

	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := slow.RunOnce(t.Context())
		done <- result{n, err}
	}()
	<-entered
	runOnce(t, other, 0) // still leased
	clk.Advance(delivery.DefaultLease + time.Millisecond)
	runOnce(t, other, 1) // the lease expired: reclaimed and resent
	close(release)
	if r := <-done; r.n != 1 || r.err != nil {
		t.Fatalf("slow RunOnce = %d, %v; want the lost lease tolerated", r.n, r.err)
	}

	m := message(t, st, id)
	if m.Status != store.MessageSent || m.Attempts != 1 || fast.count(id) != 1 {
		t.Errorf("%s, resent %d times", describe(m), fast.count(id))
	}
	if len(slowObs.sorted()) != 0 || !slices.Equal(fastObs.sorted(), []string{"EMAIL/sent"}) {
		t.Errorf("observed slow %q, fast %q: want only the worker holding the lease counted", slowObs.sorted(), fastObs.sorted())
	}
	if !strings.Contains(slowLogs.String(), "lease lost") {
		t.Errorf("the lost lease was not logged:\n%s", slowLogs)
	}
}

// crashOutbox is a process that dies right after sending: its Mark* calls
// never reach the store.
type crashOutbox struct{ delivery.Outbox }

var errCrash = errors.New("crashed")

func (crashOutbox) MarkMessageSent(context.Context, int64, string, time.Time, bool, bool) error {
	return errCrash
}
func (crashOutbox) RetryMessage(context.Context, int64, string, time.Time, time.Time, string) error {
	return errCrash
}
func (crashOutbox) KillMessage(context.Context, int64, string, time.Time, string) error {
	return errCrash
}

func TestWorkerCrashAfterSendResends(t *testing.T) {
	st, clk := openStore(t), newClock()
	sent := &recorder{}
	crashing, _ := newWorker(t, crashOutbox{st}, clk)
	crashing.Email = sent
	first, second := enqueue(t, st, clk, "EMAIL"), enqueue(t, st, clk, "EMAIL")

	n, err := crashing.RunOnce(t.Context())
	if !errors.Is(err, errCrash) || n != 1 || sent.count(first) != 1 || sent.count(second) != 0 {
		t.Fatalf("RunOnce = %d, %v after %d sends; want it to stop at the first failed mark, after sending",
			n, err, sent.total())
	}
	restarted, _ := newWorker(t, st, clk)
	restarted.Email = sent
	runOnce(t, restarted, 0) // both are still leased to the dead process
	clk.Advance(delivery.DefaultLease)
	runOnce(t, restarted, 2)
	if sent.count(first) != 2 || sent.count(second) != 1 {
		t.Errorf("sends: first %d, second %d; want the unmarked one sent again", sent.count(first), sent.count(second))
	}
	for _, id := range []int64{first, second} {
		if m := message(t, st, id); m.Status != store.MessageSent {
			t.Errorf("%s", describe(m))
		}
	}
}

// TestWorkersShareTheOutbox runs two workers at once over 200 messages with
// a lease far longer than any send. A tenth of the sends fail and are
// retried. Every message must be delivered, and delivered exactly once.
func TestWorkersShareTheOutbox(t *testing.T) {
	st := openStore(t)
	clk := newClock()
	var ids []int64
	for i := range 200 {
		ids = append(ids, enqueue(t, st, clk, []string{"EMAIL", "SMS"}[i%2]))
	}
	var mu sync.Mutex
	delivered := map[int64]int{}
	sender := senderFunc(func(_ context.Context, m *store.Message) error {
		if rand.N(10) == 0 {
			return errors.New("421 flaky relay")
		}
		mu.Lock()
		delivered[m.ID]++
		mu.Unlock()
		return nil
	})
	var wg sync.WaitGroup
	for range 2 {
		w, _ := newWorker(t, st, clk)
		w.Now = time.Now // real time: the retries come due by themselves
		w.Email, w.SMS, w.Batch = sender, sender, 16
		w.BaseBackoff, w.MaxBackoff, w.MaxAttempts = time.Millisecond, 2*time.Millisecond, 1000
		wg.Go(func() {
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
				if _, err := w.RunOnce(t.Context()); err != nil {
					t.Errorf("RunOnce: %v", err)
					return
				}
				stats, err := st.GetOutboxStats(t.Context())
				if err != nil || stats.Pending == 0 {
					return
				}
				time.Sleep(time.Millisecond)
			}
			t.Error("messages still pending after 30 s")
		})
	}
	wg.Wait()
	for _, id := range ids {
		if delivered[id] != 1 {
			t.Errorf("message %d delivered %d times", id, delivered[id])
		}
		if m := message(t, st, id); m.Status != store.MessageSent {
			t.Errorf("%s", describe(m))
		}
	}
}

// countingOutbox counts claims, so a test knows when Run has made a pass.
type countingOutbox struct {
	delivery.Outbox
	claims atomic.Int64
}

func (c *countingOutbox) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (string, []*store.Message, error) {
	defer c.claims.Add(1)
	return c.Outbox.ClaimMessages(ctx, now, lease, limit)
}

func TestRunWakeAndStop(t *testing.T) {
	st, clk := openStore(t), newClock()
	outbox := &countingOutbox{Outbox: st}
	sent := &recorder{}
	w, _ := newWorker(t, outbox, clk)
	w.Email, w.Poll = sent, time.Hour
	for range 3 {
		w.Wake() // before Run, and more than once: never blocks
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	waitFor(t, "the first passes", func() bool { return outbox.claims.Load() >= 2 })

	id := enqueue(t, st, clk, "EMAIL")
	w.Wake() // the poll interval is an hour: only Wake can make this quick
	waitFor(t, "the woken pass to send", func() bool { return sent.count(id) == 1 })

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil on cancellation", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// failingOutbox fails the first claim, like a database that is briefly
// unavailable.
type failingOutbox struct {
	delivery.Outbox
	failed atomic.Bool
}

func (f *failingOutbox) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (string, []*store.Message, error) {
	if f.failed.CompareAndSwap(false, true) {
		return "", nil, errors.New("database is locked")
	}
	return f.Outbox.ClaimMessages(ctx, now, lease, limit)
}

func TestRunDrainsABacklogAndSurvivesFailedPasses(t *testing.T) {
	st, clk := openStore(t), newClock()
	sent := &recorder{}
	w, logs := newWorker(t, &failingOutbox{Outbox: st}, clk)
	w.Email, w.Batch, w.Poll = sent, 2, time.Hour
	for range 5 {
		enqueue(t, st, clk, "EMAIL")
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	waitFor(t, "the failed pass to be logged", func() bool { return strings.Contains(logs.String(), "database is locked") })
	w.Wake() // the pass after a failure: then full batches follow each other without waiting
	waitFor(t, "all five to be sent", func() bool { return sent.total() == 5 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

func TestRunFinishesTheMessageInHand(t *testing.T) {
	st, clk := openStore(t), newClock()
	entered, release := make(chan struct{}), make(chan struct{})
	w, _ := newWorker(t, st, clk)
	w.Email = senderFunc(func(ctx context.Context, _ *store.Message) error {
		close(entered)
		<-release
		return ctx.Err() // the send must not see the shutdown
	})
	id := enqueue(t, st, clk, "EMAIL")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	<-entered
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned with a message in hand")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if m := message(t, st, id); m.Status != store.MessageSent {
		t.Errorf("%s: want the send in hand recorded", describe(m))
	}
}

// TestWorkerSMTPOutage: the relay is down while messages queue up and fail;
// once it is back on the same address, the next pass after the backoff
// delivers every one of them.
func TestWorkerSMTPOutage(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody listens here now

	st, clk := openStore(t), newClock()
	w, _ := newWorker(t, st, clk)
	w.Email = newSMTP(t, "smtp://"+addr+"?tls=none")
	var ids []int64
	for i := range 5 {
		ids = append(ids, enqueue(t, st, clk, "EMAIL", func(m *store.Message) {
			m.Destination = fmt.Sprintf("user%d@example.com", i)
		}))
	}
	runOnce(t, w, 5)
	for _, id := range ids {
		if m := message(t, st, id); m.Status != store.MessagePending || m.Attempts != 1 ||
			!strings.Contains(m.LastError, "refused") {
			t.Fatalf("%s", describe(m))
		}
	}

	k := startSink(t, sinkConfig{tls: "none", addr: addr})
	clk.Advance(delivery.DefaultBaseBackoff) // the first retry's ceiling
	runOnce(t, w, 5)
	var got []string
	for _, r := range k.received() {
		got = append(got, parseMail(t, r.Data).Header.Get("Message-Id"))
	}
	slices.Sort(got)
	var want []string
	for _, id := range ids {
		want = append(want, fmt.Sprintf("<userpool-outbox-%d@userpool.test>", id))
		if m := message(t, st, id); m.Status != store.MessageSent {
			t.Errorf("%s", describe(m))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("received %q, want %q", got, want)
	}
}
