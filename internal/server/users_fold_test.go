package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Case-insensitive pools fold names as Cognito (Java) lower-cases them:
// String.toLowerCase(Locale.ROOT), the full Unicode mapping. There 'İ'
// (U+0130) becomes "i̇" (i + U+0307), so "alİce" is not "alice"; the Kelvin
// sign (U+212A) becomes 'k', so "\u212Aate" is "kate"; and a capital sigma
// ending a word becomes 'ς', so "ΟΔΟΣ" is "οδος", not "οδοσ" (issue 13,
// "Also": Unicode folding must not let one user's name reach or block
// another's).

// foldPool is a case-insensitive pool with email and preferred_username as
// aliases, holding alice, kate (verified email kate@example.com,
// preferred_username "kitty") and οδος.
func foldPool(t *testing.T) (e *env, poolID, clientID string) {
	t.Helper()
	e = newEnv(t)
	poolID = aws.ToString(e.pool(caseInsensitive, aliasAttributes("email", "preferred_username")).Id)
	clientID = aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword)
	e.confirmedUser(poolID, "kate", goodPassword, append(verifiedEmail("kate@example.com"), attr("preferred_username", "kitty"))...)
	e.confirmedUser(poolID, "οδος", goodPassword)
	return e, poolID, clientID
}

func TestCaseFoldingIsCognitos(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := foldPool(t)
	t.Run("dotted capital I is another name", func(t *testing.T) {
		e := e.with(t)
		wantAPIError(t, e.adminGet(poolID, "alİce"), "UserNotFoundException", "User does not exist.")
		_, err := e.initiate(clientID, "alİce", goodPassword)
		wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
		_, err = e.signUp(clientID, "alİce", goodPassword)
		ok(t, err, "SignUp alİce next to alice")
		for name, want := range map[string]string{"alice": "alice", "ALICE": "alice", "alİce": "alİce", "ALİCE": "alİce"} {
			if got := aws.ToString(e.getUser(poolID, name).Username); got != want {
				t.Errorf("%q resolves to %q, want %q", name, got, want)
			}
		}
	})
	t.Run("Kelvin sign folds to k", func(t *testing.T) {
		e := e.with(t)
		_, err := e.createUser(poolID, "\u212Aate")
		wantAPIError(t, err, "UsernameExistsException", "User account already exists")
		_, err = e.signUp(clientID, "\u212AATE", goodPassword)
		wantAPIError(t, err, "UsernameExistsException", "User already exists")
		if got := aws.ToString(e.getUser(poolID, "\u212AATE").Username); got != "kate" {
			t.Fatalf("\u212AATE resolves to %q, want kate", got)
		}
	})
	t.Run("aliases fold alike", func(t *testing.T) {
		e := e.with(t)
		_, err := e.createUser(poolID, "kelvin", attr("email", "\u212Aate@example.com"), attr("email_verified", "true"))
		wantAPIError(t, err, "AliasExistsException", "An account with the given email already exists.")
		_, err = e.createUser(poolID, "kelvin", attr("preferred_username", "\u212Aitty"))
		wantAPIError(t, err, "AliasExistsException", "An account with the given preferred_username already exists.")
		_, err = e.createUser(poolID, "kelvin", attr("email", "\u212Aate@example.com"))
		ok(t, err, "create kelvin with the address unverified")
		_, err = e.SDK.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("kelvin"), UserAttributes: []types.AttributeType{attr("email_verified", "true")}})
		wantAPIError(t, err, "AliasExistsException", "An account with the given email already exists.")
		if got := aws.ToString(e.getUser(poolID, "KATE@EXAMPLE.COM").Username); got != "kate" {
			t.Fatalf("the email alias resolves to %q, want kate", got)
		}
	})
	t.Run("final sigma", func(t *testing.T) {
		e := e.with(t)
		_, err := e.createUser(poolID, "ΟΔΟΣ")
		wantAPIError(t, err, "UsernameExistsException", "User account already exists")
		_, err = e.createUser(poolID, "οδοσ")
		ok(t, err, "create οδοσ next to οδος")
		if got := aws.ToString(e.getUser(poolID, "ΟΔΟΣ").Username); got != "οδος" {
			t.Fatalf("ΟΔΟΣ resolves to %q, want οδος", got)
		}
	})
}
