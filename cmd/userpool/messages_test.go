package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// `userpool messages` reading codes without races: --wait waits for a
// message newer than the command's start, --code refuses a suppressed
// message with its reason, --purpose and --after narrow the list, --clear
// empties a pool's inbox.

// announcer is a writer that closes said once what it was given contains
// want: a command's announcement, observed without sleeping.
type announcer struct {
	want string
	said chan struct{}
	mu   sync.Mutex
	buf  bytes.Buffer
}

func newAnnouncer(want string) *announcer { return &announcer{want: want, said: make(chan struct{})} }

func (a *announcer) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	before := strings.Contains(a.buf.String(), a.want)
	a.buf.Write(p)
	if !before && strings.Contains(a.buf.String(), a.want) {
		close(a.said)
	}
	return len(p), nil
}

func (a *announcer) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.String()
}

// runMessages runs `userpool messages` in-process and returns stdout and
// the error.
func runMessages(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), append([]string{"messages"}, args...), os.Getenv, &out, &bytes.Buffer{})
	return out.String(), err
}

// TestMessagesWaitPrintsTheNewCode: `messages --code --wait` started before
// a ForgotPassword prints the code that request sends, although the user
// already has an older code (before, it printed the old one at once).
func TestMessagesWaitPrintsTheNewCode(t *testing.T) {
	url := startServe(t, "--dev")
	sdk := sdkFor(url)
	poolID, clientID := recoveryPool(t, sdk, 1)
	forgot(t, sdk, clientID, "user0")
	old := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", "user0", "--code"))

	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	stderr := newAnnouncer("waiting")
	go func() {
		var out bytes.Buffer
		err := run(t.Context(), []string{"messages", "--endpoint", url, "--pool", poolID, "--user", "user0", "--code", "--wait", "20s"},
			os.Getenv, &out, stderr)
		done <- result{out.String(), err}
	}()
	select {
	case <-stderr.said: // the command has recorded its start
	case r := <-done:
		t.Fatalf("messages --wait returned before any new message: %q, %v (stderr %q; old code %s)", r.out, r.err, stderr, old)
	case <-time.After(10 * time.Second):
		t.Fatalf("messages --wait never said it was waiting (stderr %q)", stderr)
	}
	forgot(t, sdk, clientID, "user0")
	r := <-done
	if r.err != nil {
		t.Fatalf("messages --wait: %v", r.err)
	}
	newest := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", "user0", "--code"))
	if got := strings.TrimSpace(r.out); got != newest || newest == old {
		t.Fatalf("messages --wait printed %q; the new code is %q, the old one %q", got, newest, old)
	}
	if !strings.Contains(stderr.String(), "userpool messages: waiting up to 20s for a message newer than #") {
		t.Errorf("stderr %q", stderr)
	}
	// Without --wait it still prints the newest code at once.
	if got := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--code")); got != newest {
		t.Errorf("messages --code: %q, want %q", got, newest)
	}
}

// TestMessagesCodeOfSuppressedMessage: when the newest message sent
// nothing on purpose, --code says why and fails instead of "no message
// with a code".
func TestMessagesCodeOfSuppressedMessage(t *testing.T) {
	url := startServe(t, "--dev")
	sdk := sdkFor(url)
	poolID, clientID := recoveryPool(t, sdk, 1)
	if _, err := sdk.UpdateUserPoolClient(t.Context(), enabledClient(t, sdk, clientID)); err != nil {
		t.Fatal(err)
	}
	forgot(t, sdk, clientID, "user0")
	forgot(t, sdk, clientID, "nobody") // PreventUserExistenceErrors: a simulated answer
	out, err := runMessages(t, "--endpoint", url, "--pool", poolID, "--code")
	if err == nil || out != "" || !strings.Contains(err.Error(), "was suppressed (USER_NOT_FOUND): no code was sent") ||
		!strings.Contains(err.Error(), "FORGOT_PASSWORD for nobody") {
		t.Fatalf("messages --code on a suppressed message: stdout %q, error %v", out, err)
	}
	// The user's own newest message still has its code.
	if out, err := runMessages(t, "--endpoint", url, "--pool", poolID, "--user", "user0", "--code"); err != nil || len(strings.TrimSpace(out)) != 6 {
		t.Fatalf("messages --user user0 --code: %q, %v", out, err)
	}
}

// TestMessagesPurposeAfterAndClear: --purpose picks one kind of message;
// --after takes a message ID or an RFC 3339 time (on the server's clock);
// --clear --pool empties the pool's inbox.
func TestMessagesPurposeAfterAndClear(t *testing.T) {
	url := startServe(t, "--dev")
	sdk := sdkFor(url)
	poolID, clientID := recoveryPool(t, sdk, 1)
	forgot(t, sdk, clientID, "user0")
	var first struct {
		Messages []struct {
			ID        int64     `json:"id"`
			CreatedAt time.Time `json:"createdAt"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--json")), &first); err != nil || len(first.Messages) != 1 {
		t.Fatalf("messages --json: %v %+v", err, first)
	}
	// A second later on the server's clock, so since tells them apart.
	advanceClock(t, url, 1)
	if _, err := sdk.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID),
		Username: aws.String("user0")}); err != nil {
		t.Fatal(err)
	}
	code := func(args ...string) string {
		t.Helper()
		return strings.TrimSpace(userpoolMessages(t, append([]string{"--endpoint", url, "--pool", poolID, "--code"}, args...)...))
	}
	forgotCode, resetCode := code("--purpose", "FORGOT_PASSWORD"), code("--purpose", "ADMIN_RESET")
	if len(forgotCode) != 6 || len(resetCode) != 6 || code() != resetCode {
		t.Fatalf("codes: forgot %q, admin reset %q, newest %q", forgotCode, resetCode, code())
	}
	id, created := first.Messages[0].ID, first.Messages[0].CreatedAt
	if got := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--newest-id")); got != strconv.FormatInt(id+1, 10) {
		t.Errorf("messages --newest-id: %q, want the admin reset's ID %d", got, id+1)
	}
	for _, after := range []string{strconv.FormatInt(id, 10), created.Format(time.RFC3339Nano)} {
		table := userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--after", after)
		if strings.Contains(table, "FORGOT_PASSWORD") || !strings.Contains(table, "ADMIN_RESET") {
			t.Errorf("messages --after %s:\n%s", after, table)
		}
	}
	for _, c := range []struct{ args []string }{
		{[]string{"--purpose", "forgot"}},
		{[]string{"--after", "yesterday"}},
		{[]string{"--clear"}},
	} {
		if _, err := runMessages(t, append([]string{"--endpoint", url}, c.args...)...); err == nil {
			t.Errorf("messages %v succeeded", c.args)
		}
	}
	if out := userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--clear"); out != "deleted 2 messages of "+poolID+"\n" {
		t.Errorf("messages --clear: %q", out)
	}
	if table := userpoolMessages(t, "--endpoint", url, "--pool", poolID); strings.Count(table, "\n") != 1 {
		t.Errorf("messages after --clear:\n%s", table)
	}
}

// advanceClock moves a --dev server's clock forward by secs seconds.
func advanceClock(t *testing.T, url string, secs int) {
	t.Helper()
	resp, err := http.Post(url+"/_userpool/clock", "application/json", strings.NewReader(`{"advanceSeconds":`+strconv.Itoa(secs)+`}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("advancing the clock: %v %v", resp, err)
	}
	resp.Body.Close()
}
