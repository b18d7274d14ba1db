package userpool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// InboxMessage is one outbox entry as the development API shows it: the
// unmasked destination, the rendered message and the code, so test authors
// read codes without scraping a mailbox and without the AWS-shaped
// responses ever revealing one.
type InboxMessage struct {
	ID               int64     `json:"id"`
	UserPoolId       string    `json:"userPoolId"`
	Username         string    `json:"username"`
	Purpose          string    `json:"purpose"`
	Medium           string    `json:"medium"`
	Destination      string    `json:"destination"`
	Subject          string    `json:"subject"`
	Body             string    `json:"body"`
	Code             string    `json:"code"`
	Status           string    `json:"status"`
	SuppressedReason string    `json:"suppressedReason,omitempty"`
	CreatedAt        time.Time `json:"createdAt"`
	// ExpiresAt is when the code or temporary password stops working
	// (absent when it never does).
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// InboxFilter selects inbox messages. Username may be any name that
// resolves to the user (alias, sub, email in email-as-username pools).
// After is a message ID and Since a time on the service's clock (the
// development clock, when it was moved): only messages above After and
// created after Since match.
type InboxFilter struct {
	UserPoolId  string
	Username    string
	Destination string
	Purpose     string // one of MessagePurposes, or "" for all
	After       int64
	Since       time.Time
	Limit       int
}

// Inbox lists messages newest first, and waits up to wait for one newer than
// f.After when none matches yet (a long poll). The wait ends early, with
// what the inbox has, when the server shuts down (EndWaits).
func (s *Service) Inbox(ctx context.Context, f InboxFilter, wait time.Duration) ([]InboxMessage, error) {
	sf, err := s.inboxFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	// The wait is a real duration (how long a client holds a connection),
	// not a time rule, so the wall clock measures it.
	deadline := time.Now().Add(wait)
	for waited := false; ; waited = true {
		signal, ended := s.msgSignal.current()
		msgs, err := s.store.ListMessages(ctx, sf)
		if err != nil || len(msgs) > 0 || ended || !time.Now().Before(deadline) {
			return inboxMessages(msgs), err
		}
		if !waited {
			s.log.Debug("inbox long poll waiting", "after", f.After, "wait", wait)
		}
		// Wake on a message from this process, or poll for one written by
		// another process sharing the database.
		t := time.NewTimer(min(250*time.Millisecond, time.Until(deadline)))
		select {
		case <-signal:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
		t.Stop()
	}
}

func (s *Service) inboxFilter(ctx context.Context, f InboxFilter) (store.MessageFilter, error) {
	sf := store.MessageFilter{PoolID: f.UserPoolId, Username: f.Username, Destination: f.Destination,
		Purpose: f.Purpose, AfterID: f.After, CreatedAfter: f.Since, Limit: f.Limit}
	if f.UserPoolId != "" && f.Username != "" {
		pool, err := s.loadPool(ctx, s.store, f.UserPoolId)
		if err != nil {
			return sf, err
		}
		u, err := s.findUser(ctx, s.store, pool, f.Username)
		if err == nil {
			sf.Username = u.Username
		} else if !errors.Is(err, store.ErrNotFound) {
			return sf, err
		}
	}
	return sf, nil
}

func inboxMessages(msgs []*store.Message) []InboxMessage {
	out := make([]InboxMessage, 0, len(msgs))
	for _, m := range msgs {
		im := InboxMessage{ID: m.ID, UserPoolId: m.PoolID, Username: m.Username, Purpose: m.Purpose,
			Medium: m.Medium, Destination: m.Destination, Subject: m.Subject, Body: m.Body, Code: m.Code,
			Status: m.Status, SuppressedReason: m.SuppressedReason, CreatedAt: m.CreatedAt}
		if !m.ExpiresAt.IsZero() {
			im.ExpiresAt = &m.ExpiresAt
		}
		out = append(out, im)
	}
	return out
}

// signal is a broadcast: current returns a channel that is closed at the
// next fire, and whether end was called; after end every channel it
// returns is closed already, so nobody waits any more.
type signal struct {
	mu    sync.Mutex
	ch    chan struct{}
	ended bool
}

func (s *signal) current() (<-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
		if s.ended {
			close(s.ch)
		}
	}
	return s.ch, s.ended
}

func (s *signal) fire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil && !s.ended {
		close(s.ch)
		s.ch = nil
	}
}

func (s *signal) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.ended = true
		if s.ch != nil {
			close(s.ch)
		}
	}
}

// EndWaits ends every inbox long poll, now and later: each answers at once
// with what the inbox has. The server calls it when it shuts down, so a
// test's or an inbox page's 50-second poll does not hold the shutdown up.
func (s *Service) EndWaits() { s.msgSignal.end() }

// queued reports messages committed to the outbox for delivery: it wakes
// inbox long polls and calls the MessageQueued hook once per message.
func (s *Service) queued(media ...string) {
	s.msgSignal.fire()
	if s.cfg.MessageQueued != nil {
		for _, m := range media {
			s.cfg.MessageQueued(m)
		}
	}
}

// DevClock is a clock the development API can move forward, so tests see
// codes expire and limit windows slide in milliseconds instead of hours;
// moving it back clamps what it stamped ahead (devclock.go).
type DevClock struct {
	offset atomic.Int64
	moves  devClockMoves
}

// Now is the real time plus the offset.
func (c *DevClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Advance moves the clock forward by d.
func (c *DevClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// Reset returns to real time (ReturnToRealTime without a context).
func (c *DevClock) Reset() { _ = c.ReturnToRealTime(context.Background()) }

// Offset reports how far the clock is ahead of real time.
func (c *DevClock) Offset() time.Duration { return time.Duration(c.offset.Load()) }
