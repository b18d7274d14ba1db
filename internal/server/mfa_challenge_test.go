package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Which challenge follows the password: the pool's MfaConfiguration (OFF,
// OPTIONAL, ON, every factor offered) × the user's factors and preference
// × the user's addresses. One pool per mode; the users are set up under
// OPTIONAL, then the pool is switched.
func TestMfaChallengeTable(t *testing.T) {
	t.Parallel()
	type setup struct {
		contact         bool // phone and email (else none)
		sms, totp       *types.SMSMfaSettingsType
		email           *types.SMSMfaSettingsType
		enrol, emailOny bool
	}
	users := []struct {
		name string
		s    setup
		want map[types.UserPoolMfaType]string // challenge, "" = tokens; params checked below
	}{
		{"nothing", setup{contact: true}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "", "ON": "SMS_MFA"}},
		{"sms", setup{contact: true, sms: on}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "SMS_MFA", "ON": "SMS_MFA"}},
		{"totp", setup{contact: true, enrol: true, totp: on}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "SOFTWARE_TOKEN_MFA", "ON": "SOFTWARE_TOKEN_MFA"}},
		{"totp verified, not on", setup{contact: true, enrol: true}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "", "ON": "SOFTWARE_TOKEN_MFA"}},
		{"sms and totp", setup{contact: true, enrol: true, sms: on, totp: on}, map[types.UserPoolMfaType]string{
			"OPTIONAL": `SELECT_MFA_TYPE ["SMS_MFA","SOFTWARE_TOKEN_MFA"]`, "ON": `SELECT_MFA_TYPE ["SMS_MFA","SOFTWARE_TOKEN_MFA"]`}},
		{"sms and totp, totp preferred", setup{contact: true, enrol: true, sms: on, totp: preferred}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "SOFTWARE_TOKEN_MFA", "ON": "SOFTWARE_TOKEN_MFA"}},
		{"all three, email preferred", setup{contact: true, enrol: true, sms: on, totp: on, email: preferred}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "EMAIL_OTP", "ON": "EMAIL_OTP"}},
		{"all three, none preferred", setup{contact: true, enrol: true, sms: on, totp: on, email: on}, map[types.UserPoolMfaType]string{
			"OPTIONAL": `SELECT_MFA_TYPE ["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]`, "ON": `SELECT_MFA_TYPE ["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]`}},
		{"email address only", setup{emailOny: true}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "", "ON": "EMAIL_OTP"}},
		{"no address, no factor", setup{}, map[types.UserPoolMfaType]string{
			"OPTIONAL": "", "ON": `MFA_SETUP ["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]`}},
	}
	for _, mode := range []types.UserPoolMfaType{"OFF", "OPTIONAL", "ON"} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e, poolID, clientID := mfaEnv(t, 0)
			for i, u := range users {
				name := "user" + string(rune('a'+i))
				switch {
				case u.s.contact:
					e.mfaUser(poolID, name)
				case u.s.emailOny:
					e.confirmedUser(poolID, name, goodPassword, verifiedEmail(name+"@example.com")...)
				default:
					e.confirmedUser(poolID, name, goodPassword)
				}
				if u.s.enrol {
					e.enrolTotp(clientID, name, "")
				}
				ok(t, e.prefer(poolID, name, u.s.sms, u.s.totp, u.s.email), "AdminSetUserMFAPreference "+name)
			}
			e.poolMfa(poolID, mode, mode != "OFF", mode != "OFF", mode != "OFF")
			for i, u := range users {
				name := "user" + string(rune('a'+i))
				t.Run(u.name, func(t *testing.T) {
					e := e.with(t)
					out, err := e.initiate(clientID, name, goodPassword)
					ok(t, err, "InitiateAuth")
					wantChallenge(t, out, u.want[mode], name)
				})
			}
		})
	}
}

// wantChallenge checks a sign-in's outcome against "" (tokens), a
// challenge name, or "NAME <json list>" for SELECT_MFA_TYPE and MFA_SETUP,
// with the parameters Cognito sends with each.
func wantChallenge(t *testing.T, out *cip.InitiateAuthOutput, want, username string) {
	t.Helper()
	if want == "" {
		if out.AuthenticationResult == nil || out.ChallengeName != "" {
			t.Fatalf("challenge %s %v, want tokens", out.ChallengeName, out.ChallengeParameters)
		}
		return
	}
	name, list, _ := cutSpace(want)
	p := out.ChallengeParameters
	if string(out.ChallengeName) != name || out.AuthenticationResult != nil || aws.ToString(out.Session) == "" {
		t.Fatalf("challenge %q %v, want %s", out.ChallengeName, p, want)
	}
	wantParams := map[string]string{"USER_ID_FOR_SRP": username}
	switch name {
	case "SMS_MFA":
		wantParams["CODE_DELIVERY_DELIVERY_MEDIUM"], wantParams["CODE_DELIVERY_DESTINATION"] = "SMS", "+*******0123"
	case "EMAIL_OTP":
		wantParams["CODE_DELIVERY_DELIVERY_MEDIUM"], wantParams["CODE_DELIVERY_DESTINATION"] = "EMAIL", username[:1]+"***@e***"
	case "SELECT_MFA_TYPE":
		wantParams["MFAS_CAN_CHOOSE"] = list
	case "MFA_SETUP":
		wantParams["MFAS_CAN_SETUP"] = list
	}
	if len(p) != len(wantParams) {
		t.Fatalf("ChallengeParameters %v, want %v", p, wantParams)
	}
	for k, v := range wantParams {
		if p[k] != v {
			t.Fatalf("ChallengeParameters %v, want %v", p, wantParams)
		}
	}
}

func cutSpace(s string) (string, string, bool) {
	for i := range s {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// SELECT_MFA_TYPE: the answer must be one of the factors offered; it
// starts that factor's challenge, with RespondToAuthChallenge's
// parameters (no USER_ID_FOR_SRP), and uses the selection session up. The
// admin flow answers the same way.
func TestSelectMfaType(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0)
	e.mfaUser(poolID, "alice")
	app := e.enrolTotp(clientID, "alice", "Pixel")
	ok(t, e.prefer(poolID, "alice", on, on, nil), "SMS and TOTP on")

	sel := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSelectMfaType).Session)
	_, err := e.respond(clientID, types.ChallengeNameTypeSelectMfaType, sel, "alice", "ANSWER", "EMAIL_OTP")
	wantAPICode(t, err, "InvalidParameterException")
	_, err = e.respond(clientID, types.ChallengeNameTypeSelectMfaType, sel, "alice")
	wantAPICode(t, err, "InvalidParameterException")
	// A session answers only its own challenge.
	_, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, sel, "alice", "SMS_MFA_CODE", "123456")
	wantAPICode(t, err, "NotAuthorizedException")
	next, err := e.respond(clientID, types.ChallengeNameTypeSelectMfaType, sel, "alice", "ANSWER", "SOFTWARE_TOKEN_MFA")
	ok(t, err, "select TOTP")
	if next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || len(next.ChallengeParameters) != 1 ||
		next.ChallengeParameters["FRIENDLY_DEVICE_NAME"] != "Pixel" {
		t.Fatalf("after selecting TOTP: %s %v", next.ChallengeName, next.ChallengeParameters)
	}
	_, err = e.respond(clientID, types.ChallengeNameTypeSelectMfaType, sel, "alice", "ANSWER", "SMS_MFA")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")
	done, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, aws.ToString(next.Session), "alice",
		"SOFTWARE_TOKEN_MFA_CODE", app.now(e))
	wantTokens(t, done, err)

	// The admin twins, choosing SMS this time.
	admin := func(name types.ChallengeNameType, session string, kv ...string) (*cip.AdminRespondToAuthChallengeOutput, error) {
		r := map[string]string{"USERNAME": "alice"}
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i]] = kv[i+1]
		}
		return e.SDK.AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ChallengeName: name, Session: aws.String(session), ChallengeResponses: r})
	}
	start, err := e.SDK.AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": goodPassword}})
	ok(t, err, "AdminInitiateAuth")
	if start.ChallengeName != types.ChallengeNameTypeSelectMfaType || start.ChallengeParameters["USER_ID_FOR_SRP"] != "alice" ||
		start.ChallengeParameters["MFAS_CAN_CHOOSE"] != `["SMS_MFA","SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("AdminInitiateAuth: %s %v", start.ChallengeName, start.ChallengeParameters)
	}
	sms, err := admin(types.ChallengeNameTypeSelectMfaType, aws.ToString(start.Session), "ANSWER", "SMS_MFA")
	ok(t, err, "select SMS")
	if p := sms.ChallengeParameters; sms.ChallengeName != types.ChallengeNameTypeSmsMfa || len(p) != 2 ||
		p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" || p["CODE_DELIVERY_DESTINATION"] != "+*******0123" {
		t.Fatalf("after selecting SMS: %s %v", sms.ChallengeName, p)
	}
	fin, err := admin(types.ChallengeNameTypeSmsMfa, aws.ToString(sms.Session), "SMS_MFA_CODE", e.mfaCode(poolID, "alice", "SMS", "+14155550123"))
	ok(t, err, "AdminRespondToAuthChallenge SMS_MFA")
	if fin.AuthenticationResult == nil {
		t.Fatalf("no tokens: %s", fin.ChallengeName)
	}
}

// SetUserMFAPreference and its admin twin: Cognito's refusals, one
// preference at a time, and what GetUser reports.
func TestUserMfaPreferences(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0)
	e.confirmedUser(poolID, "nocontact", goodPassword)
	err := e.prefer(poolID, "nocontact", on, nil, nil)
	wantAPIError(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SMS_MFA")
	err = e.prefer(poolID, "nocontact", nil, nil, on)
	wantAPICode(t, err, "InvalidParameterException")
	err = e.prefer(poolID, "ghost", off, nil, nil)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	e.mfaUser(poolID, "alice")
	err = e.prefer(poolID, "alice", preferred, nil, preferred)
	wantAPICode(t, err, "InvalidParameterException") // two preferred
	err = e.prefer(poolID, "alice", &types.SMSMfaSettingsType{PreferredMfa: true}, nil, nil)
	wantAPICode(t, err, "InvalidParameterException") // preferred but off
	if u := e.getUser(poolID, "alice"); len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil || len(u.MFAOptions) != 0 {
		t.Fatalf("refused requests changed the user: %v %v %v", u.UserMFASettingList, u.PreferredMfaSetting, u.MFAOptions)
	}

	tok := aws.ToString(e.signIn(clientID, "alice", goodPassword).AccessToken)
	self := func(in cip.SetUserMFAPreferenceInput) error {
		in.AccessToken = aws.String(tok)
		_, err := e.SDK.SetUserMFAPreference(t.Context(), &in)
		return err
	}
	ok(t, self(cip.SetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true},
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}), "SetUserMFAPreference")
	g, err := e.SDK.GetUser(t.Context(), &cip.GetUserInput{AccessToken: aws.String(tok)})
	ok(t, err, "GetUser")
	if len(g.UserMFASettingList) != 2 || g.UserMFASettingList[0] != "SMS_MFA" || g.UserMFASettingList[1] != "EMAIL_OTP" ||
		aws.ToString(g.PreferredMfaSetting) != "SMS_MFA" || len(g.MFAOptions) != 1 {
		t.Fatalf("GetUser: %v %q %v", g.UserMFASettingList, aws.ToString(g.PreferredMfaSetting), g.MFAOptions)
	}
	// Preferring email takes the preference from SMS; turning SMS off
	// leaves email alone.
	ok(t, self(cip.SetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}}), "prefer email")
	ok(t, self(cip.SetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{}}), "SMS off")
	if u := e.getUser(poolID, "alice"); len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "EMAIL_OTP" ||
		aws.ToString(u.PreferredMfaSetting) != "EMAIL_OTP" || len(u.MFAOptions) != 0 {
		t.Fatalf("AdminGetUser: %v %v %v", u.UserMFASettingList, u.PreferredMfaSetting, u.MFAOptions)
	}
	// Turning the preferred factor off drops the preference.
	ok(t, e.prefer(poolID, "alice", nil, nil, off), "email off")
	if u := e.getUser(poolID, "alice"); len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("AdminGetUser: %v %v", u.UserMFASettingList, u.PreferredMfaSetting)
	}
}

// A user with a temporary password sets a new one first; the MFA
// challenge follows, from RespondToAuthChallenge (no USER_ID_FOR_SRP).
func TestNewPasswordThenMfa(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0)
	e.poolMfa(poolID, types.UserPoolMfaTypeOn, true, true, false)
	_, err := e.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob"),
		TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: verifiedPhone("+14155550123")})
	ok(t, err, "AdminCreateUser")
	first, err := e.initiate(clientID, "bob", "Temp0rary!")
	ok(t, err, "InitiateAuth")
	if first.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("challenge %s, want NEW_PASSWORD_REQUIRED first", first.ChallengeName)
	}
	next, err := e.respondNewPassword(clientID, aws.ToString(first.Session), goodPassword)
	ok(t, err, "RespondToAuthChallenge NEW_PASSWORD_REQUIRED")
	if p := next.ChallengeParameters; next.ChallengeName != types.ChallengeNameTypeSmsMfa || next.AuthenticationResult != nil ||
		len(p) != 2 || p["CODE_DELIVERY_DESTINATION"] != "+*******0123" {
		t.Fatalf("after the new password: %s %v", next.ChallengeName, p)
	}
	done, err := e.respond(clientID, types.ChallengeNameTypeSmsMfa, aws.ToString(next.Session), "bob",
		"SMS_MFA_CODE", e.mfaCode(poolID, "bob", "SMS", "+14155550123"))
	wantTokens(t, done, err)
	e.wantStatus(poolID, "bob", types.UserStatusTypeConfirmed)
}
