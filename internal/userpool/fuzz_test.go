package userpool

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMasking: masking never panics and never reveals more than Cognito's
// format allows: for an email exactly the first character of each side.
func FuzzMasking(f *testing.F) {
	for _, s := range []string{"jane@example.com", "u@y", "@", "", "a@b@c", "+14155550123", "+1", "é@ü", "\xff@\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := maskEmail(s)
		if local, domain, ok := strings.Cut(s, "@"); ok && m != firstRune(local)+"***@"+firstRune(domain)+"***" {
			t.Fatalf("maskEmail(%q) = %q, not first characters and stars", s, m)
		}
		p := maskPhone(s)
		if utf8.ValidString(s) && utf8.RuneCountInString(p) != utf8.RuneCountInString(s) {
			t.Fatalf("maskPhone(%q) = %q changes the length", s, p)
		}
	})
}

// FuzzParseFilter: any Filter string either parses or is the Cognito error.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`email = "a@b"`, `email ^= "a"`, `cognito:user_status = "CONFIRMED"`, `x`, `"`, `email = "\"`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseFilter(s)
		if err != nil && err != errFilterParse {
			t.Fatalf("parseFilter(%q) = %v", s, err)
		}
		_ = flt
	})
}

// FuzzOpenSession: a Session string is attacker-controlled. Opening one
// never panics, and no string the fuzzer makes — including mutations of
// real sessions minted with another key — is accepted. (Genuine sessions
// are accepted: the NEW_PASSWORD_REQUIRED tests in internal/server.)
func FuzzOpenSession(f *testing.F) {
	s := &Service{sessionKey: []byte("0123456789abcdef0123456789abcdef"), clock: SystemClock{}}
	c := &clientView{ID: "client", doc: &ClientSettings{AuthSessionValidity: 3}, pool: &poolView{ID: "pool"}}
	other := &Service{sessionKey: []byte("another key, another server....."), clock: SystemClock{}}
	minted := other.newSession(c, "alice", other.now())
	for _, seed := range []string{minted, "", ".", "a.b", minted + "x", strings.Replace(minted, ".", "..", 1)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		cs, err := s.openSession(c, tok, s.now())
		if err == nil {
			t.Fatalf("forged session %q accepted as %+v", tok, cs)
		}
		if err != errInvalidSession && err != errSessionExpired {
			t.Fatalf("openSession error %v", err)
		}
	})
}

// FuzzLookup: normalisation and the lookup kinds never panic; in a
// case-insensitive pool every kind but phone and sub folds case, folding
// twice changes nothing, and today's fold differs from the one before
// issue 13 (strings.ToLower) only on names with 'İ' or 'Σ', the only names
// whose stored keys may be stale (fold.go).
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"Alice", "a@B.com", "+1555", "0b9e5d2c-2f64-4f6e-9c1a-3b1f6c1d2e3f", "", "\x00", "alİce", "ΟΔΟΣ", "\u212Aate"} {
		f.Add(s)
	}
	insensitive := false
	d := &poolDoc{ImmutablePoolSettings: ImmutablePoolSettings{AliasAttributes: []string{"email", "phone_number", "preferred_username"},
		UsernameConfiguration: &UsernameConfigurationType{CaseSensitive: &insensitive}}}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			return // JSON decoding makes every name valid UTF-8
		}
		for _, kind := range d.lookupKinds(name) {
			v := d.norm(kind, name)
			folded := kind != "phone_number" && kind != "sub"
			if folded && v != foldCase(name) || !folded && v != name {
				t.Fatalf("norm(%s, %q) = %q", kind, name, v)
			}
			if d.norm(kind, v) != v {
				t.Fatalf("norm(%s, %q) = %q, folded again %q", kind, name, v, d.norm(kind, v))
			}
			if v != d.legacyNorm(kind, name) && !strings.ContainsAny(name, "İΣ") {
				t.Fatalf("%q folds to %q, to %q before issue 13", name, v, d.legacyNorm(kind, name))
			}
		}
	})
}

// FuzzSecretHash: a SecretHash is attacker-controlled. Only the exact
// Base64(HMAC-SHA256(secret, username+clientID)) for one of the client's
// secrets (two during a rotation) and one of the accepted names passes;
// everything else is one of Cognito's three errors.
func FuzzSecretHash(f *testing.F) {
	c := &clientView{ID: "3ho4ek12345678909nh3fmhpko", secrets: []clientSecret{{Value: "s3cr3t"}, {Value: "n3wer"}}}
	good := secretHash("s3cr3t", "alice", c.ID)
	for _, s := range []string{good, secretHash("n3wer", "alice", c.ID), "", good[:len(good)-1], strings.ToLower(good), good + "=", "\x00"} {
		f.Add(s, "alice")
	}
	f.Fuzz(func(t *testing.T, given, name string) {
		err := checkSecretHash(c, given, errSecretHashNotReceived, name)
		valid := given != "" && (given == secretHash("s3cr3t", name, c.ID) || given == secretHash("n3wer", name, c.ID))
		if (err == nil) != valid {
			t.Fatalf("checkSecretHash(%q, %q) = %v, valid %v", given, name, err, valid)
		}
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != NotAuthorized {
				t.Fatalf("error %v", err)
			}
		}
		// A client without a secret accepts only an absent hash.
		if err := checkSecretHash(&clientView{ID: c.ID}, given, errSecretHashNotReceived, name); (err == nil) != (given == "") {
			t.Fatalf("secretless client, hash %q: %v", given, err)
		}
	})
}
