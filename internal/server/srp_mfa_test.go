package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSRPThenMfa: MFA follows the password step whichever way the password
// was proven. A PASSWORD_VERIFIER answer for a user with TOTP gives the
// SOFTWARE_TOKEN_MFA challenge (not tokens), and its code completes the
// sign-in; with SMS MFA the code comes through the inbox.
func TestSRPThenMfa(t *testing.T) {
	e, poolID, _ := mfaEnv(t, 0)
	clientID := aws.ToString(e.client(poolID, withSRP).ClientId)
	f := &srpFlow{e: e, poolID: poolID, clientID: clientID}
	e.mfaUser(poolID, "tina")
	app := e.enrolTotp(clientID, "tina", "phone")
	ok(t, e.prefer(poolID, "tina", nil, preferred, nil), "prefer TOTP")

	out, err := f.signIn("tina", goodPassword)
	ok(t, err, "SRP sign-in")
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || out.AuthenticationResult != nil || aws.ToString(out.Session) == "" {
		t.Fatalf("after PASSWORD_VERIFIER: challenge %q, tokens %v", out.ChallengeName, out.AuthenticationResult != nil)
	}
	if _, has := out.ChallengeParameters["USER_ID_FOR_SRP"]; has {
		t.Errorf("a RespondToAuthChallenge answer carries USER_ID_FOR_SRP: %v", out.ChallengeParameters)
	}
	res, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, aws.ToString(out.Session), "tina",
		"SOFTWARE_TOKEN_MFA_CODE", app.now(e))
	wantTokens(t, res, err)

	e.mfaUser(poolID, "sam")
	ok(t, e.prefer(poolID, "sam", preferred, nil, nil), "prefer SMS")
	out, err = f.signIn("sam", goodPassword)
	ok(t, err, "SRP sign-in")
	if out.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("after PASSWORD_VERIFIER: challenge %q, want SMS_MFA", out.ChallengeName)
	}
	code := e.mfaCode(poolID, "sam", "SMS", "+14155550123")
	res, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, aws.ToString(out.Session), "sam", "SMS_MFA_CODE", code)
	wantTokens(t, res, err)
}
