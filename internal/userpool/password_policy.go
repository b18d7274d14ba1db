package userpool

import (
	"strings"
	"unicode/utf8"
)

// cognitoSymbols is the set Cognito counts as symbols for RequireSymbols
// (AWS developer guide, "Password requirements"), plus the space.
const cognitoSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// checkPasswordPolicy reports the first policy rule pw breaks, in the order
// length, uppercase, lowercase, numeric, symbol (spec §3.2 step 8: which one
// Cognito reports first is UNVERIFIED; this is the suggested order). prefix
// is the operation's message prefix (policyPrefixConfirm or policyPrefixSignUp).
func checkPasswordPolicy(p *PasswordPolicyType, pw, prefix string) error {
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(cognitoSymbols, r):
			symbol = true
		}
	}
	fail := func(reason string) error { return errPolicy(prefix, reason) }
	switch {
	case utf8.RuneCountInString(pw) < int(p.MinimumLength):
		return fail(policyTooShort)
	case p.RequireUppercase && !upper:
		return fail(policyUpper)
	case p.RequireLowercase && !lower:
		return fail(policyLower)
	case p.RequireNumbers && !digit:
		return fail(policyNumber)
	case p.RequireSymbols && !symbol:
		return fail(policySymbol)
	}
	return nil
}

// temporaryPassword generates a password that satisfies any policy: it has
// every character class and is longer than the longest allowed minimum.
func temporaryPassword(p *PasswordPolicyType) string {
	n := max(int(p.MinimumLength), 12)
	var b strings.Builder
	b.WriteString(randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 1))
	b.WriteString(randomString("abcdefghijkmnpqrstuvwxyz", 1))
	b.WriteString(randomString("23456789", 1))
	b.WriteString(randomString("!#%&*+=?", 1))
	b.WriteString(randomString(alnum, n-4))
	return b.String()
}
