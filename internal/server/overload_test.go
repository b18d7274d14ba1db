package server_test

import (
	"net/http"
	"testing"
)

// TestOverloadAnswersTooManyRequests: with every in-flight slot taken, an
// API call is refused at once with TooManyRequestsException (HTTP 400, as
// the live service answers; spec §1.4) instead of queueing; health checks
// are exempt; the slot comes back when the request holding it ends.
func TestOverloadAnswersTooManyRequests(t *testing.T) {
	events := make(chan string, 100)
	e := newEnv(t, withDev, withMaxInFlight(1), withLogEvents(events))
	held := make(chan error, 1)
	go func() {
		// A long poll holds the only slot; a client of its own, so no stale
		// keep-alive connection from another test can fail it early.
		client := &http.Client{Transport: &http.Transport{}}
		resp, err := client.Get(e.URL + "/_userpool/messages?wait=2")
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	waitFor(t, events, "inbox long poll waiting") // it holds the slot now
	refused := e.raw("AWSCognitoIdentityProviderService.ListUserPools", amzJSON, `{"MaxResults":1}`)
	body := readAll(t, refused)
	if refused.StatusCode != 400 || refused.Header.Get("x-amzn-ErrorType") != "TooManyRequestsException:" ||
		body != `{"__type":"TooManyRequestsException","message":"Too many requests"}` {
		t.Fatalf("got %d %q %s", refused.StatusCode, refused.Header.Get("x-amzn-ErrorType"), body)
	}
	if h, err := http.Get(e.URL + "/healthz"); err != nil || h.StatusCode != 200 {
		t.Fatalf("healthz under overload: %v", err)
	} else {
		h.Body.Close()
	}
	if err := <-held; err != nil {
		t.Fatalf("the long poll holding the slot failed: %v", err)
	}
	if resp := e.raw("AWSCognitoIdentityProviderService.ListUserPools", amzJSON, `{"MaxResults":1}`); resp.StatusCode != 200 {
		t.Fatalf("still refused after the slot came back: %d", resp.StatusCode)
	}
}
