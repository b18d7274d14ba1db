package store

import (
	"context"
	"time"
)

// TimeRules is the part of the Store contract behind the time rules of
// issue 14: a code entry that was no guess given back, Cognito's
// exponential sign-in lockout, and state stamped after a clock that moved
// back. Every Store implements it.
type TimeRules interface {
	// ReturnAttempt gives back an attempt TakeAttempt took at at: it
	// deletes one attempt of kind by subject stamped at, if there is one
	// (a store that already moved or discarded it has nothing to give
	// back, which errs on the strict side). Callers use it for an attempt
	// that turned out not to be a guess, counted first so that concurrent
	// guesses never see a count too low.
	ReturnAttempt(ctx context.Context, poolID, subject, kind string, at time.Time) error

	// TakeBackoff takes one attempt of kind by subject at now under the
	// exponential lockout b (see Backoff) and reports whether it is
	// allowed. Atomically: N concurrent calls get exactly the answers N
	// calls one after the other would get, so a burst of N gets no more
	// than b.Free allowed. A store keeps one small record per key (its
	// BackoffState); ClearAttempts of the kind forgets it, PruneAttempts
	// deletes it once last seen at or before its cutoff, and it goes with
	// the pool, which must exist (ErrNotFound).
	TakeBackoff(ctx context.Context, poolID, subject, kind string, now time.Time, b Backoff) (bool, error)

	// ClampFuture rewrites what is stamped after now as if it had happened
	// at now, for a clock that moved backwards (the development clock
	// reset, or a restart after it ran ahead). Restrictions recorded after
	// now are forgotten, so that a moved clock never leaves one longer
	// than its own length: attempts stamped after now are deleted, and so
	// are lockout records whose latest allowed attempt is after now (one
	// only refused after now keeps its count, last seen at now). What a
	// caller holds is re-based instead: a code, refresh token or message
	// created after now is created at now and expires as long after now
	// as it did after its creation (a zero ExpiresAt stays zero). Every
	// other time after now — creation and change times of pools, clients,
	// users and signing keys, PasswordChangedAt, a token's AuthTime, a
	// message's SentAt — becomes now. Delivery scheduling (NextAttemptAt,
	// LockedUntil, delivery attempt times) is left alone: the delivery
	// worker keeps it in real time. It runs as one transaction and returns
	// how many records it changed.
	ClampFuture(ctx context.Context, now time.Time) (int64, error)
}

// Backoff is an exponential lockout rule for TakeBackoff, the shape of
// Cognito's sign-in lockout: Free attempts in a row are allowed; after
// that, every allowed attempt locks the key out for a while — First after
// attempt number Free, twice as long after each further one, at most
// Longest — and attempts inside a lockout are refused without lengthening
// it. A key with no attempt at all, allowed or refused, for Quiet starts
// over. ClearAttempts of the key starts it over too.
type Backoff struct {
	Free    int           // attempts allowed before the first lockout (<= 0: none is ever allowed)
	First   time.Duration // the first lockout
	Longest time.Duration // the cap on a lockout
	Quiet   time.Duration // a pause this long forgets the count
}

// BackoffState is what a store keeps per key for TakeBackoff.
type BackoffState struct {
	Allowed     int64     // attempts allowed since the key last started over
	LastAllowed time.Time // the latest allowed attempt
	LastSeen    time.Time // the latest attempt, allowed or refused
}

// Lockout is how long the key stays locked after its allowed-th allowed
// attempt: 0 while allowed < Free, then First doubled allowed-Free times,
// capped at Longest.
func (b Backoff) Lockout(allowed int64) time.Duration {
	if allowed < int64(b.Free) || b.First <= 0 {
		return 0
	}
	d := b.First
	for i := int64(b.Free); i < allowed && d < b.Longest; i++ {
		d *= 2
	}
	return min(d, b.Longest)
}

// Take decides an attempt at now on state st and returns the state to
// keep. Every backend applies this one function under its own lock, so
// they cannot disagree on the rule. An attempt stamped before the latest
// one (a caller that read the clock earlier but got the lock later) is
// judged at its own time and never moves the stamps back.
func (b Backoff) Take(st BackoffState, now time.Time) (BackoffState, bool) {
	if st.Allowed > 0 && now.Sub(st.LastSeen) >= b.Quiet {
		st = BackoffState{}
	}
	allowed := b.Free > 0 && !now.Before(st.LastAllowed.Add(b.Lockout(st.Allowed)))
	if allowed {
		st.Allowed++
		st.LastAllowed = later(st.LastAllowed, now)
	}
	st.LastSeen = later(st.LastSeen, now)
	return st, allowed
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
