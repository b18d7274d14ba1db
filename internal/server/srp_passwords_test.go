package server_test

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/store/sqlite"
)

// The SRP verifier is derived at every password set (issue 15 item 1):
// after each way of setting a password, SRP accepts the new one and
// refuses the old one; users from before the verifier existed fail SRP
// as a wrong password would, keep USER_PASSWORD_AUTH, and get a verifier
// with their next password.

// switched checks that SRP refuses old and accepts fresh for name.
func (f *srpFlow) switched(name, old, fresh string) {
	f.e.t.Helper()
	if old != "" {
		_, err := f.signIn(name, old)
		wantAPIError(f.e.t, err, "NotAuthorizedException", msgBadCredential)
	}
	f.mustSignIn(name, fresh)
}

func TestSRPAfterEveryPasswordSet(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t, withDev)
	ctx := t.Context()
	poolID := aws.String(f.poolID)

	t.Run("SignUp", func(t *testing.T) {
		f := &srpFlow{e: e.with(t), poolID: f.poolID, clientID: f.clientID}
		_, err := f.e.signUp(f.clientID, "sam", goodPassword)
		ok(t, err, "SignUp")
		_, err = e.SDK.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: poolID, Username: aws.String("sam")})
		ok(t, err, "AdminConfirmSignUp")
		f.switched("sam", "", goodPassword)
	})
	t.Run("AdminSetUserPassword", func(t *testing.T) {
		f := &srpFlow{e: e.with(t), poolID: f.poolID, clientID: f.clientID}
		_, err := e.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: poolID, Username: aws.String("alice"),
			Password: aws.String("Admin-Set-Passw0rd!"), Permanent: true})
		ok(t, err, "AdminSetUserPassword")
		f.switched("alice", goodPassword, "Admin-Set-Passw0rd!")
	})
	t.Run("ChangePassword", func(t *testing.T) {
		f := &srpFlow{e: e.with(t), poolID: f.poolID, clientID: f.clientID}
		e.confirmedUser(f.poolID, "chad", goodPassword)
		tok := f.mustSignIn("chad", goodPassword).AccessToken
		_, err := e.SDK.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok, PreviousPassword: aws.String(goodPassword),
			ProposedPassword: aws.String("Changed-Passw0rd!")})
		ok(t, err, "ChangePassword")
		f.switched("chad", goodPassword, "Changed-Passw0rd!")
	})
	t.Run("ConfirmForgotPassword", func(t *testing.T) {
		f := &srpFlow{e: e.with(t), poolID: f.poolID, clientID: f.clientID}
		e.confirmedUser(f.poolID, "fay", goodPassword, verifiedEmail("fay@example.com")...)
		code := f.e.mustForgot(f.poolID, f.clientID, "fay")
		ok(t, f.e.confirmForgot(f.clientID, "fay", code, "Reset-Passw0rd!"), "ConfirmForgotPassword")
		f.switched("fay", goodPassword, "Reset-Passw0rd!")
	})
	t.Run("AdminCreateUser and RESEND", func(t *testing.T) {
		f := &srpFlow{e: e.with(t), poolID: f.poolID, clientID: f.clientID}
		for _, in := range []*cip.AdminCreateUserInput{
			{UserPoolId: poolID, Username: aws.String("tia"), TemporaryPassword: aws.String("Temp-1-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress},
			{UserPoolId: poolID, Username: aws.String("tia"), TemporaryPassword: aws.String("Temp-2-Passw0rd!"), MessageAction: types.MessageActionTypeResend},
		} {
			_, err := e.SDK.AdminCreateUser(ctx, in)
			ok(t, err, "AdminCreateUser "+string(in.MessageAction))
		}
		_, err := f.signIn("tia", "Temp-1-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
		out, err := f.signIn("tia", "Temp-2-Passw0rd!")
		ok(t, err, "SRP with the resent temporary password")
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("challenge %q", out.ChallengeName)
		}
		_, err = f.e.SDK.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(f.clientID),
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "tia", "NEW_PASSWORD": "Chosen-Passw0rd!"}})
		ok(t, err, "NEW_PASSWORD_REQUIRED")
		f.switched("tia", "Temp-2-Passw0rd!", "Chosen-Passw0rd!")
	})
}

// TestSRPAfterUserMigration: SRP never calls UserMigration (it has no
// password to give it, as on Cognito); a user migrated by
// USER_PASSWORD_AUTH or through ForgotPassword then signs in with SRP.
func TestSRPAfterUserMigration(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, passwordClient := migrationPool(te)
	f := &srpFlow{e: te.env, poolID: poolID, clientID: aws.ToString(te.client(poolID, withSRP).ClientId)}
	te.fn.Handle("migrate", migrated("dave@example.com", "CONFIRMED"))

	_, _, err := f.start("dave")
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	te.wantInvocations(t, "migrate", 0)

	te.signIn(passwordClient, "dave", "Legacy-Passw0rd")
	f.switched("dave", "", "Legacy-Passw0rd")

	te.fn.Handle("migrate", migrated("erin@example.com", ""))
	code := te.mustForgot(poolID, passwordClient, "erin")
	ok(t, te.confirmForgot(passwordClient, "erin", code, "Fresh-Passw0rd!"), "ConfirmForgotPassword")
	f.switched("erin", "", "Fresh-Passw0rd!")
	te.wantInvocations(t, "migrate", 2)
}

// TestSRPUserWithoutVerifier: a user stored before verifiers existed (the
// column empty) fails SRP exactly as with a wrong password — under ENABLED
// with a challenge like any other — signs in with USER_PASSWORD_AUTH, and
// gets a verifier from the next password set.
func TestSRPUserWithoutVerifier(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, f := srpSetup(t, withStore(st), withDev)
	u, err := st.GetUserByKey(t.Context(), f.poolID, "username", "alice")
	ok(t, err, "GetUserByKey")
	if len(u.Verifier) == 0 {
		t.Fatal("alice has no verifier to remove")
	}
	u.Verifier = nil
	ok(t, st.UpdateUser(t.Context(), u), "UpdateUser")

	for _, clientID := range []string{f.clientID, aws.ToString(e.client(f.poolID, withSRP, enabledClient).ClientId)} {
		g := *f
		g.clientID = clientID
		_, p := g.challenge("alice")
		if p["USER_ID_FOR_SRP"] != "alice" || p["SALT"] == "" || p["SRP_B"] == "" {
			t.Fatalf("challenge %v", p)
		}
		_, err := g.signIn("alice", goodPassword)
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	e.signIn(f.clientID, "alice", goodPassword)

	code := e.mustForgot(f.poolID, f.clientID, "alice")
	ok(t, e.confirmForgot(f.clientID, "alice", code, "Next-Passw0rd!"), "ConfirmForgotPassword")
	f.switched("alice", goodPassword, "Next-Passw0rd!")
}
