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
// computed over one of names (the typed username or the canonical one: which
// one Cognito uses is UNVERIFIED, so either is accepted). The comparison is
// constant-time so it leaks nothing about the expected value.
func checkSecretHash(c *clientView, given string, missing secretHashErrors, names ...string) error {
	if c.Secret == "" {
		if given != "" {
			return errSecretNotConfigured(c.ID)
		}
		return nil
	}
	if given == "" {
		return missing(c.ID)
	}
	ok := false
	for _, n := range names {
		want := secretHash(c.Secret, n, c.ID)
		if hmac.Equal([]byte(want), []byte(given)) {
			ok = true
		}
	}
	if !ok {
		return errSecretHashMismatch(c.ID)
	}
	return nil
}

func constantEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

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
