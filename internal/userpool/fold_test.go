package userpool

import (
	"errors"
	"testing"

	"github.com/userpool/userpool/internal/store"
)

// foldCase is Java's String.toLowerCase(Locale.ROOT), which Cognito uses.
func TestFoldCase(t *testing.T) {
	for in, want := range map[string]string{
		"Alice":     "alice",
		"alİce":     "ali\u0307ce", // U+0130 → i + COMBINING DOT ABOVE (SpecialCasing.txt)
		"\u212Aate": "kate",        // KELVIN SIGN → k
		"ΟΔΟΣ":      "οδος",        // final sigma
		"ΟΔΟΣ ΑΣ":   "οδος ας",
		"ΟΔΟΣ@X":    "οδος@x",
		"ΑΣΑ":       "ασα", // not final
		"Σ":         "σ",   // no cased letter before
		"ẞ":         "ß",
		"STRASSE":   "strasse",
		"phone+1":   "phone+1",
	} {
		if got := foldCase(in); got != want {
			t.Errorf("foldCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// Users saved before issue 13 hold keys folded by strings.ToLower: "alİce"
// holds "alice". Such a user must still be found by its own name, the
// stale key must not answer for the name that folds to it today, and it
// must not block that name from being created.
func TestStaleFoldedKeys(t *testing.T) {
	ctx := t.Context()
	s, _ := testService(t, Config{})
	insensitive := false
	poolID, _ := enabledPool(t, s, &CreateUserPoolInput{AliasAttributes: []string{"email"},
		UsernameConfiguration: &UsernameConfigurationType{CaseSensitive: &insensitive}})
	confirmedUser(t, s, poolID, "alİce", AttributeType{"email", "ΟΔΟΣ@example.com"}, AttributeType{"email_verified", "true"})
	pool, err := s.loadPool(ctx, s.store, poolID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.findUser(ctx, s.store, pool, "alİce")
	if err != nil {
		t.Fatal(err)
	}
	u.Keys = []store.UserKey{{Kind: "username", Value: "alice"}, {Kind: "sub", Value: u.Sub}, {Kind: "email", Value: "οδοσ@example.com"}}
	if err := s.store.UpdateUser(ctx, u); err != nil { // as the old fold wrote them
		t.Fatal(err)
	}
	resolves := func(name, want string) {
		t.Helper()
		got, err := s.AdminGetUser(ctx, &AdminUserInput{UserPoolId: poolID, Username: name})
		switch {
		case want == "" && !errors.Is(err, errUserDoesNotExist):
			t.Fatalf("%q resolves to %+v, %v; want UserNotFoundException", name, got, err)
		case want != "" && (err != nil || got.Username != want):
			t.Fatalf("%q resolves to %+v, %v; want %q", name, got, err, want)
		}
	}
	resolves("alİce", "alİce")
	resolves("ALİCE", "alİce")
	resolves("ΟΔΟΣ@EXAMPLE.COM", "alİce")
	resolves("alice", "")
	resolves("οδοσ@example.com", "")
	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "alice", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{"email", "οδοσ@example.com"}, {"email_verified", "true"}}}); err != nil {
		t.Fatalf("AdminCreateUser alice, blocked by alİce's stale key: %v", err)
	}
	resolves("alice", "alice")
	resolves("οδοσ@example.com", "alice")
	resolves("alİce", "alİce")
	resolves("ΟΔΟΣ@example.com", "alİce")
}
