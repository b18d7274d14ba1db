package store

import "time"

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
