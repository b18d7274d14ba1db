package server_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Helpers for the MFA tests (mfa_*_test.go, recovery_mfa_test.go).

// An authenticator app of the test's own: RFC 6238 with HMAC-SHA1, six
// digits, 30-second steps, written here from the RFC rather than taken
// from the server's internal/totp, so that the two can disagree.
type authenticator struct{ key []byte }

func newAuthenticator(t *testing.T, secretCode string) authenticator {
	t.Helper()
	if len(secretCode) != 52 {
		t.Fatalf("SecretCode %q has %d characters, want Cognito's 52", secretCode, len(secretCode))
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secretCode)
	if err != nil {
		t.Fatalf("SecretCode %q is not base32: %v", secretCode, err)
	}
	return authenticator{key}
}

// at is the code an authenticator app shows at time at.
func (a authenticator) at(at time.Time) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, a.key)
	m.Write(msg[:])
	h := m.Sum(nil)
	o := int(h[19] & 15)
	v := (int(h[o])&0x7f)<<24 | int(h[o+1])<<16 | int(h[o+2])<<8 | int(h[o+3])
	return fmt.Sprintf("%06d", v%1000000)
}

// now is the code the app shows at the server's time.
func (a authenticator) now(e *env) string { return a.at(e.Clock.Now()) }

// wrong is a code no step near the server's time has.
func (a authenticator) wrong(e *env) string {
	now := e.Clock.Now()
	taken := map[string]bool{}
	for d := -2; d <= 2; d++ {
		taken[a.at(now.Add(time.Duration(d)*30*time.Second))] = true
	}
	for i := 0; ; i++ {
		if c := fmt.Sprintf("%06d", (123456+i*7919)%1000000); !taken[c] {
			return c
		}
	}
}

// nextStep moves the server's clock to the next TOTP step, so that a code
// used during setup is not the one the next sign-in needs.
func (e *env) nextStep() { e.Clock.Advance(30 * time.Second) }

// mfaEnv is a dev-API env with a pool that offers every factor (an
// SmsConfiguration, a developer email), MFA OPTIONAL, and a client whose
// sessions last sessionMinutes (0: the default 3).
func mfaEnv(t *testing.T, sessionMinutes int32, opts ...func(*envConfig)) (e *env, poolID, clientID string) {
	t.Helper()
	e = newEnv(t, append([]func(*envConfig){withDev}, opts...)...)
	poolID = aws.ToString(e.pool(withSmsConfig, developerEmail).Id)
	e.poolMfa(poolID, types.UserPoolMfaTypeOptional, true, true, true)
	clientID = aws.ToString(e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		if sessionMinutes > 0 {
			in.AuthSessionValidity = aws.Int32(sessionMinutes)
		}
	}).ClientId)
	return e, poolID, clientID
}

// poolMfa sets the pool's mode and factors.
func (e *env) poolMfa(poolID string, mode types.UserPoolMfaType, sms, totp, email bool) {
	e.t.Helper()
	in := cip.SetUserPoolMfaConfigInput{MfaConfiguration: mode}
	if sms {
		in.SmsMfaConfiguration = &types.SmsMfaConfigType{}
	}
	if totp {
		in.SoftwareTokenMfaConfiguration = totpOn
	}
	if email {
		in.EmailMfaConfiguration = &types.EmailMfaConfigType{}
	}
	_, err := e.setMfa(poolID, in)
	ok(e.t, err, "SetUserPoolMfaConfig")
}

// mfaUser creates a CONFIRMED user with a phone number and an email.
func (e *env) mfaUser(poolID, name string) {
	e.t.Helper()
	e.confirmedUser(poolID, name, goodPassword, append(verifiedEmail(name+"@example.com"), verifiedPhone("+14155550123")...)...)
}

// enrolTotp associates and verifies an authenticator for a signed-in
// user (access-token form) and moves to the next step.
func (e *env) enrolTotp(clientID, name, device string) authenticator {
	e.t.Helper()
	tok := aws.ToString(e.signIn(clientID, name, goodPassword).AccessToken)
	as, err := e.SDK.AssociateSoftwareToken(e.t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(tok)})
	ok(e.t, err, "AssociateSoftwareToken")
	if as.Session != nil {
		e.t.Fatalf("AssociateSoftwareToken with an access token returned a Session")
	}
	app := newAuthenticator(e.t, aws.ToString(as.SecretCode))
	v, err := e.SDK.VerifySoftwareToken(e.t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: aws.String(tok),
		UserCode: aws.String(app.now(e)), FriendlyDeviceName: aws.String(device)})
	ok(e.t, err, "VerifySoftwareToken")
	if v.Status != types.VerifySoftwareTokenResponseTypeSuccess || v.Session != nil {
		e.t.Fatalf("VerifySoftwareToken: status %s session %v", v.Status, v.Session)
	}
	e.nextStep()
	return app
}

// prefer sets a user's factors with AdminSetUserMFAPreference.
func (e *env) prefer(poolID, name string, sms, totp, email *types.SMSMfaSettingsType) error {
	in := &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID), Username: aws.String(name), SMSMfaSettings: sms}
	if totp != nil {
		in.SoftwareTokenMfaSettings = &types.SoftwareTokenMfaSettingsType{Enabled: totp.Enabled, PreferredMfa: totp.PreferredMfa}
	}
	if email != nil {
		in.EmailMfaSettings = &types.EmailMfaSettingsType{Enabled: email.Enabled, PreferredMfa: email.PreferredMfa}
	}
	_, err := e.SDK.AdminSetUserMFAPreference(e.t.Context(), in)
	return err
}

var (
	on        = &types.SMSMfaSettingsType{Enabled: true}
	preferred = &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}
	off       = &types.SMSMfaSettingsType{}
)

// respond answers a challenge with RespondToAuthChallenge; USERNAME is
// added.
func (e *env) respond(clientID string, name types.ChallengeNameType, session, username string, kv ...string) (*cip.RespondToAuthChallengeOutput, error) {
	r := map[string]string{"USERNAME": username}
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return e.SDK.RespondToAuthChallenge(e.t.Context(), &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
		ChallengeName: name, Session: aws.String(session), ChallengeResponses: r})
}

// challenge signs in with the password and requires the named challenge.
func (e *env) challenge(clientID, username string, want types.ChallengeNameType) *cip.InitiateAuthOutput {
	e.t.Helper()
	out, err := e.initiate(clientID, username, goodPassword)
	ok(e.t, err, "InitiateAuth "+username)
	if out.ChallengeName != want || out.AuthenticationResult != nil || aws.ToString(out.Session) == "" {
		e.t.Fatalf("InitiateAuth %s: challenge %q (params %v), want %s with a session", username, out.ChallengeName, out.ChallengeParameters, want)
	}
	return out
}

// wantTokens requires a sign-in that ended with tokens.
func wantTokens(t *testing.T, out *cip.RespondToAuthChallengeOutput, err error) {
	t.Helper()
	ok(t, err, "RespondToAuthChallenge")
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" || out.ChallengeName != "" {
		t.Fatalf("no tokens: challenge %q", out.ChallengeName)
	}
}

// mfaCode is the code of the user's newest MFA message, which must have
// gone to destination by medium.
func (e *env) mfaCode(poolID, username, medium, destination string) string {
	e.t.Helper()
	msgs := e.inbox(url.Values{"userPoolId": {poolID}, "username": {username}, "purpose": {"MFA"}})
	if len(msgs) == 0 {
		e.t.Fatalf("no MFA message for %s", username)
	}
	m := msgs[0]
	if m.Medium != medium || m.Destination != destination || !sixDigits.MatchString(m.Code) {
		e.t.Fatalf("MFA message %s to %q code %q, want %s to %q with six digits", m.Medium, m.Destination, m.Code, medium, destination)
	}
	return m.Code
}
