package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/smtptest"
)

// What an outsider on the API port may see (issue 13): not the metrics,
// and not the development API unless it was opened on purpose, with keys.

// TestMetricsOnTheirOwnListener: /metrics is not served on the API port
// (its counters moved for real users only: an enumeration oracle); it has
// its own listener, on loopback by default.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	url := startServe(t)
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /metrics on the API port: %d, want 404", resp.StatusCode)
	}
	if got := scrape(t, url); !strings.Contains(got, "userpool_outbox_pending") {
		t.Fatalf("the metrics listener does not serve the metrics:\n%s", got)
	}
	cfg, err := parseServe([]string{"--admin-keys", adminKeyArg}, func(string) string { return "" }, io.Discard)
	if err != nil || cfg.MetricsAddr != "127.0.0.1:9230" {
		t.Fatalf("default --metrics-addr %q (%v), want 127.0.0.1:9230", cfg.MetricsAddr, err)
	}
}

// TestDevOffLoopbackNeedsExplicitFlag: --dev on a non-loopback address
// serves live reset codes to the network, so it is refused unless
// --dev-listen-public says so — and then only with admin keys.
func TestDevOffLoopbackNeedsExplicitFlag(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // "" means accepted
	}{
		{"dev on all interfaces with keys", []string{"--dev", "--addr", "0.0.0.0:0", "--admin-keys", adminKeyArg}, "--dev-listen-public"},
		{"dev on an empty host with keys", []string{"--dev", "--addr", ":0", "--admin-keys", adminKeyArg}, "--dev-listen-public"},
		{"dev public with keys", []string{"--dev", "--dev-listen-public", "--addr", "0.0.0.0:0", "--admin-keys", adminKeyArg}, ""},
		{"dev public without keys", []string{"--dev", "--dev-listen-public", "--addr", "0.0.0.0:0"}, "need SigV4 credentials"},
		{"dev public on loopback without keys", []string{"--dev", "--dev-listen-public"}, "need SigV4 credentials"},
		{"dev-listen-public without dev", []string{"--dev-listen-public", "--admin-keys", adminKeyArg}, "--dev-listen-public needs --dev"},
		{"dev on loopback with keys", []string{"--dev", "--admin-keys", adminKeyArg}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseServe(append([]string{"--addr", "127.0.0.1:0"}, c.args...), func(string) string { return "" }, io.Discard)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestPublicDevAPINeedsKeys: with --dev-listen-public every development
// API call must carry an admin key, as a SigV4 signature or as
// "Authorization: Bearer AKID:SECRET".
func TestPublicDevAPINeedsKeys(t *testing.T) {
	url := startServe(t, "--dev", "--dev-listen-public")
	get := func(auth func(*http.Request)) int {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url+"/_userpool/messages?limit=1", nil)
		if auth != nil {
			auth(req)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	bearer := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+v) }
	}
	sigv4 := func(secret string) func(*http.Request) {
		return func(r *http.Request) {
			sum := sha256.Sum256(nil)
			creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name string
		auth func(*http.Request)
		want int
	}{
		{"no credentials", nil, 403},
		{"wrong bearer secret", bearer(testKeyID + ":" + strings.Repeat("x", 40)), 403},
		{"bearer without key id", bearer(testSecret), 403},
		{"bearer key", bearer(adminKeyArg), 200},
		{"SigV4 with the wrong secret", sigv4("not-the-secret-at-all"), 403},
		{"SigV4", sigv4(testSecret), 200},
	} {
		if got := get(c.auth); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	// `userpool messages` sends the key it is given.
	if out := userpoolMessages(t, "--endpoint", url, "--admin-key", adminKeyArg, "--json"); !strings.Contains(out, `"messages"`) {
		t.Fatalf("userpool messages --admin-key: %s", out)
	}
	err := run(t.Context(), []string{"messages", "--endpoint", url, "--json"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "admin key") {
		t.Fatalf("userpool messages without a key: %v", err)
	}
}

// TestMetricsDoNotTellUsersApart: under PreventUserExistenceErrors=ENABLED a
// ForgotPassword for an unknown name moves the outbox counters exactly as
// one for a real user does (before, 2 for a real user and 0 otherwise), with
// a channel (queued, then sent) and without one (queued, kept for the inbox).
func TestMetricsDoNotTellUsersApart(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{{"no channel", []string{"--dev"}}, {"smtp", []string{"--smtp-url", "smtp://" + smtptest.Start(t).Addr + "?tls=none"}},
		{"no channel, no dev", nil}} {
		t.Run(c.name, func(t *testing.T) {
			url := startServe(t, c.args...)
			sdk := sdkFor(url)
			_, clientID := recoveryPool(t, sdk, 1)
			if _, err := sdk.UpdateUserPoolClient(t.Context(), enabledClient(t, sdk, clientID)); err != nil {
				t.Fatal(err)
			}
			outbox := func() string { return grepLines(scrape(t, url), "userpool_outbox_messages_total{") }
			forgot(t, sdk, clientID, "user0")
			// The worker counts a sent message after delivery: wait for it.
			waitScrape(t, url, "the real user's message counted", func(m string) bool {
				return strings.Contains(m, `event="sent"`) || strings.Contains(m, `event="inbox"`) || strings.Contains(m, `event="dropped"`)
			})
			real := outbox()
			forgot(t, sdk, clientID, "nobody-here")
			if got, want := outbox(), doubled(t, real); got != want {
				t.Fatalf("after a real and an unknown user:\n%s\nwant every counter doubled:\n%s", got, want)
			}
		})
	}
}

// doubled is a counter listing with every value doubled.
func doubled(t *testing.T, s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		name, v, ok := strings.Cut(l, "} ")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			t.Fatalf("unexpected metrics line %q", l)
		}
		out = append(out, name+"} "+strconv.Itoa(2*n))
	}
	return strings.Join(out, "\n")
}

// enabledClient is the UpdateUserPoolClient input that turns on
// PreventUserExistenceErrors for clientID, keeping its auth flows.
func enabledClient(t *testing.T, sdk *cip.Client, clientID string) *cip.UpdateUserPoolClientInput {
	t.Helper()
	pools, err := sdk.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(pools.UserPools) != 1 {
		t.Fatalf("ListUserPools: %v", err)
	}
	return &cip.UpdateUserPoolClientInput{UserPoolId: pools.UserPools[0].Id, ClientId: aws.String(clientID),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}
}
