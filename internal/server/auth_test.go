package server_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// getUserErr calls GetUser with an access token and returns the error.
func (e *env) getUserErr(accessToken string) error {
	_, err := e.SDK.GetUser(e.t.Context(), &cip.GetUserInput{AccessToken: aws.String(accessToken)})
	return err
}

// refresh runs REFRESH_TOKEN_AUTH.
func (e *env) refresh(clientID, refreshToken string) (*cip.InitiateAuthOutput, error) {
	return e.SDK.InitiateAuth(e.t.Context(), &cip.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": refreshToken}})
}

// authSetup is a pool with one LEGACY client (password, admin and refresh
// flows), and a CONFIRMED user alice with goodPassword.
func authSetup(t *testing.T, opts ...func(*envConfig)) (e *env, poolID, clientID string) {
	e = newEnv(t, opts...)
	poolID = aws.ToString(e.pool().Id)
	clientID = aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "alice@example.com"), attr("email_verified", "true"))
	return e, poolID, clientID
}

func TestInitiateAuthUserPassword(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t)
	out, err := e.initiate(clientID, "alice", goodPassword)
	ok(t, err, "InitiateAuth")
	r := out.AuthenticationResult
	if out.ChallengeName != "" || r == nil {
		t.Fatalf("challenge %q, result %v", out.ChallengeName, r)
	}
	if aws.ToString(r.AccessToken) == "" || aws.ToString(r.IdToken) == "" || aws.ToString(r.RefreshToken) == "" ||
		aws.ToString(r.TokenType) != "Bearer" || r.ExpiresIn != 3600 {
		t.Fatalf("AuthenticationResult %+v", r)
	}
	got, err := e.SDK.GetUser(t.Context(), &cip.GetUserInput{AccessToken: r.AccessToken})
	ok(t, err, "GetUser")
	if aws.ToString(got.Username) != "alice" {
		t.Fatalf("GetUser Username %q", aws.ToString(got.Username))
	}
	if v, _ := attrValue(got.UserAttributes, "email"); v != "alice@example.com" {
		t.Fatalf("GetUser email %q", v)
	}
	if sub, _ := attrValue(got.UserAttributes, "sub"); !uuidAny.MatchString(sub) {
		t.Fatalf("GetUser sub %q", sub)
	}
	// The pool has no alias attributes, so even a verified email is not a
	// sign-in name there.
	_, err = e.initiate(clientID, "alice@example.com", goodPassword)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}

// Sign-in names resolve as lookups do (spec §2.3); the session is always the
// canonical user.
func TestInitiateAuthSignInNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alias := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
	}).Id)
	insensitive := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
	}).Id)
	aliasClient := aws.ToString(e.client(alias).ClientId)
	insensitiveClient := aws.ToString(e.client(insensitive).ClientId)
	e.confirmedUser(alias, "alice", goodPassword, attr("email", "alice@example.com"), attr("email_verified", "true"))
	e.confirmedUser(alias, "bob", goodPassword, attr("email", "bob@example.com"))
	e.confirmedUser(insensitive, "carol", goodPassword)
	cases := []struct {
		name, client, login, want string // want "" means UserNotFoundException
	}{
		{"verified email alias", aliasClient, "alice@example.com", "alice"},
		{"unverified email alias", aliasClient, "bob@example.com", ""},
		{"username in an alias pool", aliasClient, "bob", "bob"},
		{"other case, case-insensitive pool", insensitiveClient, "CAROL", "carol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			if c.want == "" {
				_, err := e.initiate(c.client, c.login, goodPassword)
				wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
				return
			}
			s := e.signIn(c.client, c.login, goodPassword)
			got, err := e.SDK.GetUser(t.Context(), &cip.GetUserInput{AccessToken: s.AccessToken})
			ok(t, err, "GetUser")
			if aws.ToString(got.Username) != c.want {
				t.Fatalf("signed in as %q, want %q", aws.ToString(got.Username), c.want)
			}
		})
	}
}

func TestInitiateAuthFailures(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	enabled := aws.ToString(e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}).ClientId)
	noFlow := aws.ToString(e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.ExplicitAuthFlows = nil }).ClientId)
	e.confirmedUser(poolID, "dora", goodPassword)
	_, err := e.SDK.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("dora")})
	ok(t, err, "AdminDisableUser")
	_, err = e.signUp(clientID, "uma", goodPassword)
	ok(t, err, "SignUp uma")

	cases := []struct {
		name, client, user, password string
		code, msg                    string
	}{
		{"flow not enabled", noFlow, "alice", goodPassword, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"},
		{"wrong password", clientID, "alice", "Wrong0ne!", "NotAuthorizedException", "Incorrect username or password."},
		{"wrong password, ENABLED client", enabled, "alice", "Wrong0ne!", "NotAuthorizedException", "Incorrect username or password."},
		{"unknown user, LEGACY client", clientID, "nobody", goodPassword, "UserNotFoundException", "User does not exist."},
		{"unknown user, ENABLED client", enabled, "nobody", goodPassword, "NotAuthorizedException", "Incorrect username or password."},
		{"disabled user", clientID, "dora", goodPassword, "NotAuthorizedException", "User is disabled."},
		{"unconfirmed user", clientID, "uma", goodPassword, "UserNotConfirmedException", "User is not confirmed."},
		{"unknown client", "nosuchclient", "alice", goodPassword, "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.with(t).initiate(c.client, c.user, c.password)
			wantAPIError(t, err, c.code, c.msg)
		})
	}
}

func TestAdminInitiateAuth(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	noAdmin := aws.ToString(e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}
	}).ClientId)
	admin := func(client, password string) (*cip.AdminInitiateAuthOutput, error) {
		return e.SDK.AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(client),
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
	}
	out, err := admin(clientID, goodPassword)
	ok(t, err, "AdminInitiateAuth")
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.RefreshToken) == "" {
		t.Fatalf("no tokens: %+v", out)
	}
	ok(t, e.getUserErr(aws.ToString(out.AuthenticationResult.AccessToken)), "GetUser with the admin-issued token")
	_, err = admin(clientID, "Wrong0ne!")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = admin(noAdmin, goodPassword)
	wantAPIError(t, err, "InvalidParameterException", "Auth flow not enabled for this client")
	// The client must belong to the named pool.
	otherPool := aws.ToString(e.pool().Id)
	_, err = e.SDK.AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{UserPoolId: aws.String(otherPool), ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword}})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client "+clientID+" does not exist.")
}

// newPasswordChallenge creates bob with a temporary password and signs him
// in, which must raise NEW_PASSWORD_REQUIRED.
func newPasswordChallenge(t *testing.T, e *env, poolID, clientID string) string {
	t.Helper()
	_, err := e.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob"),
		TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress})
	ok(t, err, "AdminCreateUser")
	out, err := e.initiate(clientID, "bob", "Temp0rary!")
	ok(t, err, "InitiateAuth with the temporary password")
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || aws.ToString(out.Session) == "" || out.AuthenticationResult != nil {
		t.Fatalf("challenge %q session %q result %v", out.ChallengeName, aws.ToString(out.Session), out.AuthenticationResult)
	}
	if got := out.ChallengeParameters["USER_ID_FOR_SRP"]; got != "bob" {
		t.Fatalf("USER_ID_FOR_SRP %q", got)
	}
	return aws.ToString(out.Session)
}

func (e *env) respondNewPassword(clientID, session, password string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.SDK.RespondToAuthChallenge(e.t.Context(), &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
		ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: aws.String(session),
		ChallengeResponses: map[string]string{"USERNAME": "bob", "NEW_PASSWORD": password}})
}

func TestNewPasswordRequiredChallenge(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	session := newPasswordChallenge(t, e, poolID, clientID)

	// A tampered session is refused and does not consume the challenge.
	tampered := []byte(session)
	tampered[0] ^= 1
	_, err := e.respondNewPassword(clientID, string(tampered), "NewPassw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	_, err = e.respondNewPassword(clientID, session, "short")
	wantAPICode(t, err, "InvalidPasswordException")

	out, err := e.respondNewPassword(clientID, session, "NewPassw0rd!")
	ok(t, err, "RespondToAuthChallenge")
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" ||
		aws.ToString(out.AuthenticationResult.RefreshToken) == "" || out.ChallengeName != "" {
		t.Fatalf("no tokens after the challenge: %+v", out)
	}
	if got := e.getUser(poolID, "bob").UserStatus; got != types.UserStatusTypeConfirmed {
		t.Fatalf("status %s, want CONFIRMED", got)
	}
	e.signIn(clientID, "bob", "NewPassw0rd!")
	_, err = e.initiate(clientID, "bob", "Temp0rary!")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// The answered session cannot be replayed.
	_, err = e.respondNewPassword(clientID, session, "Another0ne!")
	wantAPICode(t, err, "NotAuthorizedException")
}

func TestNewPasswordRequiredSessionExpires(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	session := newPasswordChallenge(t, e, poolID, clientID)
	e.Clock.Advance(3*time.Minute + 5*time.Second) // AuthSessionValidity defaults to 3 minutes
	_, err := e.respondNewPassword(clientID, session, "NewPassw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
	if got := e.getUser(poolID, "bob").UserStatus; got != types.UserStatusTypeForceChangePassword {
		t.Fatalf("status %s after an expired answer", got)
	}
}

func TestRefreshTokenAuth(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	first := e.signIn(clientID, "alice", goodPassword)
	out, err := e.refresh(clientID, aws.ToString(first.RefreshToken))
	ok(t, err, "REFRESH_TOKEN_AUTH")
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.AccessToken) == "" || aws.ToString(r.IdToken) == "" {
		t.Fatalf("no new tokens: %+v", out)
	}
	if r.RefreshToken != nil {
		t.Errorf("REFRESH_TOKEN_AUTH returned a new refresh token")
	}
	if aws.ToString(r.AccessToken) == aws.ToString(first.AccessToken) || aws.ToString(r.IdToken) == aws.ToString(first.IdToken) {
		t.Errorf("refresh returned the old tokens")
	}
	ok(t, e.getUserErr(aws.ToString(r.AccessToken)), "GetUser with the refreshed access token")
	_, err = e.refresh(clientID, "not-a-refresh-token")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	// A refresh token works only with the client it was issued to.
	other := aws.ToString(e.client(poolID).ClientId)
	_, err = e.refresh(other, aws.ToString(first.RefreshToken))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
}

// TestRevocation covers every way to end a session: each must make refresh
// fail with "Refresh Token has been revoked" and the session's access token
// fail with "Access Token has been revoked"; RevokeToken ends only its own
// session, the global sign-outs end all of the user's sessions.
func TestRevocation(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	cases := []struct {
		name         string
		revoke       func(t *testing.T, user string, s *types.AuthenticationResultType) error
		otherSurvive bool
	}{
		{"RevokeToken", func(t *testing.T, _ string, s *types.AuthenticationResultType) error {
			_, err := e.SDK.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: s.RefreshToken})
			return err
		}, true},
		{"GlobalSignOut", func(t *testing.T, _ string, s *types.AuthenticationResultType) error {
			_, err := e.SDK.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: s.AccessToken})
			return err
		}, false},
		{"AdminUserGlobalSignOut", func(t *testing.T, user string, _ *types.AuthenticationResultType) error {
			_, err := e.SDK.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(poolID), Username: aws.String(user)})
			return err
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			user := "u-" + c.name
			e.confirmedUser(poolID, user, goodPassword)
			mine := e.signIn(clientID, user, goodPassword)
			other := e.signIn(clientID, user, goodPassword)
			ok(t, c.revoke(t, user, mine), c.name)

			_, err := e.refresh(clientID, aws.ToString(mine.RefreshToken))
			wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
			wantAPIError(t, e.getUserErr(aws.ToString(mine.AccessToken)), "NotAuthorizedException", "Access Token has been revoked")

			_, refreshErr := e.refresh(clientID, aws.ToString(other.RefreshToken))
			getErr := e.getUserErr(aws.ToString(other.AccessToken))
			if c.otherSurvive {
				ok(t, refreshErr, "refresh of the other session")
				ok(t, getErr, "GetUser with the other session")
			} else {
				wantAPIError(t, refreshErr, "NotAuthorizedException", "Refresh Token has been revoked")
				wantAPIError(t, getErr, "NotAuthorizedException", "Access Token has been revoked")
			}
			// A new sign-in still works.
			ok(t, e.getUserErr(aws.ToString(e.signIn(clientID, user, goodPassword).AccessToken)), "GetUser after a new sign-in")
		})
	}
}

func TestAccessTokenExpiry(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t)
	s := e.signIn(clientID, "alice", goodPassword)
	e.Clock.Advance(time.Hour + time.Minute) // access tokens live one hour by default
	wantAPIError(t, e.getUserErr(aws.ToString(s.AccessToken)), "NotAuthorizedException", "Access Token has expired")
	// The refresh token (30 days) still works and gives a live access token.
	out, err := e.refresh(clientID, aws.ToString(s.RefreshToken))
	ok(t, err, "refresh after access expiry")
	ok(t, e.getUserErr(aws.ToString(out.AuthenticationResult.AccessToken)), "GetUser with the refreshed token")
}

func TestAccessTokenInvalid(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t)
	s := e.signIn(clientID, "alice", goodPassword)
	for _, c := range []struct{ name, token string }{
		{"garbage", "not.a.token"},
		{"id token instead of access token", aws.ToString(s.IdToken)},
		{"bad signature", aws.ToString(s.AccessToken)[:len(aws.ToString(s.AccessToken))-8] + "AAAAAAAA"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			wantAPIError(t, e.with(t).getUserErr(c.token), "NotAuthorizedException", "Invalid Access Token")
		})
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t)
	s := e.signIn(clientID, "alice", goodPassword)
	change := func(prev, next string) error {
		_, err := e.SDK.ChangePassword(t.Context(), &cip.ChangePasswordInput{AccessToken: s.AccessToken,
			PreviousPassword: aws.String(prev), ProposedPassword: aws.String(next)})
		return err
	}
	wantAPIError(t, change("Wrong0ne!", "NewPassw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	wantAPIError(t, change(goodPassword, "short"), "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	e.signIn(clientID, "alice", goodPassword) // nothing changed yet
	ok(t, change(goodPassword, "NewPassw0rd!"), "ChangePassword")
	e.signIn(clientID, "alice", "NewPassw0rd!")
	_, err := e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

func TestUpdateUserAttributesSelf(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	s := e.signIn(clientID, "alice", goodPassword)
	update := func(attrs ...types.AttributeType) error {
		_, err := e.SDK.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: s.AccessToken, UserAttributes: attrs})
		return err
	}
	ok(t, update(attr("name", "Alice A.")), "UpdateUserAttributes name")
	got := e.getUser(poolID, "alice").UserAttributes
	if v, _ := attrValue(got, "name"); v != "Alice A." {
		t.Fatalf("name %q", v)
	}
	if v, _ := attrValue(got, "email_verified"); v != "true" {
		t.Fatalf("changing name touched email_verified: %q", v)
	}
	ok(t, update(attr("email", "new@example.com")), "UpdateUserAttributes email")
	got = e.getUser(poolID, "alice").UserAttributes
	if v, _ := attrValue(got, "email"); v != "new@example.com" {
		t.Fatalf("email %q", v)
	}
	if v, _ := attrValue(got, "email_verified"); v != "false" {
		t.Fatalf("email_verified %q after a self-service email change, want false", v)
	}
	wantAPIError(t, update(attr("foo", "x")), "InvalidParameterException",
		"Attributes did not conform to the schema: foo: Attribute does not exist in the schema.")
}

func TestDeleteUserSelf(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	s := e.signIn(clientID, "alice", goodPassword)
	_, err := e.SDK.DeleteUser(t.Context(), &cip.DeleteUserInput{AccessToken: s.AccessToken})
	ok(t, err, "DeleteUser")
	wantAPIError(t, e.adminGet(poolID, "alice"), "UserNotFoundException", "User does not exist.")
	if e.getUserErr(aws.ToString(s.AccessToken)) == nil {
		t.Fatal("the deleted user's access token still works")
	}
	if _, err := e.refresh(clientID, aws.ToString(s.RefreshToken)); err == nil {
		t.Fatal("the deleted user's refresh token still works")
	}
	_, err = e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}
