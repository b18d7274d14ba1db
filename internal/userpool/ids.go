package userpool

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"
)

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS entropy source is gone; nothing is safe
	}
	return b
}

func randomString(alphabet string, n int) string {
	out := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range out {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		out[i] = alphabet[v.Int64()]
	}
	return string(out)
}

// newPoolID makes a Cognito-shaped pool ID: <region>_<9 alphanumerics>, which
// matches the model's pattern [\w-]+_[0-9a-zA-Z]+ that token verifiers check.
func (s *Service) newPoolID() string { return s.cfg.Region + "_" + randomString(alnum, 9) }

// newClientID makes a 26-character lowercase alphanumeric client ID, as Cognito's.
func newClientID() string { return randomString(lowerAlnum, 26) }

// newClientSecret makes a 51-character secret like Cognito's (base32-ish
// lowercase alphanumerics).
func newClientSecret() string { return randomString(lowerAlnum, 51) }

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }
