package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// Shared helpers for the behaviour tests. Every error assertion goes through
// the real SDK's error decoding, so the code and message are what an
// application using aws-sdk-go-v2 would see.

// A password that satisfies the default policy (8+, upper, lower, digit, symbol).
const goodPassword = "Passw0rd!"

var uuidAny = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// wantAPIError fails unless err is an API error with exactly this code and message.
func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %q", code, message)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an API error, want %s %q", err, code, message)
	}
	if apiErr.ErrorCode() != code || apiErr.ErrorMessage() != message {
		t.Fatalf("got %s %q\nwant %s %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), code, message)
	}
}

// wantAPICode checks only the code, for errors whose Cognito wording is not
// established (UNVERIFIED in the spec): the test must not pin a guess.
func wantAPICode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an API error, want %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("got %s %q, want code %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), code)
	}
}

// ok fails the test on an unexpected error.
func ok(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// with returns a copy of the env whose helpers report to t, so that parallel
// subtests sharing one server fail their own test, not the parent.
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// attrValue returns the named attribute and whether it is present.
func attrValue(attrs []types.AttributeType, name string) (string, bool) {
	for _, a := range attrs {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value), true
		}
	}
	return "", false
}

// secretHash is Cognito's SECRET_HASH, computed independently of the server
// (spec §2.8): Base64(HMAC-SHA256(key = secret, message = username + clientId)).
func secretHash(secret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signIn runs USER_PASSWORD_AUTH and requires tokens.
func (e *env) signIn(clientID, username, password string) *types.AuthenticationResultType {
	e.t.Helper()
	out, err := e.initiate(clientID, username, password)
	if err != nil {
		e.t.Fatalf("InitiateAuth %s: %v", username, err)
	}
	if out.AuthenticationResult == nil {
		e.t.Fatalf("InitiateAuth %s: no tokens (challenge %q)", username, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// initiate runs USER_PASSWORD_AUTH and returns the raw result.
func (e *env) initiate(clientID, username, password string, extra ...string) (*cip.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	for i := 0; i+1 < len(extra); i += 2 {
		params[extra[i]] = extra[i+1]
	}
	return e.SDK.InitiateAuth(e.t.Context(), &cip.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params})
}

// getUser fetches a user with AdminGetUser and requires success.
func (e *env) getUser(poolID, name string) *cip.AdminGetUserOutput {
	e.t.Helper()
	out, err := e.SDK.AdminGetUser(e.t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
	if err != nil {
		e.t.Fatalf("AdminGetUser %s: %v", name, err)
	}
	return out
}
