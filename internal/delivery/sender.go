// Package delivery takes messages from the transactional outbox and delivers
// them: email over SMTP, SMS through Amazon SNS or an HTTP webhook.
//
// The outbox row is written in the same transaction as the code it carries,
// so once a request is acknowledged the message exists. This package's job
// is to never lose it afterwards. Three rules follow from that:
//
//   - A message is sent first and marked afterwards. A crash in between
//     sends it again once its lease expires (at least once, never zero
//     times). SMTP messages carry a Message-ID and webhook calls an
//     Idempotency-Key derived from the outbox id, so a receiver can drop the
//     duplicate.
//   - Messages are leased, not flagged "processing" (the Kratos courier bug
//     of style-anchors §1.3): a worker that dies leaves a message that comes
//     back by itself when its lease runs out.
//   - Failures are retried with capped, jittered exponential backoff and are
//     dead-lettered, never dropped, after Worker.MaxAttempts; every attempt is
//     recorded by the store for the "why was no code sent?" question.
//
// Bodies and codes never reach the logs, and destinations appear only
// masked.
package delivery

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/userpool/userpool/internal/store"
)

// Sender delivers one message over one channel. Send returns nil only when
// the channel has accepted the message. An error wrapped with Permanent
// dead-letters the message at once; any other error is retried later.
//
// Send may be called again for a message it already delivered (after a crash
// or an expired lease), so implementations should give the receiver a stable
// way to recognise the duplicate.
type Sender interface {
	Send(ctx context.Context, m *store.Message) error
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err to say that sending the same message again cannot
// succeed (the recipient was rejected, the request was refused as invalid),
// so the worker dead-letters it instead of retrying. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or any error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// maskDestination hides an address for logs while keeping enough to tell
// two recipients apart when debugging: the first character of an email's
// local part and of its domain ("a***@e***"), or the last four digits of a
// phone number ("***4567").
func maskDestination(to string) string {
	if local, domain, ok := strings.Cut(to, "@"); ok {
		return firstRune(local) + "***@" + firstRune(domain) + "***"
	}
	digits := make([]rune, 0, len(to))
	for _, r := range to {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) <= 4 {
		// Too short to keep anything without showing all of it.
		return "***"
	}
	return "***" + string(digits[len(digits)-4:])
}

func firstRune(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || r == utf8.RuneError {
		return ""
	}
	return string(r)
}

// maxErrorLen bounds the error text stored in the outbox and logged. A relay
// or gateway can answer with an arbitrarily long body.
const maxErrorLen = 1000

// errorText turns a send error into text that is safe to log and store:
// receivers often echo the recipient ("550 <alice@example.com>: unknown
// user"), and a careless gateway could echo the message, so the destination
// is masked and the code and body are blanked wherever they appear.
func errorText(err error, m *store.Message) string {
	s := err.Error()
	if m.Destination != "" {
		s = strings.ReplaceAll(s, m.Destination, maskDestination(m.Destination))
	}
	if m.Body != "" {
		s = strings.ReplaceAll(s, m.Body, "[body]")
	}
	if m.Code != "" {
		s = strings.ReplaceAll(s, m.Code, "[code]")
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' ' // one line per error, whatever the server sent
		}
		return r
	}, s)
	if len(s) > maxErrorLen {
		s = strings.ToValidUTF8(s[:maxErrorLen], "") + "…"
	}
	return s
}
