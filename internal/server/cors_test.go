package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Browsers call Cognito cross-origin (Amplify, amazon-cognito-identity-js),
// so CORS is open for the public operations. It must never make an unsigned
// admin call possible: with --dev and no keys, any web page the developer
// visits could otherwise call ListUsers or AdminSetUserPassword.

// crossOrigin posts an unsigned call as a browser page on origin would.
func (e *env) crossOrigin(origin, target, body string) *http.Response {
	e.t.Helper()
	req := e.unsignedRequest(target, amzJSON, body)
	req.Header.Set("Origin", origin)
	return e.do(req)
}

func TestCORSNeverOpensUnsignedAdminCalls(t *testing.T) {
	e := newEnv(t, withAuth(nil, true), withCORSOrigins("http://localhost:3000"))
	poolID := *e.pool().Id
	clientID := *e.client(poolID).ClientId
	e.confirmedUser(poolID, "victim", goodPassword)

	// A page elsewhere: the admin call is refused before it runs.
	resp := e.crossOrigin("https://evil.example", tp+"AdminSetUserPassword",
		`{"UserPoolId":"`+poolID+`","Username":"victim","Password":"Pwn3d-Passw0rd","Permanent":true}`)
	body := readAll(t, resp)
	if resp.StatusCode != 403 || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException:" {
		t.Fatalf("cross-origin unsigned AdminSetUserPassword: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("the refusal allows the origin to read it: %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	e.signIn(clientID, "victim", goodPassword) // the password did not change
	if resp := e.crossOrigin("null", tp+"ListUsers", `{"UserPoolId":"`+poolID+`"}`); resp.StatusCode != 403 {
		t.Fatalf("a sandboxed page (Origin: null) listed users: %d", resp.StatusCode)
	}

	// Public operations stay open to every origin, as on Cognito.
	resp = e.crossOrigin("https://evil.example", tp+"InitiateAuth",
		`{"ClientId":"`+clientID+`","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"victim","PASSWORD":"`+goodPassword+`"}}`)
	if body := readAll(t, resp); resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("public call cross-origin: %d %q %s", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), body)
	}

	// An origin the developer listed may make unsigned admin calls, and may
	// read the answers.
	resp = e.crossOrigin("http://localhost:3000", tp+"ListUsers", `{"UserPoolId":"`+poolID+`"}`)
	if body := readAll(t, resp); resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(resp.Header.Get("Vary"), "Origin") {
		t.Fatalf("listed origin: %d %q %s", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), body)
	}

	// Without an Origin (the AWS CLI, SDKs outside a browser) nothing changes.
	if resp := e.do(e.unsignedRequest(tp+"ListUsers", amzJSON, `{"UserPoolId":"`+poolID+`"}`)); resp.StatusCode != 200 {
		t.Fatalf("unsigned admin call without an Origin: %d", resp.StatusCode)
	}
}

// TestCORSSignedAdminCalls: with keys, the signature protects admin calls;
// a browser holding keys may call from any origin, as on AWS.
func TestCORSSignedAdminCalls(t *testing.T) {
	e := newEnv(t)
	req := e.unsignedRequest(tp+"ListUserPools", amzJSON, `{"MaxResults":1}`)
	req.Header.Set("Origin", "https://console.example")
	sign(t, req, `{"MaxResults":1}`, testKeyID, testSecret, time.Now())
	resp := e.do(req)
	if body := readAll(t, resp); resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("signed cross-origin admin call: %d %q %s", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), body)
	}
}

// TestDevAPIRefusesForeignHostsAndOrigins: on loopback the development API
// needs no key, so it must only answer requests meant for loopback: a page
// that rebinds its own name to 127.0.0.1 (DNS rebinding) reaches the server
// with its own Host, and a cross-site form post carries its Origin.
func TestDevAPIRefusesForeignHostsAndOrigins(t *testing.T) {
	e := newEnv(t, withDev, withAuth(nil, true))
	get := func(host string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, e.URL+"/_userpool/messages", nil)
		req.Host = host
		return e.do(req).StatusCode
	}
	for host, want := range map[string]int{"evil.example:9229": 403, "localhost:9229": 200, "127.0.0.1": 200,
		"[::1]:9229": 200, "app.localhost": 200, "127.0.0.1.evil.example": 403} {
		if got := get(host); got != want {
			t.Errorf("GET /_userpool/messages with Host %s: %d, want %d", host, got, want)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.URL+"/_userpool/clock", strings.NewReader(`{"advanceSeconds":3600}`))
	req.Header.Set("Content-Type", "text/plain") // a simple request: no preflight
	req.Header.Set("Origin", "https://evil.example")
	if resp := e.do(req); resp.StatusCode != 403 {
		t.Fatalf("a cross-site post moved the clock: %d", resp.StatusCode)
	}
	if e.Clock.Offset() != 0 {
		t.Fatal("the clock moved")
	}
}
