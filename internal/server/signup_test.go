package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func (e *env) signUp(clientID, username, password string, attrs ...types.AttributeType) (*cip.SignUpOutput, error) {
	return e.SDK.SignUp(e.t.Context(), &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(username),
		Password: aws.String(password), UserAttributes: attrs})
}

func TestSignUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	out, err := e.signUp(clientID, "alice", goodPassword, attr("email", "alice@example.com"))
	ok(t, err, "SignUp")
	if out.UserConfirmed || !uuidAny.MatchString(aws.ToString(out.UserSub)) {
		t.Fatalf("UserConfirmed %v UserSub %q", out.UserConfirmed, aws.ToString(out.UserSub))
	}
	u := e.getUser(poolID, "alice")
	if u.UserStatus != types.UserStatusTypeUnconfirmed || !u.Enabled {
		t.Fatalf("status %s enabled %v, want UNCONFIRMED true", u.UserStatus, u.Enabled)
	}
	if sub, _ := attrValue(u.UserAttributes, "sub"); sub != aws.ToString(out.UserSub) {
		t.Fatalf("sub %q, SignUp said %q", sub, aws.ToString(out.UserSub))
	}
	if v, _ := attrValue(u.UserAttributes, "email"); v != "alice@example.com" {
		t.Fatalf("email %q", v)
	}
	_, err = e.signUp(clientID, "alice", goodPassword)
	wantAPIError(t, err, "UsernameExistsException", "User already exists")
	_, err = e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "UserNotConfirmedException", "User is not confirmed.")
}

func TestSignUpPasswordPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	const prefix = "Password did not conform with policy: "
	for _, c := range []struct{ name, password, reason string }{
		{"too short", "Pa1!", "Password not long enough"},
		{"no uppercase", "passw0rd!", "Password must have uppercase characters"},
		{"no lowercase", "PASSW0RD!", "Password must have lowercase characters"},
		{"no number", "Password!", "Password must have numeric characters"},
		{"no symbol", "Passw0rdx", "Password must have symbol characters"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			_, err := e.signUp(clientID, "u-"+c.password, c.password)
			wantAPIError(t, err, "InvalidPasswordException", prefix+c.reason)
			wantAPIError(t, e.adminGet(poolID, "u-"+c.password), "UserNotFoundException", "User does not exist.")
		})
	}
}

func TestSignUpUnknownClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.signUp("nosuchclient", "alice", goodPassword)
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.")
}

func TestAdminConfirmSignUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	_, err := e.signUp(clientID, "alice", goodPassword)
	ok(t, err, "SignUp")
	confirm := func(name string) error {
		_, err := e.SDK.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
		return err
	}
	ok(t, confirm("alice"), "AdminConfirmSignUp")
	if got := e.getUser(poolID, "alice").UserStatus; got != types.UserStatusTypeConfirmed {
		t.Fatalf("status %s, want CONFIRMED", got)
	}
	e.signIn(clientID, "alice", goodPassword)
	wantAPIError(t, confirm("alice"), "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")

	_, err = e.createUser(poolID, "bob")
	ok(t, err, "AdminCreateUser")
	wantAPIError(t, confirm("bob"), "NotAuthorizedException", "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD")
	wantAPIError(t, confirm("nobody"), "UserNotFoundException", "User does not exist.")
}
