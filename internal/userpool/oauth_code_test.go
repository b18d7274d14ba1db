package userpool

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestAuthorizationCodeSealing: a code opens only under the service that
// sealed it, unchanged; any flipped bit, truncation or another service's
// key is refused, and the binding is not readable from the code.
func TestAuthorizationCodeSealing(t *testing.T) {
	s, _ := testService(t, Config{})
	other, _ := testService(t, Config{})
	ac := &authCode{ID: "id1", Pool: "us-east-1_x", Client: "c1", Redirect: "https://app/cb",
		Challenge: "secret-challenge-value", Method: "S256", Scopes: []string{"openid"}, Nonce: "secret-nonce",
		Username: "alice", Sub: "sub-1", AuthTime: 1, Expires: 2}
	code := s.sealCode(ac)
	got, ok := s.openCode(code)
	if !ok || got.Challenge != ac.Challenge || got.Nonce != ac.Nonce || got.Redirect != ac.Redirect || got.Username != "alice" {
		t.Fatalf("openCode = %+v, %v", got, ok)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(code)
	for _, leak := range []string{"secret-challenge-value", "secret-nonce", "alice", "https://app/cb"} {
		if strings.Contains(string(raw), leak) || strings.Contains(code, leak) {
			t.Errorf("the code shows %q", leak)
		}
	}
	if s.sealCode(ac) == code {
		t.Error("two seals of one binding are equal: the nonce is not random")
	}
	for i := range raw {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x40
		if _, ok := s.openCode(base64.RawURLEncoding.EncodeToString(b)); ok {
			t.Fatalf("a code with byte %d flipped opened", i)
		}
	}
	for _, bad := range []string{"", "x", code[:len(code)-2], code + "A", "not base64 !"} {
		if _, ok := s.openCode(bad); ok {
			t.Errorf("openCode(%q) opened", bad)
		}
	}
	if _, ok := other.openCode(code); ok {
		t.Error("another service's key opened the code")
	}
}

// TestPKCEVerifier: RFC 7636 section 4.6 for both methods, and section 4.1's length and
// character rules.
func TestPKCEVerifier(t *testing.T) {
	const v = "dBjftJeZ4CK-hfWN5KXNP56wIE3ydATF0hQIVyUbiQx"
	s256 := &authCode{Challenge: "Nsy8wUtRB10neYLCkmb3buPNx69r8pnAzzi1RBm3Exw", Method: "S256"}
	plain := &authCode{Challenge: v, Method: "plain"}
	for _, tc := range []struct {
		ac       *authCode
		verifier string
		want     bool
	}{
		{s256, v, true}, {s256, v[:42], false}, {s256, s256.Challenge, false},
		{plain, v, true}, {plain, v + "x", false},
		{&authCode{Challenge: "short", Method: "plain"}, "short", false}, // below 43 characters
		{&authCode{Challenge: strings.Repeat("a", 129), Method: "plain"}, strings.Repeat("a", 129), false},
		{&authCode{Challenge: strings.Repeat("+", 43), Method: "plain"}, strings.Repeat("+", 43), false},
	} {
		if got := verifierMatches(tc.ac, tc.verifier); got != tc.want {
			t.Errorf("verifierMatches(%s %q, %q) = %v, want %v", tc.ac.Method, tc.ac.Challenge, tc.verifier, got, tc.want)
		}
	}
}

// TestAtHash: OIDC Core's at_hash for RS256 — left half of SHA-256,
// base64url — checked against an independently computed value.
func TestAtHash(t *testing.T) {
	// OIDC Core 1.0 appendix A.3: this access token has this at_hash.
	if got := atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"); got != "77QmUPtjPfzWtF2AnpK9RQ" {
		t.Errorf("atHash = %q", got)
	}
}
