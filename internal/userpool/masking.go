package userpool

import (
	"strings"
	"unicode/utf8"
)

// maskEmail renders an email as Cognito's CodeDeliveryDetails does today:
// first character of the local part, "***@", first character of the
// domain, "***" — e.g. "t***@g***" (spec §2.6, OBS).
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return firstRune(email) + "***"
	}
	return firstRune(local) + "***@" + firstRune(domain) + "***"
}

// maskPhone keeps "+" and the last four digits and replaces every other
// character with "*", preserving length: +14155550123 → +*******0123.
func maskPhone(phone string) string {
	runes := []rune(phone)
	keep := 4
	var b strings.Builder
	for i, r := range runes {
		switch {
		case i == 0 && r == '+':
			b.WriteRune('+')
		case i >= len(runes)-keep:
			b.WriteRune(r)
		default:
			b.WriteRune('*')
		}
	}
	return b.String()
}

func firstRune(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return ""
	}
	return string(r)
}
