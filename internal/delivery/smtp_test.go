package delivery_test

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/store"
)

const defaultFrom = "Userpool <no-reply@userpool.test>"

func newSMTP(t *testing.T, url string) *delivery.SMTP {
	t.Helper()
	s, err := delivery.NewSMTP(url, defaultFrom)
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", url, err)
	}
	return s
}

func emailMessage(id int64) *store.Message {
	return &store.Message{
		ID: id, PoolID: "us-east-1_Test", Username: "alice", Purpose: "RESET", Medium: "EMAIL",
		Destination: "alice@example.com", Subject: "Your verification code",
		Body: "Your password reset code is 123456", Code: "123456",
		CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
	}
}

// sendOne sends m and returns the one message the sink received.
func sendOne(t *testing.T, s *delivery.SMTP, k *sink, m *store.Message) received {
	t.Helper()
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := k.received()
	if len(got) != 1 {
		t.Fatalf("sink received %d messages, want 1", len(got))
	}
	return got[0]
}

func TestSMTPPlainText(t *testing.T) {
	k := startSink(t, sinkConfig{tls: "none"})
	r := sendOne(t, newSMTP(t, "smtp://"+k.addr+"?tls=none"), k, emailMessage(41))

	if r.From != "no-reply@userpool.test" || len(r.To) != 1 || r.To[0] != "alice@example.com" {
		t.Errorf("envelope = %q -> %q", r.From, r.To)
	}
	if r.TLS || r.User != "" {
		t.Errorf("TLS = %v, AUTH user = %q; want neither", r.TLS, r.User)
	}
	p := parseMail(t, r.Data)
	for name, want := range map[string]string{
		"From":           `"Userpool" <no-reply@userpool.test>`,
		"To":             "<alice@example.com>",
		"Message-Id":     "<userpool-outbox-41@userpool.test>",
		"Date":           "Wed, 04 Mar 2026 05:06:07 +0000",
		"Auto-Submitted": "auto-generated",
		"Reply-To":       "",
	} {
		if got := p.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if p.Subject != "Your verification code" || p.ContentType != "text/plain" {
		t.Errorf("Subject %q, Content-Type %q", p.Subject, p.ContentType)
	}
	if p.Text != "Your password reset code is 123456" || p.HTML != "" {
		t.Errorf("text %q, html %q", p.Text, p.HTML)
	}
}

func TestSMTPTLSAndAuth(t *testing.T) {
	for _, tc := range []struct {
		name, tls, query string
		mechs            []string
	}{
		{"starttls+plain", "starttls", "insecure-skip-verify=true", []string{sasl.Plain}},
		{"starttls+login", "starttls", "tls=starttls&insecure-skip-verify=true", []string{sasl.Login}},
		{"implicit+plain", "implicit", "tls=implicit&insecure-skip-verify=true", []string{sasl.Login, sasl.Plain}},
		{"none+login on loopback", "none", "tls=none", []string{sasl.Login}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := startSink(t, sinkConfig{tls: tc.tls, user: "relay user", pass: "p@ss:w/rd", mechs: tc.mechs})
			url := "smtp://relay%20user:p%40ss%3Aw%2Frd@" + k.addr + "?" + tc.query
			r := sendOne(t, newSMTP(t, url), k, emailMessage(1))
			if r.TLS != (tc.tls != "none") {
				t.Errorf("session TLS = %v", r.TLS)
			}
			if r.User != "relay user" || r.Pass != "p@ss:w/rd" {
				t.Errorf("AUTH %s as %q/%q", r.Mech, r.User, r.Pass)
			}
			if want := tc.mechs[len(tc.mechs)-1]; len(tc.mechs) == 1 && r.Mech != want {
				t.Errorf("mechanism %s, want %s", r.Mech, want)
			}
			if r.Mech != sasl.Plain && r.Mech != sasl.Login {
				t.Errorf("mechanism %q", r.Mech)
			}
		})
	}
}

func TestSMTPRefusesWhatItCannotTrust(t *testing.T) {
	t.Run("starttls required but not offered", func(t *testing.T) {
		k := startSink(t, sinkConfig{tls: "none"})
		err := newSMTP(t, "smtp://"+k.addr).Send(t.Context(), emailMessage(1))
		if err == nil || delivery.IsPermanent(err) || len(k.received()) != 0 {
			t.Fatalf("err = %v (permanent %v), received %d; want a retryable failure and nothing sent",
				err, delivery.IsPermanent(err), len(k.received()))
		}
	})
	t.Run("unverified certificate", func(t *testing.T) {
		for _, mode := range []string{"starttls", "implicit"} {
			k := startSink(t, sinkConfig{tls: mode})
			err := newSMTP(t, "smtp://"+k.addr+"?tls="+mode).Send(t.Context(), emailMessage(1))
			var certErr *tls.CertificateVerificationError
			if !errors.As(err, &certErr) && (err == nil || !strings.Contains(err.Error(), "certificate")) {
				t.Errorf("%s: err = %v, want a certificate error", mode, err)
			}
			if len(k.received()) != 0 {
				t.Errorf("%s: a message was sent over an unverified connection", mode)
			}
		}
	})
}

func TestSMTPHTMLBody(t *testing.T) {
	k := startSink(t, sinkConfig{tls: "none"})
	m := emailMessage(7)
	m.Body = `<html><head><title>t</title><style>p{color:red}</style></head><body>` +
		"<h1>Reset&nbsp;your password</h1>\n<p>Your code is <b>123456</b>.</p>" +
		`<p>Tom &amp; Jerry &lt;3<br>Visit <a href="https://example.com/r?a=1&amp;b=2">the page</a></p>` +
		"<!-- hidden --></body></html>"
	p := parseMail(t, sendOne(t, newSMTP(t, "smtp://"+k.addr+"?tls=none"), k, m).Data)

	if p.ContentType != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", p.ContentType)
	}
	if p.HTML != m.Body {
		t.Errorf("html part changed:\n%s", p.HTML)
	}
	want := "Reset your password\n\nYour code is 123456.\n\nTom & Jerry <3\nVisit the page (https://example.com/r?a=1&b=2)"
	if p.Text != want {
		t.Errorf("text part:\n%q\nwant\n%q", p.Text, want)
	}
}

func TestSMTPNotHTML(t *testing.T) {
	// Angle brackets alone are not markup: these stay text/plain.
	k := startSink(t, sinkConfig{tls: "none"})
	s := newSMTP(t, "smtp://"+k.addr+"?tls=none")
	for i, body := range []string{"code 123456 < 2 > 1", "write to <help@example.com>", "<3 123456"} {
		m := emailMessage(int64(i + 1))
		m.Body = body
		if err := s.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		p := parseMail(t, k.received()[i].Data)
		if p.ContentType != "text/plain" || p.Text != body {
			t.Errorf("%q sent as %s %q", body, p.ContentType, p.Text)
		}
	}
}

func TestSMTPFromOverrideAndReplyTo(t *testing.T) {
	k := startSink(t, sinkConfig{tls: "none"})
	m := emailMessage(9)
	m.From = "Example Corp <Auth@Mail.Example.org>"
	m.ReplyTo = "support@example.org"
	r := sendOne(t, newSMTP(t, "smtp://"+k.addr+"?tls=none"), k, m)
	p := parseMail(t, r.Data)

	if r.From != "Auth@Mail.Example.org" {
		t.Errorf("envelope from %q", r.From)
	}
	if got := p.Header.Get("From"); got != `"Example Corp" <Auth@Mail.Example.org>` {
		t.Errorf("From %q", got)
	}
	if got := p.Header.Get("Reply-To"); got != "<support@example.org>" {
		t.Errorf("Reply-To %q", got)
	}
	if got := p.Header.Get("Message-Id"); got != "<userpool-outbox-9@mail.example.org>" {
		t.Errorf("Message-ID %q", got)
	}
}

func TestSMTPMessageIDIsStable(t *testing.T) {
	k := startSink(t, sinkConfig{tls: "none"})
	s := newSMTP(t, "smtp://"+k.addr+"?tls=none")
	for _, id := range []int64{5, 5, 6} {
		if err := s.Send(t.Context(), emailMessage(id)); err != nil {
			t.Fatal(err)
		}
	}
	got := k.received()
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = parseMail(t, r.Data).Header.Get("Message-Id")
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[1] == ids[2] {
		t.Errorf("Message-IDs %q: want the resend of 5 equal and 6 different", ids)
	}
}

func TestSMTPErrorClasses(t *testing.T) {
	reject := func(code int) func(string) error {
		return func(string) error { return &smtp.SMTPError{Code: code, Message: "mailbox <alice@example.com> said no"} }
	}
	refused := func(t *testing.T) string { // an address nobody listens on
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	for _, tc := range []struct {
		name      string
		cfg       sinkConfig
		user      string
		permanent bool
	}{
		{"recipient rejected 550", sinkConfig{tls: "none", rcptErr: reject(550)}, "", true},
		{"recipient deferred 450", sinkConfig{tls: "none", rcptErr: reject(450)}, "", false},
		{"auth failed 535", sinkConfig{tls: "none", user: "u", pass: "right"}, "u:wrong@", false},
		{"connection refused", sinkConfig{addr: "refused"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var addr string
			if tc.cfg.addr == "refused" {
				addr = refused(t)
			} else {
				addr = startSink(t, tc.cfg).addr
			}
			err := newSMTP(t, "smtp://"+tc.user+addr+"?tls=none").Send(t.Context(), emailMessage(1))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if delivery.IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v (err: %v)", !tc.permanent, tc.permanent, err)
			}
		})
	}
	t.Run("invalid recipient address", func(t *testing.T) {
		m := emailMessage(1)
		m.Destination = "not an address"
		err := newSMTP(t, "smtp://127.0.0.1:1?tls=none").Send(t.Context(), m)
		if !delivery.IsPermanent(err) {
			t.Errorf("err = %v, want permanent", err)
		}
	})
}
