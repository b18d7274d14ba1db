// Package smtptest runs a real SMTP server on loopback that records what it
// receives, for tests of email delivery: the delivery package's own tests
// and the end-to-end tests of cmd/userpool both speak real SMTP to it.
package smtptest

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one received email.
type Message struct {
	From    string
	To      []string
	Header  mail.Header
	Body    string // the raw body after the header (MIME parts undecoded)
	Raw     []byte
	Arrived time.Time
}

// Server is a recording SMTP server.
type Server struct {
	Addr string

	srv     *smtp.Server
	mu      sync.Mutex
	msgs    []Message
	arrived chan struct{} // closed and replaced on every message
	delay   time.Duration
}

// Option changes a Server.
type Option func(*Server)

// WithDataDelay makes the server wait d before accepting each message's
// data, so deliveries can be caught in flight.
func WithDataDelay(d time.Duration) Option { return func(s *Server) { s.delay = d } }

// Start runs a server on 127.0.0.1:0 until the test ends.
func Start(t testing.TB, opts ...Option) *Server { return StartOn(t, "127.0.0.1:0", opts...) }

// StartOn runs a server on addr (e.g. one a test reserved earlier, to bring
// a "down" server back up) until the test ends.
func StartOn(t testing.TB, addr string, opts ...Option) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen %s: %v", addr, err)
	}
	s := &Server{Addr: ln.Addr().String(), arrived: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "smtptest.local"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	s.srv.MaxMessageBytes = 10 << 20
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(s.Close)
	return s
}

// Close stops the server; connections in progress are cut.
func (s *Server) Close() { _ = s.srv.Close() }

// Messages returns a copy of what arrived so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait blocks until at least n messages arrived or ctx ends, and returns
// what arrived.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		msgs, ch := append([]Message(nil), s.msgs...), s.arrived
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return msgs, ctx.Err()
		}
	}
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if x.s.delay > 0 {
		time.Sleep(x.s.delay)
	}
	m := Message{From: x.from, To: x.to, Raw: raw, Arrived: time.Now()}
	if parsed, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = parsed.Header
		body, _ := io.ReadAll(parsed.Body)
		m.Body = string(body)
	}
	x.s.record(m)
	return nil
}
