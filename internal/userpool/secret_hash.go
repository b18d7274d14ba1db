package userpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// secretHash computes Base64(HMAC_SHA256(key = client secret, message =
// username + clientID)) (spec §2.8, AWS "Computing secret hash values").
func secretHash(secret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username))
	m.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// secretHashErrors are the two "missing" messages, which differ between the
// top-level SecretHash member and InitiateAuth's SECRET_HASH parameter.
type secretHashErrors func(clientID string) *Error

// checkSecretHash enforces the client secret (spec §2.8): a client without
// a secret must not receive a hash; a client with one must receive a hash
// made with any of its current secrets (client_secrets.go: two during a
// rotation) over one of names (the typed username or the canonical one:
// which one Cognito uses is UNVERIFIED, so either is accepted). Every
// comparison is made, each constant-time, so nothing leaks about which
// one matched.
func checkSecretHash(c *clientView, given string, missing secretHashErrors, names ...string) error {
	if c.hosted {
		return nil // the hosted pages hold the secret themselves
	}
	if len(c.secrets) == 0 {
		if given != "" {
			return errSecretNotConfigured(c.ID)
		}
		return nil
	}
	if given == "" {
		return missing(c.ID)
	}
	ok := false
	for _, cs := range c.secrets {
		for _, n := range names {
			want := secretHash(cs.Value, n, c.ID)
			if hmac.Equal([]byte(want), []byte(given)) {
				ok = true
			}
		}
	}
	if !ok {
		return errSecretHashMismatch(c.ID)
	}
	return nil
}

// hasSecret reports whether given is one of the client's current secrets
// (RevokeToken's ClientSecret), comparing with each in constant time.
func (c *clientView) hasSecret(given string) bool {
	ok := false
	for _, cs := range c.secrets {
		if hmac.Equal([]byte(cs.Value), []byte(given)) {
			ok = true
		}
	}
	return ok
}

// looksLikeJWT reports a three-part dotted token (an access or id token).
func looksLikeJWT(t string) bool {
	dots := 0
	for _, c := range t {
		if c == '.' {
			dots++
		}
	}
	return dots == 2
}
