package userpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Values the server hands out and takes back authenticated — challenge
// sessions, hosted sessions, CSRF tokens, the authorization-code key — are
// all HMACs under the one server session key, each under its own label, so
// that a value made for one purpose never verifies for another.

// keyedMAC is HMAC-SHA256 under the session key of label, a NUL, then data.
func (s *Service) keyedMAC(label string, data ...[]byte) []byte {
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte(label + "\x00"))
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// sealSigned encodes v as base64url(JSON) "." base64url(keyedMAC(label)).
func (s *Service) sealSigned(label string, v any) string {
	payload, _ := json.Marshal(v) // callers seal structs of strings, ints and string slices
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(s.keyedMAC(label, payload))
}

// openSigned decodes into v a value sealSigned made under label; false
// for anything tampered, malformed or sealed under another label.
func (s *Service) openSigned(label, tok string, v any) bool {
	enc := base64.RawURLEncoding
	p, m, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(m)
	return err1 == nil && err2 == nil && hmac.Equal(mac, s.keyedMAC(label, payload)) && json.Unmarshal(payload, v) == nil
}
