package userpool

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"time"
)

// Authorization codes ("Authorize endpoint", "Token endpoint"): Cognito's
// are opaque, single-use and valid for five minutes, and bind the client,
// the exact redirect_uri, the PKCE challenge, the scopes and the nonce of
// the /oauth2/authorize request. Ours carry that binding themselves,
// encrypted and authenticated (AES-256-GCM under a key derived from the
// service's session key), so any instance can redeem one with no table:
// the only state is the store.Once mark that makes it single-use, written
// in the transaction that starts the refresh-token family. Encryption
// (not only a MAC) keeps the PKCE challenge, the nonce and the username
// out of browser histories and server logs that see the redirect.

// codeLifetime is Cognito's authorization code lifetime.
const codeLifetime = 5 * time.Minute

// authCode is what a code binds.
type authCode struct {
	ID        string   `json:"i"` // random: the single-use mark
	Pool      string   `json:"p"`
	Client    string   `json:"c"`
	Redirect  string   `json:"r"`
	Challenge string   `json:"h,omitempty"`
	Method    string   `json:"m,omitempty"` // "S256" or "plain"
	Scopes    []string `json:"s"`
	Nonce     string   `json:"n,omitempty"`
	Username  string   `json:"u"`
	Sub       string   `json:"b"`
	AuthTime  int64    `json:"a"` // unix milliseconds
	Expires   int64    `json:"e"` // unix milliseconds
}

// codeAAD separates codes from anything else sealed under the same key.
var codeAAD = []byte("userpool oauth2 authorization code v1")

// codeAEAD is AES-256-GCM under HMAC-SHA256(sessionKey, label): a key of
// its own, so a code can never be confused with a challenge session.
func (s *Service) codeAEAD() cipher.AEAD {
	block, err := aes.NewCipher(s.keyedMAC("oauth2-authorization-code"))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// sealCode returns ac as an opaque code.
func (s *Service) sealCode(ac *authCode) string {
	plain, _ := json.Marshal(ac) // strings, ints and a slice always marshal
	aead := s.codeAEAD()
	nonce := randomBytes(aead.NonceSize())
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, codeAAD))
}

// openCode returns the binding of a code this service sealed, or false
// for anything else (tampered, truncated, foreign).
func (s *Service) openCode(code string) (*authCode, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(code)
	aead := s.codeAEAD()
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, false
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], codeAAD)
	if err != nil {
		return nil, false
	}
	var ac authCode
	if json.Unmarshal(plain, &ac) != nil {
		return nil, false
	}
	return &ac, true
}

// verifierMatches checks a PKCE code_verifier against the code's
// challenge (RFC 7636 section 4.6): S256 compares BASE64URL(SHA256(verifier)),
// plain the verifier itself. A verifier outside RFC 7636's 43–128
// unreserved characters never matches.
func verifierMatches(ac *authCode, verifier string) bool {
	if !validVerifier(verifier) {
		return false
	}
	want := verifier
	if ac.Method == "S256" {
		h := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(h[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(ac.Challenge)) == 1
}

func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~'
		if !ok {
			return false
		}
	}
	return true
}
