package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// junk is what an attacker hid behind a case-folded key: far over the
// model's 128-character limit, with a NUL and newlines in it.
var junk = strings.Repeat("x\u0000\n", 70_000)

// TestCaseFoldedKeyIsAnUnknownMember: AWS's JSON protocol matches member
// names exactly, so "username" beside "Username" is an unknown member and
// is ignored — never an alias that overrides the validated value (the
// attack stored a 200,000-character name with NULs through SignUp).
func TestCaseFoldedKeyIsAnUnknownMember(t *testing.T) {
	e := newEnv(t)
	poolID := *e.pool().Id
	clientID := *e.client(poolID).ClientId
	body := map[string]string{"ClientId": clientID, "Username": "okname", "Password": goodPassword,
		"username": junk, "password": strings.Repeat("P", 400_000)}
	b, _ := json.Marshal(body)
	resp := e.raw("AWSCognitoIdentityProviderService.SignUp", amzJSON, string(b))
	if got := readAll(t, resp); resp.StatusCode != 200 {
		t.Fatalf("SignUp: %d %s", resp.StatusCode, got)
	}
	users, err := e.SDK.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "ListUsers")
	if len(users.Users) != 1 || *users.Users[0].Username != "okname" {
		t.Fatalf("stored users %d, first %q: the case-folded key overrode the validated one", len(users.Users), *users.Users[0].Username)
	}
	_, err = e.SDK.AdminConfirmSignUp(t.Context(), &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String("okname")})
	ok(t, err, "AdminConfirmSignUp")
	e.signIn(clientID, "okname", goodPassword) // the validated password is the one stored
}

// TestNullAfterValueMeansAbsent: the validator treats a later null as the
// member being absent; the operation must see it absent too, not the
// earlier value (encoding/json leaves a string untouched on null).
func TestNullAfterValueMeansAbsent(t *testing.T) {
	e := newEnv(t)
	poolID := *e.pool().Id
	clientID := *e.client(poolID).ClientId
	e.confirmedUser(poolID, "nulluser", goodPassword, attr("email", "n@example.com"), attr("email_verified", "true"))
	// The client has no secret: a SecretHash the operation saw would be
	// refused with "not configured for secret".
	body := `{"ClientId":"` + clientID + `","Username":"nulluser","SecretHash":"` + strings.Repeat("A", 100) + `","SecretHash":null}`
	resp := e.raw("AWSCognitoIdentityProviderService.ForgotPassword", amzJSON, body)
	if got := readAll(t, resp); resp.StatusCode != 200 {
		t.Fatalf("ForgotPassword: %d %s", resp.StatusCode, got)
	}
}

// TestRepeatedKeyLastWins documents the answer to an exactly repeated key:
// the last occurrence wins, for the validator and the operation alike (as
// with Jackson, on which AWS's Coral front end is built).
func TestRepeatedKeyLastWins(t *testing.T) {
	e := newEnv(t)
	poolID := *e.pool().Id
	clientID := *e.client(poolID).ClientId
	body := `{"ClientId":"` + clientID + `","Username":"` + strings.Repeat("y", 300) + `","Username":"lastname","Password":"` + goodPassword + `"}`
	resp := e.raw("AWSCognitoIdentityProviderService.SignUp", amzJSON, body)
	if got := readAll(t, resp); resp.StatusCode != 200 {
		t.Fatalf("SignUp: %d %s", resp.StatusCode, got)
	}
	if err := e.adminGet(poolID, "lastname"); err != nil {
		t.Fatalf("the last Username was not the one used: %v", err)
	}
	// And the other way round: a valid first value, an invalid last one.
	body = `{"ClientId":"` + clientID + `","Username":"firstname","Username":"` + strings.Repeat("y", 300) + `","Password":"` + goodPassword + `"}`
	status, code, _ := e.rawError("SignUp", body)
	if status != 400 || code != "InvalidParameterException" {
		t.Fatalf("an invalid last value: %d %s, want 400 InvalidParameterException", status, code)
	}
}
