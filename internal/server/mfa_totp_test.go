package server_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TOTP through the real SDK: a user signed in associates an authenticator
// with an access token, proves it, turns it on, and from then on every
// sign-in asks for a code, which the test computes from the SecretCode as
// an authenticator app would. A code is accepted once per step, ±1 step
// of skew, and never far off; the session survives a wrong code and dies
// with the right one.
func TestSoftwareTokenMfa(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0)
	e.mfaUser(poolID, "alice")
	tok := aws.ToString(e.signIn(clientID, "alice", goodPassword).AccessToken)

	// Verify before Associate, then a wrong code, then the right one.
	_, err := e.SDK.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: aws.String(tok), UserCode: aws.String("123456")})
	wantAPICode(t, err, "SoftwareTokenMFANotFoundException")
	as, err := e.SDK.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(tok)})
	ok(t, err, "AssociateSoftwareToken")
	app := newAuthenticator(t, aws.ToString(as.SecretCode))
	_, err = e.SDK.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: aws.String(tok), UserCode: aws.String(app.wrong(e))})
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	// Turning TOTP on needs a verified authenticator.
	err = e.prefer(poolID, "alice", nil, preferred, nil)
	wantAPIError(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	setupCode := app.now(e)
	v, err := e.SDK.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: aws.String(tok),
		UserCode: aws.String(setupCode), FriendlyDeviceName: aws.String("Alice's phone")})
	ok(t, err, "VerifySoftwareToken")
	if v.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("Status %s", v.Status)
	}
	// Verified is not on: an OPTIONAL pool still signs alice in directly.
	e.signIn(clientID, "alice", goodPassword)
	ok(t, e.prefer(poolID, "alice", nil, preferred, nil), "turn TOTP on")
	u := e.getUser(poolID, "alice")
	if len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "SOFTWARE_TOKEN_MFA" ||
		aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" || len(u.MFAOptions) != 0 {
		t.Fatalf("AdminGetUser: list %v preferred %q options %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting), u.MFAOptions)
	}

	out := e.challenge(clientID, "alice", types.ChallengeNameTypeSoftwareTokenMfa)
	if p := out.ChallengeParameters; len(p) != 2 || p["FRIENDLY_DEVICE_NAME"] != "Alice's phone" || p["USER_ID_FOR_SRP"] != "alice" {
		t.Fatalf("ChallengeParameters %v", p)
	}
	session := aws.ToString(out.Session)
	answer := func(code string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, session, "alice", "SOFTWARE_TOKEN_MFA_CODE", code)
	}
	// The code that verified the authenticator was used in this step.
	_, err = answer(setupCode)
	wantAPIError(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	_, err = answer(app.wrong(e))
	wantAPIError(t, err, "CodeMismatchException", "Invalid code received for user")
	_, err = answer(app.at(e.Clock.Now().Add(-90 * time.Second))) // three steps back
	wantAPIError(t, err, "CodeMismatchException", "Invalid code received for user")
	_, err = e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, session, "alice")
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
	e.nextStep()
	code := app.now(e)
	out2, err := answer(code)
	wantTokens(t, out2, err)
	// The session is used up, and the code of this step too.
	_, err = answer(app.at(e.Clock.Now().Add(30 * time.Second)))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")
	again := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSoftwareTokenMfa).Session)
	_, err = e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, again, "alice", "SOFTWARE_TOKEN_MFA_CODE", code)
	wantAPIError(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	// The next step's code is within the skew, and the previous step's.
	out3, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, again, "alice",
		"SOFTWARE_TOKEN_MFA_CODE", app.at(e.Clock.Now().Add(30*time.Second)))
	wantTokens(t, out3, err)
	e.nextStep() // the step out3's code belonged to
	e.nextStep()
	e.nextStep() // one after it: the previous step is unused
	third := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSoftwareTokenMfa).Session)
	out4, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, third, "alice",
		"SOFTWARE_TOKEN_MFA_CODE", app.at(e.Clock.Now().Add(-30*time.Second)))
	wantTokens(t, out4, err)

	// Turned off, the user signs in with the password alone.
	ok(t, e.prefer(poolID, "alice", nil, off, nil), "turn TOTP off")
	e.signIn(clientID, "alice", goodPassword)
	if u := e.getUser(poolID, "alice"); len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("after turning TOTP off: list %v preferred %v", u.UserMFASettingList, u.PreferredMfaSetting)
	}
}

// A challenge session expires with the client's AuthSessionValidity.
func TestMfaSessionExpires(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0)
	e.mfaUser(poolID, "alice")
	app := e.enrolTotp(clientID, "alice", "")
	ok(t, e.prefer(poolID, "alice", nil, on, nil), "turn TOTP on")
	out := e.challenge(clientID, "alice", types.ChallengeNameTypeSoftwareTokenMfa)
	if _, named := out.ChallengeParameters["FRIENDLY_DEVICE_NAME"]; named {
		t.Fatalf("an unnamed authenticator has a FRIENDLY_DEVICE_NAME: %v", out.ChallengeParameters)
	}
	e.Clock.Advance(3*time.Minute + time.Second)
	_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, aws.ToString(out.Session), "alice",
		"SOFTWARE_TOKEN_MFA_CODE", app.now(e))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}

// MFA_SETUP: in a pool that requires TOTP, a user without a factor must
// set one up inside the sign-in, with the challenge's session, and ends
// signed in with TOTP on and preferred.
func TestMfaSetupChallenge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool().Id)
	e.poolMfa(poolID, types.UserPoolMfaTypeOn, false, true, false)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.mfaUser(poolID, "bob")
	out := e.challenge(clientID, "bob", types.ChallengeNameTypeMfaSetup)
	if p := out.ChallengeParameters; len(p) != 2 || p["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` || p["USER_ID_FOR_SRP"] != "bob" {
		t.Fatalf("ChallengeParameters %v", p)
	}
	setup := aws.ToString(out.Session)
	// The MFA_SETUP session does not answer the challenge by itself.
	_, err := e.respond(clientID, types.ChallengeNameTypeMfaSetup, setup, "bob")
	wantAPICode(t, err, "NotAuthorizedException") // the text is UNVERIFIED
	_, err = e.SDK.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{})
	wantAPICode(t, err, "InvalidParameterException")
	as, err := e.SDK.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{Session: aws.String(setup)})
	ok(t, err, "AssociateSoftwareToken with the session")
	app := newAuthenticator(t, aws.ToString(as.SecretCode))
	_, err = e.SDK.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{Session: aws.String(setup)})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")
	assocSession := aws.ToString(as.Session)
	_, err = e.SDK.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{Session: aws.String(assocSession), UserCode: aws.String(app.wrong(e))})
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	v, err := e.SDK.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{Session: aws.String(assocSession),
		UserCode: aws.String(app.now(e)), FriendlyDeviceName: aws.String("bob's token")})
	ok(t, err, "VerifySoftwareToken with the session")
	if v.Status != types.VerifySoftwareTokenResponseTypeSuccess || aws.ToString(v.Session) == "" {
		t.Fatalf("VerifySoftwareToken: status %s, session %q", v.Status, aws.ToString(v.Session))
	}
	done, err := e.respond(clientID, types.ChallengeNameTypeMfaSetup, aws.ToString(v.Session), "bob")
	wantTokens(t, done, err)
	_, err = e.respond(clientID, types.ChallengeNameTypeMfaSetup, aws.ToString(v.Session), "bob")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")
	u := e.getUser(poolID, "bob")
	if len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "SOFTWARE_TOKEN_MFA" || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("after MFA_SETUP: list %v preferred %q", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}
	e.nextStep()
	next := e.challenge(clientID, "bob", types.ChallengeNameTypeSoftwareTokenMfa)
	if next.ChallengeParameters["FRIENDLY_DEVICE_NAME"] != "bob's token" {
		t.Fatalf("ChallengeParameters %v", next.ChallengeParameters)
	}
	final, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, aws.ToString(next.Session), "bob",
		"SOFTWARE_TOKEN_MFA_CODE", app.now(e))
	wantTokens(t, final, err)
}

// The pool must offer TOTP for a user to associate one
// (SoftwareTokenMFANotFoundException, DOC; the text is UNVERIFIED).
func TestAssociateSoftwareTokenNeedsThePoolsTotp(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t)
	tok := aws.ToString(e.signIn(clientID, "alice", goodPassword).AccessToken)
	_, err := e.SDK.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(tok)})
	wantAPICode(t, err, "SoftwareTokenMFANotFoundException")
	_, err = e.SDK.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(tok), Session: aws.String("x")})
	wantAPICode(t, err, "InvalidParameterException")
	_ = poolID
}
