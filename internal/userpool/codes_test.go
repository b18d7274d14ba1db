package userpool

import (
	"bytes"
	"regexp"
	"testing"
)

func TestMasking(t *testing.T) {
	cases := []struct{ in, want string }{
		{"jane@example.com", "j***@e***"},
		{"u@y.io", "u***@y***"},
		{"élodie@ünï.fr", "é***@ü***"},
		{"no-at-sign", "n***"},
	}
	for _, c := range cases {
		if got := maskEmail(c.in); got != c.want {
			t.Errorf("maskEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	phones := []struct{ in, want string }{
		{"+14155550123", "+*******0123"},
		{"+447700900123", "+********0123"},
		{"+12345", "+*2345"},
	}
	for _, c := range phones {
		if got := maskPhone(c.in); got != c.want {
			t.Errorf("maskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNewCodeIsSixRandomDigits(t *testing.T) {
	s := &Service{}
	six := regexp.MustCompile(`^[0-9]{6}$`)
	seen := map[string]bool{}
	for range 2000 {
		c := s.newCode()
		if !six.MatchString(c) {
			t.Fatalf("code %q is not 6 digits", c)
		}
		seen[c] = true
	}
	// 2000 draws from 10^6 values: expect about 2 collisions; 1950 distinct
	// values is far below what a working generator produces.
	if len(seen) < 1950 {
		t.Fatalf("only %d distinct codes in 2000 draws", len(seen))
	}
	s.cfg.FixedCode = "123456"
	if s.newCode() != "123456" {
		t.Fatal("fixed code ignored")
	}
}

// TestCodeMACBinding: the stored MAC depends on every binding input and on
// the key, so a code cannot move between pools, users, purposes or addresses.
func TestCodeMACBinding(t *testing.T) {
	s := &Service{codeKey: []byte("k1")}
	base := s.codeMAC("pool", "user", purposeReset, "", "123456")
	variants := map[string][]byte{
		"pool":    s.codeMAC("pool2", "user", purposeReset, "", "123456"),
		"user":    s.codeMAC("pool", "user2", purposeReset, "", "123456"),
		"purpose": s.codeMAC("pool", "user", purposeSignUp, "", "123456"),
		"address": s.codeMAC("pool", "user", purposeReset, "a@b", "123456"),
		"code":    s.codeMAC("pool", "user", purposeReset, "", "123457"),
		"split":   s.codeMAC("poolu", "ser", purposeReset, "", "123456"),
	}
	other := &Service{codeKey: []byte("k2")}
	variants["key"] = other.codeMAC("pool", "user", purposeReset, "", "123456")
	for name, mac := range variants {
		if bytes.Equal(mac, base) {
			t.Errorf("changing the %s does not change the MAC", name)
		}
	}
	if !bytes.Equal(base, s.codeMAC("pool", "user", purposeReset, "", "123456")) {
		t.Fatal("MAC is not deterministic")
	}
}
