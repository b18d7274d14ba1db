package userpool

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// codePurpose scopes a one-time code: a code issued for one purpose never
// completes another (spec §8; cognito-local's shared code field is the bug
// this prevents, user-asks row 12).
type codePurpose string

const (
	purposeReset       codePurpose = "RESET"        // ForgotPassword, AdminResetUserPassword → ConfirmForgotPassword
	purposeSignUp      codePurpose = "SIGN_UP"      // SignUp, ResendConfirmationCode → ConfirmSignUp
	purposeVerifyEmail codePurpose = "VERIFY:email" // GetUserAttributeVerificationCode → VerifyUserAttribute
	purposeVerifyPhone codePurpose = "VERIFY:phone_number"
	purposeMFA         codePurpose = "MFA" // SMS and email MFA codes; TOTP entries count under it too
)

// ttl is the code's lifetime: 1 hour for reset codes, 3 minutes for MFA
// codes, 24 hours for sign-up and attribute codes (spec §2.10, DOC).
func (p codePurpose) ttl() time.Duration {
	switch p {
	case purposeReset:
		return time.Hour
	case purposeMFA:
		return 3 * time.Minute
	}
	return 24 * time.Hour
}

// boundTo is the address a code of this purpose is bound to: sign-up and
// attribute codes verify the address they were sent to, so they are bound
// to it; a reset code proves the user, whatever its address is now.
func (p codePurpose) boundTo(address string) string {
	if p == purposeReset {
		return ""
	}
	return address
}

func verifyPurpose(attr string) codePurpose {
	if attr == "phone_number" {
		return purposeVerifyPhone
	}
	return purposeVerifyEmail
}

// newCode returns six decimal digits from crypto/rand (spec §2.10), or the
// development fixed code when one is configured.
func (s *Service) newCode() string {
	if s.cfg.FixedCode != "" {
		return s.cfg.FixedCode
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	// 2^64 mod 10^6 bias is below 1e-13: negligible.
	return fmt.Sprintf("%06d", binary.BigEndian.Uint64(b[:])%1_000_000)
}

// codeMAC is what is stored instead of the code: an HMAC under the server's
// code key, bound to the pool, the user, the purpose and the address the
// code was sent to, so a stolen database yields no codes, and a code cannot
// be replayed across users or purposes, nor verify an address it was not
// sent to (an email changed after the code was sent).
func (s *Service) codeMAC(poolID, username string, p codePurpose, sentTo, code string) []byte {
	m := hmac.New(sha256.New, s.codeKey)
	for _, part := range []string{poolID, username, string(p), sentTo, code} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}
