package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// Sign-in lockout. Cognito locks a user out after five failed sign-ins,
// answering NotAuthorizedException "Password attempts exceeded" (spec §6
// InitiateAuth; AWS documents a lockout that starts at 1 s and doubles up
// to about 15 minutes).
//
// userpool counts every password sign-in attempt atomically before the
// password is checked (the same store counter as the recovery limits), so
// a burst of parallel guesses gets no more evaluations than the limit —
// the check-then-act race a "count failures afterwards" design would have.
// A successful sign-in resets the count. The doubling schedule is
// approximated by a rolling window: at most SignIns attempts per
// SignInWindow (default 5 per 15 minutes, Cognito's longest lockout), so
// a user who fails five times waits until the oldest attempt leaves the
// window — longer than Cognito's first 1-second lockouts (UNVERIFIED
// trade-off, chosen because it is atomic and simple to reason about).
// Refused attempts count too, so hammering keeps the window closed.

// signInKind is the attempt kind of password sign-ins.
const signInKind = string(attemptSignIn) + ":password"

// signInGate counts one sign-in attempt by subject and refuses it over the
// limit, before any password is checked.
func (s *Service) signInGate(ctx context.Context, poolID, subject string) error {
	l := s.cfg.Limits
	if l.SignIns <= 0 {
		return nil
	}
	return s.countAttempt(ctx, s.now(), poolID, subject, signInKind, l.SignInWindow, l.SignIns, errPasswordAttemptsExceeded)
}

// endLockout forgets subject's failed sign-ins through st: after a
// successful sign-in (Cognito's own rule), and when the password changes
// hands — a completed ConfirmForgotPassword or an AdminSetUserPassword —
// so that the user recovery is for can sign in at once (issue 14 item 3;
// UNVERIFIED on Cognito, whose documentation names only a successful
// sign-in and 15 quiet minutes).
func (s *Service) endLockout(ctx context.Context, st store.Store, poolID, subject string) error {
	if reset := s.signInReset(ctx, poolID, subject); reset != nil {
		return reset(st)
	}
	return nil
}

// signInReset is endLockout as a step of a caller's transaction; nil when
// sign-ins are not counted.
func (s *Service) signInReset(ctx context.Context, poolID, subject string) func(st store.Store) error {
	if s.cfg.Limits.SignIns <= 0 {
		return nil
	}
	return func(st store.Store) error {
		return st.ClearAttempts(ctx, poolID, subject, signInKind)
	}
}
