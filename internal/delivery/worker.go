package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Defaults for the Worker fields left zero.
const (
	DefaultLease       = 30 * time.Second
	DefaultMaxAttempts = 8
	DefaultBatch       = 32
	DefaultPoll        = time.Second
	DefaultBaseBackoff = 2 * time.Second
	DefaultMaxBackoff  = 10 * time.Minute
)

// maxSendTimeout bounds one send even under a long lease: a relay that has
// not answered in 20 s is treated as failed and retried later.
const maxSendTimeout = 20 * time.Second

// markTimeout bounds one Mark* call. Marks run on a context detached from
// the caller's, so that a shutdown still records a send that already went
// out; this keeps a stuck database from holding the shutdown forever.
const markTimeout = 10 * time.Second

// Outbox is the part of store.Store the worker uses. store.Store satisfies
// it; tests can wrap a real store to inject faults.
type Outbox interface {
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (token string, msgs []*store.Message, err error)
	MarkMessageSent(ctx context.Context, id int64, token string, now time.Time, inbox, redact bool) error
	RetryMessage(ctx context.Context, id int64, token string, now, next time.Time, lastError string) error
	KillMessage(ctx context.Context, id int64, token string, now time.Time, lastError string) error
}

var _ Outbox = store.Store(nil)

// Worker moves messages from the outbox to their channels. Set its fields,
// then call Run (or RunOnce in tests); zero numeric fields take the
// Default* values. Several workers, in one process or many, may share an
// outbox: the store's leases keep them from holding the same message at
// once. A Worker must not be copied after first use.
type Worker struct {
	Outbox Outbox
	// Email and SMS deliver messages of medium "EMAIL" and "SMS". A nil
	// sender means no channel: such messages are marked "inbox" and stay
	// readable in the development inbox (the laptop case).
	Email Sender
	SMS   Sender

	Now         func() time.Time // nil: time.Now
	Lease       time.Duration    // how long a claimed message is ours
	MaxAttempts int              // attempts before a message is dead-lettered
	Batch       int              // messages claimed per pass
	Poll        time.Duration    // Run's wait between passes
	BaseBackoff time.Duration    // first retry delay ceiling
	MaxBackoff  time.Duration    // cap of the retry delay ceiling

	// KeepBodies keeps body and code after a successful send (development
	// mode). Otherwise they are erased once sent: the code is a credential
	// and the outbox should not become a second copy of it.
	KeepBodies bool
	// Observe, when set, is called once per recorded outcome: "sent",
	// "inbox", "retried" or "dead". The caller turns it into metrics.
	Observe func(medium, outcome string)
	Log     *slog.Logger // nil: discard

	wakeOnce sync.Once
	wake     chan struct{}
}

// RunOnce makes one deterministic pass: it claims up to Batch due messages,
// delivers each one and records the outcome. It returns how many messages
// it handled. It stops early, leaving the rest to come back when their lease
// expires, when ctx ends, when the lease no longer leaves room for a whole
// send, or when recording an outcome fails (the database is in trouble and
// sending more would only produce more duplicates later).
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if w.Outbox == nil {
		return 0, errors.New("delivery: Worker.Outbox is nil")
	}
	claimedAt := w.now()
	lease := w.lease()
	token, msgs, err := w.Outbox.ClaimMessages(ctx, claimedAt, lease, w.batch())
	if err != nil {
		return 0, fmt.Errorf("delivery: claim messages: %w", err)
	}
	leaseEnd := claimedAt.Add(lease)
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		timeout, ok := w.sendBudget(leaseEnd)
		if !ok {
			w.log().Warn("delivery: lease too short for the rest of the batch; they will be reclaimed",
				"left", len(msgs)-i, "lease", lease)
			return i, nil
		}
		if err := w.deliver(ctx, token, m, timeout); err != nil {
			return i + 1, err
		}
	}
	return len(msgs), nil
}

// sendBudget returns how long the next send may take. Messages of a batch
// are sent one after another under one lease, so a late message has less of
// it left. Every send must end (time out) a quarter of a lease before the
// lease does, which leaves time to record the outcome and absorbs clock
// differences between workers; otherwise a second worker could claim the
// message while we are still sending it, and it would go out twice. When
// less than a quarter of the usual timeout is left, the pass stops.
func (w *Worker) sendBudget(leaseEnd time.Time) (time.Duration, bool) {
	full := w.sendTimeout()
	budget := min(full, leaseEnd.Sub(w.now())-w.lease()/4)
	return budget, budget >= full/4
}

// sendTimeout is min(Lease/2, 20 s): a hung relay cannot outlive the lease.
func (w *Worker) sendTimeout() time.Duration {
	return min(w.lease()/2, maxSendTimeout)
}

// Run delivers messages until ctx ends, then returns nil. After each pass
// it waits for Poll or a Wake call, except after a full batch, when more
// messages are probably waiting. A failed pass (the database is down) is
// logged and retried at the next poll. On cancellation the message in hand
// is finished and recorded; the rest of its batch comes back when the lease
// expires.
func (w *Worker) Run(ctx context.Context) error {
	if w.Outbox == nil {
		return errors.New("delivery: Worker.Outbox is nil")
	}
	wake := w.wakeChan()
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.log().Error("delivery: pass failed", "err", err)
		} else if n >= w.batch() {
			continue
		}
		timer := time.NewTimer(w.poll())
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Wake makes a waiting Run start its next pass now, for example right after
// a message was enqueued. It never blocks; wakes that arrive while Run is
// busy coalesce into one extra pass.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default:
	}
}

func (w *Worker) wakeChan() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (w *Worker) lease() time.Duration       { return orDefault(w.Lease, DefaultLease) }
func (w *Worker) poll() time.Duration        { return orDefault(w.Poll, DefaultPoll) }
func (w *Worker) batch() int                 { return orDefault(w.Batch, DefaultBatch) }
func (w *Worker) maxAttempts() int           { return orDefault(w.MaxAttempts, DefaultMaxAttempts) }
func (w *Worker) baseBackoff() time.Duration { return orDefault(w.BaseBackoff, DefaultBaseBackoff) }
func (w *Worker) maxBackoff() time.Duration  { return orDefault(w.MaxBackoff, DefaultMaxBackoff) }

// orDefault treats zero and negative settings alike as "not set".
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
