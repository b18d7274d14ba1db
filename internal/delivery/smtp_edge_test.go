package delivery_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/delivery"
)

func TestSMTPHungServerRespectsContext(t *testing.T) {
	// A server that accepts the connection and then says nothing.
	addr := scriptedServer(t, func(net.Conn) {})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := newSMTP(t, "smtp://"+addr+"?tls=none").Send(ctx, emailMessage(1))
	if err == nil || delivery.IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a retryable deadline error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Send took %v after its context ended", d)
	}
}

// TestSMTPAcceptedThenHangUp: once the relay has answered 250 to the data,
// the message is delivered, even if the connection then breaks before QUIT.
// Reporting a failure would resend a message the user already has.
func TestSMTPAcceptedThenHangUp(t *testing.T) {
	accepted := make(chan struct{})
	addr := scriptedServer(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		reply := func(s string) { c.Write([]byte(s + "\r\n")) }
		reply("220 localhost ESMTP")
		for inData := false; ; {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			switch cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0]); {
			case inData && line == ".":
				reply("250 2.0.0 queued as 1")
				close(accepted)
				c.Close() // and gone, before RSET and QUIT
				return
			case inData:
			case cmd == "EHLO":
				reply("250-localhost\r\n250 8BITMIME")
			case cmd == "DATA":
				inData = true
				reply("354 go ahead")
			default: // NOOP, MAIL, RCPT
				reply("250 ok")
			}
		}
	})
	if err := newSMTP(t, "smtp://"+addr+"?tls=none").Send(t.Context(), emailMessage(1)); err != nil {
		t.Errorf("Send = %v after the relay accepted the message", err)
	}
	select {
	case <-accepted:
	default:
		t.Error("the relay never received the message")
	}
}

func TestNewSMTPURL(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"smtp://mail.example.com", "smtp://mail.example.com:587?tls=starttls"},
		{"smtp://mail.example.com?tls=implicit", "smtp://mail.example.com:465?tls=implicit"},
		{"smtp://localhost?tls=none", "smtp://localhost:25?tls=none"},
		{"smtp://u:secret@mail.example.com:2525/?tls=starttls&insecure-skip-verify=false", "smtp://mail.example.com:2525?tls=starttls"},
		{"smtp://u:secret@[::1]:1025?tls=none", "smtp://[::1]:1025?tls=none"},
	} {
		s, err := delivery.NewSMTP(tc.url, "no-reply@example.com")
		if err != nil {
			t.Errorf("NewSMTP(%q): %v", tc.url, err)
			continue
		}
		if got := s.String(); got != tc.want {
			t.Errorf("NewSMTP(%q) = %s, want %s", tc.url, got, tc.want)
		}
	}
}

func TestNewSMTPRejects(t *testing.T) {
	for _, tc := range []struct{ url, from, want string }{
		{"smtps://mail.example.com", "", `scheme is "smtps"`},
		{"http://mail.example.com", "", `scheme is "http"`},
		{"smtp://", "", "no host"},
		{"smtp:mail.example.com", "", "no host"},
		{"smtp://mail.example.com/inbox", "", "unexpected path"},
		{"smtp://mail.example.com:0", "", "port"},
		{"smtp://mail.example.com:70000", "", "port"},
		{"smtp://mail.example.com?tls=ssl", "", `tls="ssl"`},
		{"smtp://mail.example.com?tls=none&tls=implicit", "", "given 2 times"},
		{"smtp://mail.example.com?insecure-skip-verify=yes please", "", "insecure-skip-verify"},
		{"smtp://mail.example.com?tls=none&insecure-skip-verify=true", "", "means nothing"},
		{"smtp://mail.example.com?skip_ssl_verify=true", "", `unknown parameter "skip_ssl_verify"`},
		{"smtp://:secret@mail.example.com", "", "without a user"},
		{"smtp://u:secret@mail.example.com?tls=none", "", "clear text"},
		{"smtp://u:secret@mail.example.com:bad", "", "cannot parse"},
		{"smtp://mail.example.com", "-", "default From"},
		{"smtp://mail.example.com", "nobody", "default From"},
	} {
		from := tc.from
		switch from {
		case "":
			from = "no-reply@example.com"
		case "-":
			from = ""
		}
		_, err := delivery.NewSMTP(tc.url, from)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSMTP(%q, %q) = %v, want an error containing %q", tc.url, from, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("NewSMTP(%q): error repeats the password: %v", tc.url, err)
		}
	}
}
