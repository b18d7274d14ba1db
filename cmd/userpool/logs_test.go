package main

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/userpool/userpool/internal/smtptest"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsNeverHoldCodesOrPasswords runs a reset at debug level — email
// delivery, a wrong code, the right one, an admin call with a wrong secret —
// and checks that neither the code, the passwords, the admin secrets nor the
// full address appear in any log line or metric.
func TestLogsNeverHoldCodesOrPasswords(t *testing.T) {
	const code = "740315"
	mail := smtptest.Start(t)
	logs := &syncBuffer{}
	url, stop := startServeStop(t, logs, "--dev", "--dev-fixed-code", code, "--log-level", "debug", "--log-format", "json",
		"--smtp-url", "smtp://"+mail.Addr+"?tls=none")
	sdk := sdkFor(url)
	_, clientID := recoveryPool(t, sdk, 1)
	forgot(t, sdk, clientID, "user0")
	waitMail(t, mail, 1, 10*time.Second)
	_, err := sdk.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("user0"), ConfirmationCode: aws.String("000000"), Password: aws.String("Wr0ng-Passw0rd")})
	if err == nil {
		t.Fatal("a wrong code was accepted")
	}
	if _, err := sdk.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("user0"), ConfirmationCode: aws.String(code), Password: aws.String("N3w-Passw0rd")}); err != nil {
		t.Fatal(err)
	}
	wrongSecret := "wrong-secret-0123456789"
	_, err = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, wrongSecret, "")}).
		ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	if err == nil {
		t.Fatal("a wrong admin secret was accepted")
	}
	if resp, err := http.Get(url + "/healthz"); err == nil { // logged at debug
		resp.Body.Close()
	}
	metrics := scrape(t, url)
	stop() // every log line is written once serve has returned
	got := logs.String() + metrics
	for _, want := range []string{`"access_key_ids":"` + testKeyID + `"`, `"request not authenticated"`,
		`"msg":"request","request_id":`, `"operation":"ConfirmForgotPassword","status":400,"error":"CodeMismatchException","latency_ms":`} {
		if !strings.Contains(got, want) {
			t.Fatalf("the log lacks %s; the test would prove nothing:\n%s", want, got)
		}
	}
	if !strings.Contains(got, `"level":"DEBUG"`) {
		t.Fatalf("no debug logging captured; the test would prove nothing:\n%s", got)
	}
	for _, secret := range []string{code, "Passw0rd!", "N3w-Passw0rd", "Wr0ng-Passw0rd", "user0@example.com", testSecret, wrongSecret} {
		if strings.Contains(got, secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}
