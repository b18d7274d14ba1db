package server_test

import (
	"time"

	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// A user locked out by wrong passwords is exactly the person account
// recovery is for: a completed reset, or a password an administrator
// sets, ends the sign-in lockout (issue 14 item 3; UNVERIFIED on Cognito,
// whose documentation names only a successful sign-in and 15 quiet
// minutes).

// lockOut fails five sign-ins of username and checks the lockout holds
// even for the right password.
func (e *env) lockOut(clientID, username, password string) {
	e.t.Helper()
	for range 5 {
		_, err := e.initiate(clientID, username, "Wrong-Passw0rd!")
		wantAPIError(e.t, err, "NotAuthorizedException", msgBadCredential)
	}
	_, err := e.initiate(clientID, username, password)
	wantAPIError(e.t, err, "NotAuthorizedException", attemptsExceeded)
}

func TestPasswordResetEndsSignInLockout(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLongLockout)
	e.lockOut(clientID, "alice", goodPassword)
	code := e.mustForgot(poolID, clientID, "alice")
	ok(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "ConfirmForgotPassword while locked out")
	e.signIn(clientID, "alice", "NewPassw0rd!")
	// A refused reset (wrong code) ends nothing.
	e.lockOut(clientID, "alice", "NewPassw0rd!")
	code = e.mustForgot(poolID, clientID, "alice")
	wantAPIError(t, e.confirmForgot(clientID, "alice", otherCode(code), "Other-Passw0rd!"), "CodeMismatchException", msgCodeMismatch)
	_, err := e.initiate(clientID, "alice", "NewPassw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
}

func TestAdminSetUserPasswordEndsSignInLockout(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLongLockout)
	for _, permanent := range []bool{true, false} {
		e.lockOut(clientID, "alice", goodPassword)
		_, err := e.SDK.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
			Username: aws.String("alice"), Password: aws.String(goodPassword), Permanent: permanent})
		ok(t, err, "AdminSetUserPassword while locked out")
		out, err := e.initiate(clientID, "alice", goodPassword)
		ok(t, err, "sign-in after AdminSetUserPassword")
		if !permanent && string(out.ChallengeName) != "NEW_PASSWORD_REQUIRED" {
			t.Fatalf("temporary password: challenge %q, want NEW_PASSWORD_REQUIRED", out.ChallengeName)
		}
	}
}

// Cognito's lockout starts short: one second after the fifth failure
// (spec §6 InitiateAuth; AWS: "locks out your user for one second").
func TestSignInLockoutStartsShort(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t)
	for range 5 {
		_, err := e.initiate(clientID, "alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	e.Clock.Advance(time.Second)
	e.signIn(clientID, "alice", goodPassword)
}
