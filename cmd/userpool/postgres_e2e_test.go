package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/jackc/pgx/v5"
	"github.com/userpool/userpool/internal/smtptest"
)

// freshDatabase creates an empty database for one test on the PostgreSQL
// server of USERPOOL_TEST_POSTGRES_DSN (failing in CI when it is unset).
func freshDatabase(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("USERPOOL_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("USERPOOL_TEST_POSTGRES_DSN is not set in CI: .ci/run must start PostgreSQL")
		}
		t.Skip("USERPOOL_TEST_POSTGRES_DSN is not set: the PostgreSQL backend is NOT tested here (bash .ci/run starts a throw-away PostgreSQL and sets it)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "e2e_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(context.Background(), dsn); err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	return u.String()
}

// TestTwoProcessesOnePostgres runs two userpool processes on one database:
// a code requested on one is confirmed on the other, a token minted by one
// is accepted by the other, the attempt limit holds across both, and every
// queued email is sent exactly once although both run delivery workers.
func TestTwoProcessesOnePostgres(t *testing.T) {
	db := freshDatabase(t)
	mail := smtptest.Start(t)
	args := []string{"--dev", "--issuer-base", "https://idp.example.test", "--limit-confirms", "4",
		"--smtp-url", "smtp://" + mail.Addr + "?tls=none", "--delivery-poll", "50ms"}
	url1, _ := startProcessArgs(t, append([]string{"--db", db}, args...)...)
	url2, _ := startProcessArgs(t, append([]string{"--db", db}, args...)...)
	sdk1, sdk2 := sdkFor(url1), sdkFor(url2)
	ctx := t.Context()
	poolID, clientID := recoveryPool(t, sdk1, 6)

	// A code issued through process 1 is confirmed through process 2.
	forgot(t, sdk1, clientID, "user0")
	code := devCode(t, url2, "user0")
	if _, err := sdk2.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("user0"), ConfirmationCode: aws.String(code), Password: aws.String("N3w-Passw0rd")}); err != nil {
		t.Fatalf("confirm on the other process: %v", err)
	}
	// A token minted by process 2 is accepted by process 1.
	auth, err := sdk2.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": "user0", "PASSWORD": "N3w-Passw0rd"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk1.GetUser(ctx, &cip.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("process 1 rejects process 2's token: %v", err)
	}
	verifyWithJWKS(t, url1+"/"+poolID+"/.well-known/jwks.json", *auth.AuthenticationResult.IdToken)

	// Wrong codes spread over both processes: the limit (4) holds in total.
	forgot(t, sdk1, clientID, "user1")
	var mu sync.Mutex
	outcomes := map[string]int{}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sdk := []*cip.Client{sdk1, sdk2}[i%2]
			_, err := sdk.ConfirmForgotPassword(context.Background(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
				Username: aws.String("user1"), ConfirmationCode: aws.String("000000"), Password: aws.String("N3w-Passw0rd")})
			var ae smithy.APIError
			if errors.As(err, &ae) {
				mu.Lock()
				outcomes[ae.ErrorCode()]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if outcomes["CodeMismatchException"] != 4 || outcomes["LimitExceededException"] != 8 {
		t.Fatalf("outcomes %v, want exactly 4 evaluated and 8 refused", outcomes)
	}

	// Every queued email is sent once, though both processes deliver.
	for i := 2; i < 6; i++ {
		forgot(t, []*cip.Client{sdk1, sdk2}[i%2], clientID, fmt.Sprintf("user%d", i))
	}
	waitMail(t, mail, 6, 20*time.Second)
	time.Sleep(500 * time.Millisecond) // a duplicate would arrive now
	if got := len(mail.Messages()); got != 6 {
		ids := []string{}
		for _, m := range mail.Messages() {
			ids = append(ids, m.To[0])
		}
		t.Fatalf("%d emails for 6 queued messages: %v", got, ids)
	}
}

// devCode reads the newest code of a user from a --dev server's inbox.
func devCode(t *testing.T, base, user string) string {
	t.Helper()
	resp, err := http.Get(base + "/_userpool/messages?limit=1&username=" + url.QueryEscape(user))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var doc struct {
		Messages []struct {
			Username, Code string
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Messages) == 0 || doc.Messages[0].Username != user {
		t.Fatalf("no code for %s: %s", user, b)
	}
	return strings.TrimSpace(doc.Messages[0].Code)
}

// verifyWithJWKS checks token's RS256 signature with the keys served at
// jwksURL, independently of userpool's own code (go-jose).
func verifyWithJWKS(t *testing.T, jwksURL, token string) {
	t.Helper()
	resp, err := http.Get(jwksURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	parsed, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	keys := set.Key(parsed.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in %s", parsed.Signatures[0].Header.KeyID, jwksURL)
	}
	if _, err := parsed.Verify(keys[0].Key); err != nil {
		t.Fatalf("token does not verify with %s: %v", jwksURL, err)
	}
}
