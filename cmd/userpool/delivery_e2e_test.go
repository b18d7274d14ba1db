package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/smtptest"
)

var sixDigitsRe = regexp.MustCompile(`\b[0-9]{6}\b`)

// recoveryPool creates a pool whose reset email uses a branded template and
// a sender of its own, a client, and n users with verified emails
// user<i>@example.com (password Passw0rd!).
func recoveryPool(t *testing.T, sdk *cip.Client, n int) (poolID, clientID string) {
	t.Helper()
	ctx := t.Context()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("mail"),
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			EmailSubject: aws.String("Reset your Acme password"),
			EmailMessage: aws.String("<p>Hello from Acme. Your code is <b>{####}</b>.</p>")},
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			From: aws.String("Acme <no-reply@acme.test>"), ReplyToEmailAddress: aws.String("help@acme.test")}})
	if err != nil {
		t.Fatal(err)
	}
	client, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id,
		ClientName: aws.String("app"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name := fmt.Sprintf("user%d", i)
		if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String(name),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
				{Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := sdk.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id,
			Username: aws.String(name), Password: aws.String("Passw0rd!"), Permanent: true}); err != nil {
			t.Fatal(err)
		}
	}
	return *pool.UserPool.Id, *client.UserPoolClient.ClientId
}

func forgot(t *testing.T, sdk *cip.Client, clientID, user string) {
	t.Helper()
	if _, err := sdk.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String(user)}); err != nil {
		t.Fatalf("ForgotPassword %s: %v", user, err)
	}
}

func waitMail(t *testing.T, s *smtptest.Server, n int, within time.Duration) []smtptest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	msgs, err := s.Wait(ctx, n)
	if err != nil {
		t.Fatalf("only %d of %d emails arrived within %s", len(msgs), n, within)
	}
	return msgs
}

// TestResetEmailOverSMTP: a ForgotPassword becomes a real email on a real
// SMTP server, with the pool's template and sender, and the code in it
// completes the reset — no development API involved.
func TestResetEmailOverSMTP(t *testing.T) {
	mail := smtptest.Start(t)
	url := startServe(t, "--smtp-url", "smtp://"+mail.Addr+"?tls=none")
	sdk := sdkFor(url)
	_, clientID := recoveryPool(t, sdk, 1)
	forgot(t, sdk, clientID, "user0")
	msg := waitMail(t, mail, 1, 10*time.Second)[0]
	if msg.Header.Get("Subject") != "Reset your Acme password" || !strings.Contains(msg.Header.Get("From"), "no-reply@acme.test") ||
		!strings.Contains(msg.Header.Get("Reply-To"), "help@acme.test") || len(msg.To) != 1 || msg.To[0] != "user0@example.com" {
		t.Fatalf("headers %v, to %v", msg.Header, msg.To)
	}
	if !strings.Contains(msg.Body, "Hello from Acme") || msg.Header.Get("Message-Id") == "" {
		t.Fatalf("body %q, Message-Id %q", msg.Body, msg.Header.Get("Message-Id"))
	}
	code := sixDigitsRe.FindString(msg.Body)
	if _, err := sdk.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("user0"), ConfirmationCode: aws.String(code), Password: aws.String("N3w-Passw0rd")}); err != nil {
		t.Fatalf("the emailed code %q does not complete the reset: %v", code, err)
	}
	// The SMTP server has the message before the worker records it as
	// sent and counts it: wait for the count, which must come.
	waitScrape(t, url, "the sent email counted", func(m string) bool {
		return strings.Contains(m, `userpool_outbox_messages_total{event="sent",medium="EMAIL"} 1`)
	})
}

// TestSMTPOutageThenRecovery: messages queued while the SMTP server is down
// all arrive once it is back.
func TestSMTPOutageThenRecovery(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here until the server "comes back"
	url := startServe(t, "--smtp-url", "smtp://"+addr+"?tls=none", "--delivery-backoff", "50ms", "--delivery-poll", "50ms")
	sdk := sdkFor(url)
	_, clientID := recoveryPool(t, sdk, 3)
	for i := range 3 {
		forgot(t, sdk, clientID, fmt.Sprintf("user%d", i))
	}
	// Wait until deliveries have failed and been put back for a retry.
	waitScrape(t, url, "retries recorded while the SMTP server is down", func(m string) bool {
		return strings.Contains(m, `event="retried"`)
	})
	mail := smtptest.StartOn(t, addr)
	msgs := waitMail(t, mail, 3, 15*time.Second)
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.To[0]] = true
	}
	if len(seen) != 3 {
		t.Fatalf("recipients %v, want all three users", seen)
	}
}

// TestKill9DuringDeliveryLosesNoMessage kills the server with SIGKILL while
// emails are in flight (the SMTP server is slow), restarts it, and checks
// every acknowledged ForgotPassword produced an email: at-least-once, and a
// resend carries the same Message-ID so the receiver can recognise it.
func TestKill9DuringDeliveryLosesNoMessage(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills a server process")
	}
	const users = 8
	mail := smtptest.Start(t, smtptest.WithDataDelay(150*time.Millisecond))
	db := filepath.Join(t.TempDir(), "deliver.db")
	args := []string{"--smtp-url", "smtp://" + mail.Addr + "?tls=none", "--delivery-lease", "1s", "--delivery-backoff", "50ms"}
	url, proc := startProcess(t, db, args...)
	sdk := sdkFor(url)
	_, clientID := recoveryPool(t, sdk, users)
	for i := range users {
		forgot(t, sdk, clientID, fmt.Sprintf("user%d", i))
	}
	time.Sleep(200 * time.Millisecond) // some delivered, some in flight, some queued
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = proc.Wait()
	before := len(mail.Messages())
	startProcess(t, db, args...)
	msgs := waitRecipients(t, mail, users, 30*time.Second)
	ids := map[string]map[string]bool{} // recipient -> Message-IDs
	for _, m := range msgs {
		if ids[m.To[0]] == nil {
			ids[m.To[0]] = map[string]bool{}
		}
		ids[m.To[0]][m.Header.Get("Message-Id")] = true
	}
	for i := range users {
		to := fmt.Sprintf("user%d@example.com", i)
		if len(ids[to]) != 1 {
			t.Errorf("%s: Message-IDs %v, want exactly one (stable across resends)", to, ids[to])
		}
	}
	t.Logf("%d emails before the kill, %d after restart (%d resends)", before, len(msgs), len(msgs)-users)
}

// waitRecipients waits until n distinct recipients got mail (resends count
// once) and returns everything that arrived.
func waitRecipients(t *testing.T, s *smtptest.Server, n int, within time.Duration) []smtptest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	for have := 0; ; have++ {
		msgs, err := s.Wait(ctx, have+1)
		seen := map[string]bool{}
		for _, m := range msgs {
			seen[m.To[0]] = true
		}
		if len(seen) >= n {
			return msgs
		}
		if err != nil {
			t.Fatalf("only %d of %d recipients got mail within %s", len(seen), n, within)
		}
		have = len(msgs) - 1
	}
}

// scrape reads the metrics of the server at url (on their own listener).
func scrape(t *testing.T, url string) string {
	t.Helper()
	m, _ := metricsByServe.Load(url)
	if m == nil || m == "" {
		t.Fatalf("no metrics address known for %s", url)
	}
	resp, err := http.Get(m.(string) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// waitScrape polls the server's metrics until ok accepts them, for an
// outcome the server records after something the test can observe (a
// delivery worker counts a message once its outcome is committed), and
// fails after 10 seconds showing the outbox series.
func waitScrape(t *testing.T, url, what string, ok func(metrics string) bool) string {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		m := scrape(t, url)
		if ok(m) {
			return m
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("waiting for %s:\n%s", what, grepLines(m, "userpool_outbox"))
		}
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Without an email channel (the laptop case) a code email is kept for the
// development inbox when it is queued; the metrics count it as queued and
// kept, the inbox shows it so at once.
func TestEmailWithoutChannelIsKeptForTheInbox(t *testing.T) {
	url := startServe(t, "--dev")
	sdk := sdkFor(url)
	_, clientID := recoveryPool(t, sdk, 1)
	forgot(t, sdk, clientID, "user0")
	resp, err := http.Get(url + "/_userpool/messages?limit=1&username=user0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `"status":"inbox"`) {
		t.Errorf("the inbox does not show the email as kept: %s", b)
	}
	got := scrape(t, url)
	for _, want := range []string{`userpool_outbox_messages_total{event="queued",medium="EMAIL"} 1`,
		`userpool_outbox_messages_total{event="inbox",medium="EMAIL"} 1`} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(got, "userpool_outbox"))
		}
	}
}
