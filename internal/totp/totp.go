// Package totp computes and checks time-based one-time passwords as
// RFC 6238 defines them and as Cognito's software token MFA uses them:
// HMAC-SHA1, six digits, a 30-second step, and a code of the step before
// or after the current one still accepted (clock skew between the
// authenticator and the server).
//
// The package is pure: no clock, no randomness, no state. Callers pass the
// time, hold the key, and decide what to do with the matched step (userpool
// marks it used, so that a code is accepted at most once).
package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

const (
	// Period is the time step (RFC 6238 section 4.1, X = 30 s).
	Period = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
	// Skew is how many steps before and after the current one are accepted
	// (RFC 6238 section 5.2 recommends at most one).
	Skew = 1
)

// encoding is base32 without padding, upper case: the form of Cognito's
// SecretCode and what authenticator apps read from an otpauth:// URI.
var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Encode renders a key as Cognito's SecretCode.
func Encode(key []byte) string { return encoding.EncodeToString(key) }

// Decode parses a SecretCode; lower case and padding are accepted, as
// authenticator apps accept them.
func Decode(s string) ([]byte, error) {
	return encoding.DecodeString(strings.TrimRight(strings.ToUpper(s), "="))
}

// HOTP is RFC 4226's HOTP value of counter under key with digits digits
// (at most 9), zero-padded.
func HOTP(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	// Dynamic truncation (RFC 4226 section 5.3).
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := make([]byte, digits)
	v := bin % mod
	for i := digits - 1; i >= 0; i-- {
		s[i] = byte('0' + v%10)
		v /= 10
	}
	return string(s)
}

// Counter is the time step t falls in (RFC 6238 section 4.2, T0 = 0). Times
// before the epoch are step 0.
func Counter(t time.Time) uint64 {
	sec := t.Unix()
	if sec < 0 {
		return 0
	}
	return uint64(sec) / uint64(Period/time.Second)
}

// StepEnd is when step counter ends.
func StepEnd(counter uint64) time.Time {
	return time.Unix(int64(counter+1)*int64(Period/time.Second), 0).UTC()
}

// Code is the six-digit code of key at t.
func Code(key []byte, t time.Time) string { return HOTP(key, Counter(t), Digits) }

// Verify reports whether code is key's code for the step of t or one step
// either side, and which step it matched. Every candidate is compared in
// constant time, matching or not, so the time taken tells nothing.
func Verify(key []byte, code string, t time.Time) (counter uint64, ok bool) {
	if len(code) != Digits {
		return 0, false
	}
	now := Counter(t)
	for d := -Skew; d <= Skew; d++ {
		c := now + uint64(d)
		if d < 0 && now < uint64(-d) {
			continue // no step before step 0
		}
		if subtle.ConstantTimeCompare([]byte(HOTP(key, c, Digits)), []byte(code)) == 1 && !ok {
			counter, ok = c, true
		}
	}
	return counter, ok
}
