package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/wneessen/go-mail"

	"github.com/userpool/userpool/internal/store"
)

// SMTP sends email through an SMTP relay. It is safe for concurrent use:
// each message gets its own connection, which also means a broken
// connection can never poison later sends.
type SMTP struct {
	host        string
	port        int
	tlsMode     string // "starttls", "implicit" or "none"
	user, pass  string
	insecure    bool // skip certificate verification
	defaultFrom *netmail.Address
}

// TLS modes of the "tls" URL parameter, with their default ports.
var smtpPorts = map[string]int{"starttls": 587, "implicit": 465, "none": 25}

// NewSMTP returns an SMTP sender for a relay URL of the form
//
//	smtp://[user[:password]@]host[:port][?tls=starttls|implicit|none][&insecure-skip-verify=true]
//
// tls defaults to starttls (RFC 3207, mandatory: a relay that does not offer
// it is an error, never a silent downgrade); implicit is TLS from the first
// byte (RFC 8314, "SMTPS"); none is plain text and is meant for a local
// relay or mail sink. The port defaults to 587, 465 or 25 accordingly. With a
// user, the sender authenticates with AUTH PLAIN or LOGIN. Credentials are
// never sent without TLS except to a loopback host.
//
// insecure-skip-verify=true accepts any server certificate. It is UNSAFE:
// anyone on the path can impersonate the relay and read every reset code.
// It exists for tests and for self-signed relays on a trusted network.
//
// defaultFrom is the From address of messages whose pool set none (a pool's
// EmailConfiguration.From, kept in the message, takes precedence).
func NewSMTP(rawURL, defaultFrom string) (*SMTP, error) {
	s, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("delivery: SMTP URL: %w", err)
	}
	if s.defaultFrom, err = parseFrom(defaultFrom); err != nil {
		return nil, fmt.Errorf("delivery: default From address: %w", err)
	}
	return s, nil
}

// parseSMTPURL validates the URL. Errors never repeat the URL itself, which
// may hold a password.
func parseSMTPURL(rawURL string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("cannot parse it: %v", err)
	}
	switch {
	case u.Scheme != "smtp":
		return nil, fmt.Errorf("scheme is %q, want \"smtp\" (choose TLS with ?tls=starttls|implicit|none)", u.Scheme)
	case u.Opaque != "" || u.Hostname() == "":
		return nil, errors.New("no host (want smtp://host:port)")
	case u.Path != "" && u.Path != "/":
		return nil, fmt.Errorf("unexpected path %q", u.Path)
	case u.Fragment != "":
		return nil, errors.New("unexpected #fragment")
	}
	s := &SMTP{host: u.Hostname(), tlsMode: "starttls"}
	if err := s.parseQuery(u.Query()); err != nil {
		return nil, err
	}
	if s.port, err = parsePort(u.Port(), smtpPorts[s.tlsMode]); err != nil {
		return nil, err
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" {
			return nil, errors.New("a password without a user name")
		}
	}
	if s.user != "" && s.tlsMode == "none" && !isLoopback(s.host) {
		return nil, fmt.Errorf("refusing to send credentials in clear text to %s; use tls=starttls or tls=implicit", s.host)
	}
	return s, nil
}

func (s *SMTP) parseQuery(q url.Values) error {
	for key, values := range q {
		if len(values) != 1 {
			return fmt.Errorf("parameter %q given %d times", key, len(values))
		}
		switch v := values[0]; key {
		case "tls":
			if _, ok := smtpPorts[v]; !ok {
				return fmt.Errorf("tls=%q, want starttls, implicit or none", v)
			}
			s.tlsMode = v
		case "insecure-skip-verify":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("insecure-skip-verify=%q, want true or false", v)
			}
			s.insecure = b
		default:
			return fmt.Errorf("unknown parameter %q (known: tls, insecure-skip-verify)", key)
		}
	}
	if s.insecure && s.tlsMode == "none" {
		return errors.New("insecure-skip-verify means nothing with tls=none")
	}
	return nil
}

func parsePort(p string, def int) (int, error) {
	if p == "" {
		return def, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", p)
	}
	return n, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the relay without its credentials, for startup logs.
func (s *SMTP) String() string {
	return fmt.Sprintf("smtp://%s?tls=%s", net.JoinHostPort(s.host, strconv.Itoa(s.port)), s.tlsMode)
}

// Send delivers m in one SMTP session. The session is bound to ctx: when
// ctx ends the connection is closed, so a relay that stops answering in the
// middle of a session cannot hold the worker past its lease.
func (s *SMTP) Send(ctx context.Context, m *store.Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: message %d: %w", m.ID, err))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // also closes the connection, see dialer
	client, err := mail.NewClient(s.host, s.options(ctx)...)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s, err)
	}
	err = client.DialAndSendWithContext(ctx, msg)
	if msg.IsDelivered() {
		// The relay accepted the message (250 after DATA). A failure after
		// that, such as a QUIT that got no answer, must not cause a resend.
		return nil
	}
	if err == nil {
		return fmt.Errorf("smtp %s: message was not accepted", s)
	}
	return s.classify(ctx, err)
}

// options configures a go-mail client for one send. A client per send is
// cheap and keeps go-mail's mutable per-session state (it rewrites its auth
// type while negotiating) out of reach of concurrent sends.
func (s *SMTP) options(ctx context.Context) []mail.Option {
	opts := []mail.Option{
		mail.WithPort(s.port),
		mail.WithTLSConfig(s.tlsConfig()),
		mail.WithDialContextFunc(s.dialer(ctx)),
	}
	switch s.tlsMode {
	case "implicit":
		opts = append(opts, mail.WithSSL()) // no STARTTLS on a TLS connection
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.user != "" {
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(s.user), mail.WithPassword(s.pass))
	}
	return opts
}

func (s *SMTP) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         s.host,
		InsecureSkipVerify: s.insecure, //nolint:gosec // opt-in, documented as unsafe
		MinVersion:         tls.VersionTLS12,
	}
}

// dialer opens the connection (TLS from the start in implicit mode) and
// ties its life to ctx. go-mail applies ctx only to the dial itself; closing
// the socket when ctx ends is what interrupts a session stuck later on.
func (s *SMTP) dialer(ctx context.Context) mail.DialContextFunc {
	return func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if s.tlsMode == "implicit" {
			td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
			conn, err = td.DialContext(dialCtx, network, addr)
		} else {
			conn, err = d.DialContext(dialCtx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
}

// classify decides whether a failed session is worth retrying. Only a 5xx
// reply to the message's own transaction (MAIL FROM, RCPT TO, DATA) is
// permanent: the relay refused this sender, recipient or content, and will
// refuse it again. Everything else is retried: connection failures, 4xx
// replies, timeouts, and also 5xx replies while setting up the session
// (greeting, EHLO, STARTTLS, AUTH). Those describe the relay or our
// configuration, not the message; treating them as permanent would
// dead-letter every queued reset code because of one wrong password.
func (s *SMTP) classify(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("smtp %s: %w: %v", s, ctxErr, err)
	}
	err = fmt.Errorf("smtp %s: %w", s, err)
	var se *mail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		switch se.Reason {
		case mail.ErrSMTPMailFrom, mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
			return Permanent(err)
		}
	}
	return err
}

// parseFrom parses a From address, which may carry a display name
// ("Example <no-reply@example.com>", as Cognito's EmailConfiguration.From
// allows), and requires a domain for the Message-ID.
func parseFrom(from string) (*netmail.Address, error) {
	if from == "" {
		return nil, errors.New("empty")
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", from, err)
	}
	if _, domain, _ := strings.Cut(addr.Address, "@"); domain == "" {
		return nil, fmt.Errorf("%q has no domain", from)
	}
	return addr, nil
}
