package server_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// SMS and email MFA codes go through the outbox like every code: the
// development inbox shows them under purpose MFA (the test reads them
// there, as a test author would), with the pool's message, Cognito's
// three-minute lifetime, the code-entry limit, and Cognito's errors.
func TestSmsMfa(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 15) // sessions outlive the code
	e.mfaUser(poolID, "alice")
	ok(t, e.prefer(poolID, "alice", on, nil, nil), "turn SMS MFA on")
	if u := e.getUser(poolID, "alice"); len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "SMS_MFA" ||
		u.PreferredMfaSetting != nil || len(u.MFAOptions) != 1 || u.MFAOptions[0].DeliveryMedium != types.DeliveryMediumTypeSms ||
		aws.ToString(u.MFAOptions[0].AttributeName) != "phone_number" {
		t.Fatalf("AdminGetUser: list %v preferred %v options %+v", u.UserMFASettingList, u.PreferredMfaSetting, u.MFAOptions)
	}

	out := e.challenge(clientID, "alice", types.ChallengeNameTypeSmsMfa)
	if p := out.ChallengeParameters; len(p) != 3 || p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" ||
		p["CODE_DELIVERY_DESTINATION"] != "+*******0123" || p["USER_ID_FOR_SRP"] != "alice" {
		t.Fatalf("ChallengeParameters %v", p)
	}
	msgs := e.inbox(url.Values{"userPoolId": {poolID}, "purpose": {"MFA"}})
	if len(msgs) != 1 {
		t.Fatalf("%d MFA messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Body != "Your authentication code is "+m.Code+". " || m.Destination != "+14155550123" ||
		!m.ExpiresAt.Equal(m.CreatedAt.Add(3*time.Minute)) {
		t.Fatalf("MFA message %+v", m)
	}
	session := aws.ToString(out.Session)
	_, err := e.respond(clientID, types.ChallengeNameTypeSmsMfa, session, "alice", "SMS_MFA_CODE", wrongCode(m.Code))
	wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	_, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, session, "alice")
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter SMS_MFA_CODE")
	done, err := e.respond(clientID, types.ChallengeNameTypeSmsMfa, session, "alice", "SMS_MFA_CODE", m.Code)
	wantTokens(t, done, err)
	_, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, session, "alice", "SMS_MFA_CODE", m.Code)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	// A code answers only the session it was sent for: a later sign-in's
	// code does not answer an earlier session.
	first := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSmsMfa).Session)
	second := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSmsMfa).Session)
	code := e.mfaCode(poolID, "alice", "SMS", "+14155550123")
	_, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, first, "alice", "SMS_MFA_CODE", code)
	wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	done, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, second, "alice", "SMS_MFA_CODE", code)
	wantTokens(t, done, err)

	// Past three minutes the code is dead, though the session is not.
	late := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSmsMfa).Session)
	code = e.mfaCode(poolID, "alice", "SMS", "+14155550123")
	e.Clock.Advance(3*time.Minute + time.Second)
	_, err = e.respond(clientID, types.ChallengeNameTypeSmsMfa, late, "alice", "SMS_MFA_CODE", code)
	wantAPICode(t, err, "ExpiredCodeException") // the MFA wording is UNVERIFIED

	// The pool's SmsAuthenticationMessage writes the message.
	_, err = e.setMfa(poolID, mfaAll(types.UserPoolMfaTypeOptional, "Sign-in code: {####}"))
	ok(t, err, "SetUserPoolMfaConfig")
	e.challenge(clientID, "alice", types.ChallengeNameTypeSmsMfa)
	if m := e.latestMessage(t, poolID, "alice"); m.Body != "Sign-in code: "+m.Code || m.Purpose != "MFA" {
		t.Fatalf("MFA message %+v", m)
	}
}

func TestEmailMfa(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0)
	_, err := e.setMfa(poolID, mfaAll(types.UserPoolMfaTypeOptional, ""))
	ok(t, err, "SetUserPoolMfaConfig")
	e.mfaUser(poolID, "alice")
	ok(t, e.prefer(poolID, "alice", nil, nil, preferred), "turn email MFA on")
	if u := e.getUser(poolID, "alice"); len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "EMAIL_OTP" ||
		aws.ToString(u.PreferredMfaSetting) != "EMAIL_OTP" || len(u.MFAOptions) != 0 {
		t.Fatalf("AdminGetUser: list %v preferred %v options %v", u.UserMFASettingList, u.PreferredMfaSetting, u.MFAOptions)
	}
	out := e.challenge(clientID, "alice", types.ChallengeNameTypeEmailOtp)
	if p := out.ChallengeParameters; len(p) != 3 || p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" ||
		p["CODE_DELIVERY_DESTINATION"] != "a***@e***" || p["USER_ID_FOR_SRP"] != "alice" {
		t.Fatalf("ChallengeParameters %v", p)
	}
	m := e.latestMessage(t, poolID, "alice")
	if m.Purpose != "MFA" || m.Medium != "EMAIL" || m.Destination != "alice@example.com" ||
		m.Subject != "Your sign-in code" || m.Body != "Use "+m.Code+" to sign in" {
		t.Fatalf("MFA message %+v", m)
	}
	session := aws.ToString(out.Session)
	_, err = e.respond(clientID, types.ChallengeNameTypeEmailOtp, session, "alice", "EMAIL_OTP_CODE", wrongCode(m.Code))
	wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	done, err := e.respond(clientID, types.ChallengeNameTypeEmailOtp, session, "alice", "EMAIL_OTP_CODE", m.Code)
	wantTokens(t, done, err)
}

// Wrong MFA codes count against the code-entry limit: past it even the
// right code is refused.
func TestMfaCodeAttemptLimit(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := mfaEnv(t, 0, withLimits(5, 2))
	e.mfaUser(poolID, "alice")
	ok(t, e.prefer(poolID, "alice", on, nil, nil), "turn SMS MFA on")
	session := aws.ToString(e.challenge(clientID, "alice", types.ChallengeNameTypeSmsMfa).Session)
	code := e.mfaCode(poolID, "alice", "SMS", "+14155550123")
	for range 2 {
		_, err := e.respond(clientID, types.ChallengeNameTypeSmsMfa, session, "alice", "SMS_MFA_CODE", wrongCode(code))
		wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	}
	_, err := e.respond(clientID, types.ChallengeNameTypeSmsMfa, session, "alice", "SMS_MFA_CODE", code)
	wantAPIError(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
}

// mfaAll is a SetUserPoolMfaConfig request turning every factor on, with
// a custom SMS message when sms is set and a custom email message.
func mfaAll(mode types.UserPoolMfaType, sms string) cip.SetUserPoolMfaConfigInput {
	in := cip.SetUserPoolMfaConfigInput{MfaConfiguration: mode, SoftwareTokenMfaConfiguration: totpOn,
		SmsMfaConfiguration:   &types.SmsMfaConfigType{},
		EmailMfaConfiguration: &types.EmailMfaConfigType{Subject: aws.String("Your sign-in code"), Message: aws.String("Use {####} to sign in")}}
	if sms != "" {
		in.SmsMfaConfiguration.SmsAuthenticationMessage = aws.String(sms)
	}
	return in
}
