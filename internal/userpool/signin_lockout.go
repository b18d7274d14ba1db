package userpool

import (
	"context"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Sign-in lockout. Cognito locks a user out after five failed sign-ins,
// answering NotAuthorizedException "Password attempts exceeded" (spec §6
// InitiateAuth). AWS documents the schedule: after five failures, one
// second; each further failure doubles it, up to about 15 minutes; attempts
// during a lockout are refused and do not lengthen it; a successful sign-in
// after a lockout, or 15 minutes without any attempt, start over.
//
// userpool follows that schedule with Limits.SignIns free failures (5),
// a first lockout of SignInLockout (1 s) and SignInWindow (15 min) as both
// the longest lockout and the quiet time that starts over: after the n-th
// failure in a row, n >= SignIns, the user is locked out for
// SignInLockout × 2^(n-SignIns), at most SignInWindow — Cognito's 2^(n-5)
// seconds. So by default the 6th attempt may come 1 s after the 5th
// failure, the 7th 2 s after the 6th, then 4 s, 8 s, ..., 512 s after the
// 14th, and 15 minutes after the 15th and every later one.
//
// Every password sign-in attempt is counted atomically before the
// password is checked (store.TakeBackoff), as if it failed: a burst of
// parallel guesses gets no more evaluations than the schedule allows —
// the check-then-act race a "count failures afterwards" design would
// have. The right password then clears the count, so what is counted is
// exactly the failures in a row. A completed password reset and an
// AdminSetUserPassword clear it too (endLockout).

// signInKind is the attempt kind of password sign-ins.
const signInKind = string(attemptSignIn) + ":password"

// signInBackoff is the lockout schedule of l.
func (l Limits) signInBackoff() store.Backoff {
	return store.Backoff{Free: l.SignIns, First: l.SignInLockout, Longest: l.SignInWindow, Quiet: l.SignInWindow}
}

// signInGate counts one sign-in attempt by subject at now and refuses it
// during a lockout, before any password is checked.
func (s *Service) signInGate(ctx context.Context, now time.Time, poolID, subject string) error {
	l := s.cfg.Limits
	if l.SignIns <= 0 {
		return nil
	}
	ok, err := s.store.TakeBackoff(ctx, poolID, subject, signInKind, now, l.signInBackoff())
	if err != nil {
		return err
	}
	if !ok {
		return errPasswordAttemptsExceeded
	}
	return nil
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
