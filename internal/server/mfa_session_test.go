package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Challenge sessions are single-use (issue 15): once answered, a session
// is refused with Cognito's "session can only be used once" text, on any
// instance, even when the user is back in the state the challenge was
// for. The NEW_PASSWORD_REQUIRED session used to be a stateless token
// that only the user's status guarded: an administrator giving the user a
// temporary password again re-armed every session answered before, and
// whoever held one could set the password.
func TestNewPasswordSessionIsSingleUse(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	session := newPasswordChallenge(t, e, poolID, clientID)
	_, err := e.respondNewPassword(clientID, session, "NewPassw0rd!")
	ok(t, err, "RespondToAuthChallenge")
	_, err = e.respondNewPassword(clientID, session, "Another0ne!")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	_, err = e.SDK.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
		Username: aws.String("bob"), Password: aws.String("Temp0rary2!"), Permanent: false})
	ok(t, err, "AdminSetUserPassword temporary")
	e.wantStatus(poolID, "bob", types.UserStatusTypeForceChangePassword)
	_, err = e.respondNewPassword(clientID, session, "Hijack3d!pw")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")
	_, err = e.initiate(clientID, "bob", "Hijack3d!pw")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
}
