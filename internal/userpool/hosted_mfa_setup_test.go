package userpool

import (
	"net/url"
	"strings"
	"testing"

	"github.com/userpool/userpool/internal/store"
)

// The key URI survives any pool name and username: the label splits at
// its own colon, the issuer reads back as the pool name, spaces are %20.
func TestKeyURI(t *testing.T) {
	for _, tc := range []struct{ issuer, account, want string }{
		{"Acme Staff", "oz@example.com", "otpauth://totp/Acme%20Staff:oz@example.com?secret=S&issuer=Acme%20Staff"},
		{"a+b=c,d", "x:y&z", "otpauth://totp/a%2Bb=c%2Cd:x%3Ay&z?secret=S&issuer=a%2Bb%3Dc%2Cd"},
		{"Ünïcode", "a/b", "otpauth://totp/%C3%9Cn%C3%AFcode:a%2Fb?secret=S&issuer=%C3%9Cn%C3%AFcode"},
	} {
		got := keyURI(tc.issuer, tc.account, "S")
		if got != tc.want {
			t.Errorf("keyURI(%q, %q) = %q, want %q", tc.issuer, tc.account, got, tc.want)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		issuer, account, ok := strings.Cut(strings.TrimPrefix(u.Path, "/"), ":")
		if !ok || issuer != tc.issuer || account != tc.account || u.Query().Get("issuer") != tc.issuer ||
			u.Query().Get("secret") != "S" || u.Host != "totp" {
			t.Errorf("%q parses as %q / %q / %v", got, issuer, account, u.Query())
		}
	}
}

// The account label is the name the user signs in with.
func TestSignInName(t *testing.T) {
	u := &store.User{Username: "1f0c-uuid", Attributes: []store.Attribute{{Name: "email", Value: "oz@example.com"}}}
	d := &poolDoc{}
	d.UsernameAttributes = []string{"phone_number", "email"} // the user has no phone: the email
	if got := signInName(d, u); got != "oz@example.com" {
		t.Errorf("email pool: %q", got)
	}
	if got := signInName(&poolDoc{}, u); got != "1f0c-uuid" {
		t.Errorf("username pool: %q", got)
	}
}
