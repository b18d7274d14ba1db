package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
)

// Secrets of the test messages. The code is not all digits so that it
// cannot turn up by chance in a logged duration or id.
const (
	testCode  = "Z7Q4K9"
	testBody  = "Your password reset code is " + testCode
	testEmail = "alice@example.com"
	testPhone = "+15555550123"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// clock is the injected Worker.Now: it moves only when told to. Its times
// are whole milliseconds, the store's precision, so they round-trip exactly.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// enqueue adds a pending message; medium is "EMAIL" or "SMS".
func enqueue(t *testing.T, st store.Store, clk *clock, medium string, edit ...func(*store.Message)) int64 {
	t.Helper()
	m := &store.Message{PoolID: "us-east-1_Test", Username: "alice", Purpose: "RESET", Medium: medium,
		Destination: testEmail, Subject: "Your verification code", Body: testBody, Code: testCode,
		Status: store.MessagePending, CreatedAt: clk.Now()}
	if medium == "SMS" {
		m.Destination, m.Subject = testPhone, ""
	}
	for _, f := range edit {
		f(m)
	}
	if err := st.EnqueueMessage(t.Context(), m); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m.ID
}

// messages returns every message of the outbox by id.
func messages(t *testing.T, st store.Store) map[int64]*store.Message {
	t.Helper()
	list, err := st.ListMessages(t.Context(), store.MessageFilter{Limit: 10000})
	if err != nil {
		t.Fatalf("list messages: %v", err)
	}
	byID := make(map[int64]*store.Message, len(list))
	for _, m := range list {
		byID[m.ID] = m
	}
	return byID
}

func message(t *testing.T, st store.Store, id int64) *store.Message {
	t.Helper()
	m, ok := messages(t, st)[id]
	if !ok {
		t.Fatalf("message %d not found", id)
	}
	return m
}

func attempts(t *testing.T, st store.Store, id int64) []store.MessageAttempt {
	t.Helper()
	a, err := st.ListMessageAttempts(t.Context(), id)
	if err != nil {
		t.Fatalf("list attempts: %v", err)
	}
	return a
}

// recorder is a Sender that records every call and answers with fail
// (nil: success).
type recorder struct {
	mu    sync.Mutex
	calls []store.Message
	fail  func(m *store.Message) error
}

func (r *recorder) Send(_ context.Context, m *store.Message) error {
	r.mu.Lock()
	r.calls = append(r.calls, *m)
	r.mu.Unlock()
	if r.fail != nil {
		return r.fail(m)
	}
	return nil
}

func (r *recorder) count(id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.calls {
		if m.ID == id {
			n++
		}
	}
	return n
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// senderFunc adapts a function to delivery.Sender.
type senderFunc func(ctx context.Context, m *store.Message) error

func (f senderFunc) Send(ctx context.Context, m *store.Message) error { return f(ctx, m) }

// observer records Worker.Observe calls as "MEDIUM/outcome".
type observer struct {
	mu     sync.Mutex
	events []string
}

func (o *observer) observe(medium, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, medium+"/"+outcome)
}

func (o *observer) sorted() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(slices.Values(o.events))
}

// logBuffer collects a worker's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newWorker returns a worker on st and clk whose log is checked, when the
// test ends, for the secrets it must never contain.
func newWorker(t *testing.T, st delivery.Outbox, clk *clock) (*delivery.Worker, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	t.Cleanup(func() {
		out := logs.String()
		for _, secret := range []string{testCode, testBody, testEmail, testPhone, "5550123"} {
			if strings.Contains(out, secret) {
				t.Errorf("the log contains %q:\n%s", secret, out)
			}
		}
	})
	h := slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})
	return &delivery.Worker{Outbox: st, Now: clk.Now, Log: slog.New(h)}, logs
}

func runOnce(t *testing.T, w *delivery.Worker, want int) {
	t.Helper()
	n, err := w.RunOnce(t.Context())
	if err != nil || n != want {
		t.Fatalf("RunOnce = %d, %v; want %d, nil", n, err, want)
	}
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func describe(m *store.Message) string {
	return fmt.Sprintf("message %d: status %s, attempts %d, next %v, error %q",
		m.ID, m.Status, m.Attempts, m.NextAttemptAt, m.LastError)
}
