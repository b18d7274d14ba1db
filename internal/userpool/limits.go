package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Limits are the per-user attempt limits on requesting and on entering
// codes (spec §2.9): Cognito allows 5–20 per hour depending on risk and does
// not publish the numbers; the recommended emulator default is 5 per user
// per rolling hour for each.
type Limits struct {
	Requests int           // code requests per Window (ForgotPassword, resends, ...)
	Confirms int           // code entries per Window (ConfirmForgotPassword, ...)
	Window   time.Duration // the rolling window
	// SignIns, SignInLockout and SignInWindow are the sign-in lockout
	// (signin_lockout.go): SignIns failed sign-ins in a row are free (0:
	// no lockout at all), the next locks the user out for SignInLockout
	// (1 s if zero), doubling with each further failure up to
	// SignInWindow, and SignInWindow without any attempt starts over.
	SignIns       int
	SignInLockout time.Duration
	SignInWindow  time.Duration
}

// DefaultLimits are spec §2.9's recommended defaults, and Cognito's sign-in
// lockout: five failures free, then 1 s doubling up to 15 minutes.
var DefaultLimits = Limits{Requests: 5, Confirms: 5, Window: time.Hour, SignIns: 5, SignInLockout: time.Second, SignInWindow: 15 * time.Minute}

type attemptKind string

const (
	attemptRequest attemptKind = "request"
	attemptConfirm attemptKind = "confirm"
	attemptSignIn  attemptKind = "signin"
)

// takeAttempt counts one attempt and refuses it over the limit. The count
// is atomic in the store (no check-then-act), so N concurrent wrong guesses
// record N attempts and at most the limit of them are ever evaluated: the
// 2021 Cognito race, where parallel guesses got ~1,600 tries instead of 20,
// cannot happen here. A refused attempt still counts, so hammering keeps the
// window closed. The count is committed on its own, before the code is
// checked, so a failing check cannot roll it back.
func (s *Service) takeAttempt(ctx context.Context, now time.Time, poolID, subject string, kind attemptKind, p codePurpose) error {
	return s.countAttempt(ctx, now, poolID, subject, attemptKey(kind, p), s.cfg.Limits.Window, s.limitOf(kind), errLimitExceeded)
}

// limitedTx counts one attempt as takeAttempt does and, only if it is
// allowed, runs fn in a write transaction: the same one where the store can
// (SQLite), so a request that issues a code costs one commit, not two. Only
// for writes that need no network call first: a refused attempt must not
// have caused any.
func (s *Service) limitedTx(ctx context.Context, now time.Time, poolID, subject string, kind attemptKind, p codePurpose, fn func(tx store.Store) error) error {
	ok, err := s.store.TakeAttemptTx(ctx, poolID, subject, attemptKey(kind, p), now, s.cfg.Limits.Window, s.limitOf(kind), fn)
	if err != nil {
		return err
	}
	if !ok {
		return errLimitExceeded
	}
	return nil
}

func attemptKey(kind attemptKind, p codePurpose) string { return string(kind) + ":" + string(p) }

func (s *Service) limitOf(kind attemptKind) int {
	if kind == attemptConfirm {
		return s.cfg.Limits.Confirms
	}
	return s.cfg.Limits.Requests
}

// countAttempt records one attempt of kind by subject and returns refused
// when it is over limit within window: the one place every per-user limit
// (codes, sign-in lockout) is counted.
func (s *Service) countAttempt(ctx context.Context, now time.Time, poolID, subject, kind string, window time.Duration, limit int, refused error) error {
	ok, err := s.store.TakeAttempt(ctx, poolID, subject, kind, now, window, limit)
	if err != nil {
		return err
	}
	if !ok {
		return refused
	}
	return nil
}

// unknownSubject names an unknown user for attempt counting: a digest of
// the typed name after the pool's case folding, behind a NUL, which no
// username can hold (the model's username pattern excludes control
// characters). A digest rather than the name: the rows live for the limit
// window, nobody reads what was typed, and an enumeration of 128-character
// names made every row and its index entry carry one (about 410 bytes per
// attempt, 150 with the digest). 128 bits keep distinct names apart.
func unknownSubject(pool *poolView, typed string) string {
	sum := sha256.Sum256([]byte(pool.doc.norm("username", typed)))
	return "\x00unknown:" + base64.RawStdEncoding.EncodeToString(sum[:16])
}

// SweepResult counts what one Sweep deleted.
type SweepResult struct {
	Attempts int64 // attempt records older than every limit window
	Messages int64 // finished messages older than Config.MessageRetention
	Tokens   int64 // single-use marks of tokens expired over an hour ago
}

// Sweep deletes what no longer serves any purpose and reports how much:
//   - attempt records older than the limit windows, which no longer count.
//     The stores do not prune on TakeAttempt (it would cost a statement on
//     every request) and keep only a few rows per name within the window;
//     without this sweep, rows of names tried once, typically an
//     enumeration under PreventUserExistenceErrors, would pile up forever;
//   - finished outbox messages (sent, dead, inbox, suppressed) and their
//     delivery attempts once older than the retention, so that a flood of
//     ForgotPassword calls for unknown names, each of which writes a
//     suppressed record, costs bounded disk. Pending messages stay;
//   - single-use marks (store.Once) of tokens that expired over an hour
//     ago: such a token is refused for its age before its mark is read
//     (the hour covers clocks of other instances running a little behind).
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var r SweepResult
	var err error
	now := s.now()
	if r.Attempts, err = s.store.PruneAttempts(ctx, now.Add(-max(s.cfg.Limits.Window, s.cfg.Limits.SignInWindow))); err != nil {
		return r, err
	}
	if r.Messages, err = s.store.PruneMessages(ctx, now.Add(-s.cfg.MessageRetention)); err != nil {
		return r, err
	}
	r.Tokens, err = s.store.PruneUsed(ctx, now.Add(-time.Hour))
	return r, err
}
