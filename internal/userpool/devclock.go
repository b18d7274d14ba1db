package userpool

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The development clock without lasting damage (issue 14 item 1).
//
// DevClock is real time plus an offset that only the development API (and
// tests) move. State is stamped with it: attempt rows, lockout records,
// codes, messages, refresh tokens. Moved forward, it makes codes expire
// and windows slide. Moved back — a reset, a set to an earlier time, or a
// restart, which always starts at real time — everything stamped while it
// was ahead would lie in the future: a user locked out for the whole
// advanced span (attempts after now still count), a code valid for its
// lifetime plus the span.
//
// So the clock never runs behind real time (the offset is never
// negative), and whenever it moves back, the services reading it clamp
// the state stamped after the new time (store.ClampFuture): restrictions
// recorded ahead (attempts, lockouts) are forgotten, as if they had not
// happened yet; what a test holds (codes, messages, refresh tokens) is
// re-based to now, keeping its lifetime; every other stamp ahead becomes
// now. A service on a DevClock clamps once at start as well (New), for
// what a previous run stamped ahead of the real time it starts at.
//
// Why not persist the offset? A restart would then keep the clock ahead,
// but a reset would still leave the future state behind; clamping covers
// both. Requests in flight while the clock moves back may still commit a
// stamp from before the move: the next move back or start clamps it.
// Self-contained tokens (access, id, challenge sessions) are not state:
// one minted ahead keeps its exp.

// ErrClockBeforeRealTime refuses a move of the development clock to before
// real time.
var ErrClockBeforeRealTime = errors.New("the development clock never runs behind real time (reset returns to it)")

// devClockMoves serialises moves of a DevClock and holds the functions to
// run after a move back.
type devClockMoves struct {
	mu     sync.Mutex
	rewind []func(context.Context) error
}

// OnRewind registers fn to run after every move of the clock back, with
// the move's context; New registers the service's clamp.
func (c *DevClock) OnRewind(fn func(context.Context) error) {
	c.moves.mu.Lock()
	defer c.moves.mu.Unlock()
	c.moves.rewind = append(c.moves.rewind, fn)
}

// Set moves the clock to t. A t before real time is refused with
// ErrClockBeforeRealTime, except within a second of it, which counts as
// real time (a client's idea of "now" is a little old by the time it
// arrives). A move back runs the rewind functions and returns their
// errors; the clock has moved either way.
func (c *DevClock) Set(ctx context.Context, t time.Time) error {
	offset := time.Until(t)
	if offset < -time.Second {
		return ErrClockBeforeRealTime
	}
	return c.moveTo(ctx, max(offset, 0))
}

// ReturnToRealTime resets the offset to zero, running the rewind functions
// if the clock was ahead.
func (c *DevClock) ReturnToRealTime(ctx context.Context) error { return c.moveTo(ctx, 0) }

func (c *DevClock) moveTo(ctx context.Context, offset time.Duration) error {
	c.moves.mu.Lock()
	defer c.moves.mu.Unlock()
	if time.Duration(c.offset.Swap(int64(offset))) <= offset {
		return nil
	}
	var errs []error
	for _, fn := range c.moves.rewind {
		errs = append(errs, fn(ctx))
	}
	return errors.Join(errs...)
}

// clampFuture is the rewind function of a service on a DevClock: it
// clamps the state stamped after the service's now (store.ClampFuture).
func (s *Service) clampFuture(ctx context.Context) error {
	now := s.now()
	n, err := s.store.ClampFuture(ctx, now)
	if err != nil {
		s.log.Error("clamping state stamped after the development clock failed", "now", now, "error", err)
		return err
	}
	if n > 0 {
		s.log.Info("development clock behind stamped state: clamped", "now", now, "records", n)
	}
	return nil
}
