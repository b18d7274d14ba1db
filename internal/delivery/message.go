package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Outcomes passed to Worker.Observe.
const (
	OutcomeSent    = "sent"
	OutcomeInbox   = "inbox"
	OutcomeRetried = "retried"
	OutcomeDead    = "dead"
)

// deliver sends one claimed message and records the outcome. It returns an
// error only when the outcome could not be recorded for a reason other than
// a lost lease.
func (w *Worker) deliver(ctx context.Context, token string, m *store.Message, timeout time.Duration) error {
	sender, known := w.senderFor(m.Medium)
	switch {
	case !known:
		// A producer bug; dead-lettering makes it visible in the outbox
		// stats instead of hiding it in the inbox.
		return w.record(ctx, token, m, Permanent(fmt.Errorf("delivery: unknown medium %q", m.Medium)))
	case sender == nil:
		// Producers queue such messages as "inbox" already (KeptForInbox);
		// this takes those queued before the channel went away. Never
		// redacted: the development inbox is the only place this message
		// will ever be read.
		mctx, cancel := markContext(ctx)
		defer cancel()
		err := w.Outbox.MarkMessageSent(mctx, m.ID, token, w.now(), true, false)
		return w.recorded(m, OutcomeInbox, err, slog.LevelInfo,
			"delivery: no sender for this medium; message kept for the development inbox")
	}
	if !m.ExpiresAt.IsZero() && !w.now().Before(m.ExpiresAt) {
		// The code or temporary password in it no longer works (e.g. the
		// message waited out an outage): mailing it would only confuse.
		return w.record(ctx, token, m, Permanent(errExpired))
	}
	return w.record(ctx, token, m, w.send(ctx, sender, m, timeout))
}

// errExpired is the dead-letter reason of a message whose content expired
// before it could be sent.
var errExpired = errors.New("expired before it could be sent: the code in it no longer works")

// KeptForInbox reports whether messages of medium have no channel and are
// kept for the development inbox. Producers may queue such messages as
// "inbox" right away (userpool.Config.InboxOnly); pending ones still get
// there through deliver.
func (w *Worker) KeptForInbox(medium string) bool {
	sender, known := w.senderFor(medium)
	return known && sender == nil
}

func (w *Worker) senderFor(medium string) (Sender, bool) {
	switch medium {
	case "EMAIL":
		return w.Email, true
	case "SMS":
		return w.SMS, true
	}
	return nil, false
}

// send calls the sender under its own timeout. The context is detached from
// ctx so that a shutdown lets the message in hand finish instead of cutting
// an SMTP session in the middle of DATA, which would leave us not knowing
// whether it went out. A panicking sender becomes a retryable error rather
// than a crashed server.
func (w *Worker) send(ctx context.Context, s Sender, m *store.Message, timeout time.Duration) (err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("delivery: sender panicked: %v", r)
		}
	}()
	msg := *m // the sender cannot alter what the worker records
	return s.Send(ctx, &msg)
}

// record stores the result of a send attempt (sendErr nil: success).
func (w *Worker) record(ctx context.Context, token string, m *store.Message, sendErr error) error {
	now := w.now()
	attempt := m.Attempts + 1
	mctx, cancel := markContext(ctx)
	defer cancel()
	if sendErr == nil {
		err := w.Outbox.MarkMessageSent(mctx, m.ID, token, now, false, !w.KeepBodies)
		return w.recorded(m, OutcomeSent, err, slog.LevelInfo, "delivery: message sent")
	}
	text := errorText(sendErr, m)
	if IsPermanent(sendErr) || attempt >= w.maxAttempts() {
		err := w.Outbox.KillMessage(mctx, m.ID, token, now, text)
		return w.recorded(m, OutcomeDead, err, slog.LevelError, "delivery: giving up on message",
			"err", text, "permanent", IsPermanent(sendErr))
	}
	delay := w.backoff(attempt)
	err := w.Outbox.RetryMessage(mctx, m.ID, token, now, now.Add(delay), text)
	return w.recorded(m, OutcomeRetried, err, slog.LevelWarn, "delivery: send failed; will retry",
		"err", text, "retry_in", delay)
}

// recorded logs and observes an outcome once the store has it. A lost lease
// (ErrConflict) means another worker has claimed the message after ours
// expired; it will record its own outcome, so this is logged and skipped.
// A message that vanished (ErrNotFound) is likewise skipped.
func (w *Worker) recorded(m *store.Message, outcome string, err error, level slog.Level, msg string, attrs ...any) error {
	attrs = append(attrs, "id", m.ID, "medium", m.Medium, "purpose", m.Purpose,
		"attempt", m.Attempts+1, "to", maskDestination(m.Destination))
	switch {
	case errors.Is(err, store.ErrConflict):
		w.log().Warn("delivery: lease lost before the outcome was recorded; another worker has the message",
			append(attrs, "outcome", outcome)...)
		return nil
	case errors.Is(err, store.ErrNotFound):
		w.log().Warn("delivery: message disappeared before the outcome was recorded",
			append(attrs, "outcome", outcome)...)
		return nil
	case err != nil:
		return fmt.Errorf("delivery: record %s for message %d: %w", outcome, m.ID, err)
	}
	w.log().Log(context.Background(), level, msg, attrs...)
	if w.Observe != nil {
		w.Observe(m.Medium, outcome)
	}
	return nil
}

// backoff returns the delay before the retry that follows failed attempt
// number attempt (1-based): a uniformly random duration between zero and a
// ceiling that starts at BaseBackoff, doubles with each attempt and is capped
// at MaxBackoff ("full jitter"). The randomness matters when a relay has
// been down: every message that failed during the outage would otherwise
// come due at the same instant and hit the recovering relay together, fail
// together, and repeat in lockstep. Spreading them uniformly turns that herd
// into a steady trickle. A zero delay is harmless: the next pass is still
// at least a poll away.
func (w *Worker) backoff(attempt int) time.Duration {
	ceiling, limit := w.baseBackoff(), w.maxBackoff()
	for i := 1; i < attempt && ceiling < limit; i++ {
		if ceiling > limit/2 {
			ceiling = limit // doubling would overshoot (or overflow)
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, limit)
	return rand.N(ceiling + 1)
}

// markContext detaches a Mark* call from the caller's cancellation (a send
// that went out must be recorded even during shutdown) but still bounds it.
func markContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
}
