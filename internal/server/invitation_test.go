package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAdminCreateUserInvitation: unless SUPPRESS, AdminCreateUser queues an
// invitation carrying the username and the temporary password (Cognito's
// default text), to each requested medium the user has an address for;
// the password in it starts the NEW_PASSWORD_REQUIRED flow.
func TestAdminCreateUserInvitation(t *testing.T) {
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	ctx := t.Context()
	_, err := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy"),
		TemporaryPassword: aws.String("Temp0rary!Pass"), DesiredDeliveryMediums: []types.DeliveryMediumType{"EMAIL", "SMS"},
		UserAttributes: []types.AttributeType{attr("email", "ivy@example.com")}})
	ok(t, err, "AdminCreateUser")
	msgs := e.userInbox(poolID, "ivy")
	if len(msgs) != 1 { // SMS was requested, but ivy has no phone number
		t.Fatalf("%d invitations, want 1 (email only): %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if m.Purpose != "ADMIN_CREATE_USER" || m.Medium != "EMAIL" || m.Destination != "ivy@example.com" ||
		m.Subject != "Your temporary password" || m.Body != "Your username is ivy and temporary password is Temp0rary!Pass. " {
		t.Fatalf("invitation %+v", m)
	}
	out, err := e.SDK.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: map[string]string{"USERNAME": "ivy", "PASSWORD": m.Code}})
	ok(t, err, "sign-in with the invited password")
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("challenge %q", out.ChallengeName)
	}

	_, err = e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("quiet"),
		MessageAction: types.MessageActionTypeSuppress, DesiredDeliveryMediums: []types.DeliveryMediumType{"EMAIL"},
		UserAttributes: []types.AttributeType{attr("email", "quiet@example.com")}})
	ok(t, err, "AdminCreateUser SUPPRESS")
	if n := len(e.userInbox(poolID, "quiet")); n != 0 {
		t.Fatalf("SUPPRESS queued %d messages", n)
	}
}

// Every message knows when what it carries stops working: a reset code
// after 1 hour, an invitation's temporary password after
// TemporaryPasswordValidityDays (7 by default); a suppressed record never.
// The delivery worker drops messages it could only send after that.
func TestMessagesCarryExpiry(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	e.mustForgot(poolID, clientID, "alice")
	m := e.latestMessage(t, poolID, "alice")
	if !m.ExpiresAt.Equal(m.CreatedAt.Add(time.Hour)) {
		t.Fatalf("reset code message expires %v, created %v: want 1 hour later", m.ExpiresAt, m.CreatedAt)
	}
	_, err := e.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy"),
		DesiredDeliveryMediums: []types.DeliveryMediumType{"EMAIL"}, UserAttributes: []types.AttributeType{attr("email", "ivy@example.com")}})
	ok(t, err, "AdminCreateUser")
	m = e.latestMessage(t, poolID, "ivy")
	if !m.ExpiresAt.Equal(m.CreatedAt.Add(7 * 24 * time.Hour)) {
		t.Fatalf("invitation expires %v, created %v: want 7 days later", m.ExpiresAt, m.CreatedAt)
	}
	enabled := aws.ToString(e.client(poolID, enabledClient).ClientId)
	_, err = e.forgot(enabled, "ghost")
	ok(t, err, "ForgotPassword for an unknown name")
	suppressed := 0
	for _, m := range e.inbox(nil) {
		if m.Status == "suppressed" {
			suppressed++
			if !m.ExpiresAt.IsZero() {
				t.Fatalf("suppressed record with an expiry: %+v", m)
			}
		}
	}
	if suppressed != 1 {
		t.Fatalf("%d suppressed records, want 1", suppressed)
	}
}

// MessageAction RESEND gives a FORCE_CHANGE_PASSWORD user a new temporary
// password and sends the invitation again; the old password stops working;
// a user who has left FORCE_CHANGE_PASSWORD cannot be re-invited.
func TestAdminCreateUserResend(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	ctx := t.Context()
	create := func(action types.MessageActionType, pw string) error {
		_, err := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy"),
			MessageAction: action, TemporaryPassword: aws.String(pw), DesiredDeliveryMediums: []types.DeliveryMediumType{"EMAIL"},
			UserAttributes: []types.AttributeType{attr("email", "ivy@example.com")}})
		return err
	}
	ok(t, create("", "Temp0rary!One"), "AdminCreateUser")
	ok(t, create(types.MessageActionTypeResend, "Temp0rary!Two"), "AdminCreateUser RESEND")
	msgs := e.userInbox(poolID, "ivy")
	if len(msgs) != 2 || msgs[0].Code != "Temp0rary!Two" || msgs[0].Purpose != "ADMIN_CREATE_USER" ||
		!strings.Contains(msgs[0].Body, "Temp0rary!Two") {
		t.Fatalf("after RESEND: %+v", msgs)
	}
	signIn := func(pw string) (*cip.AdminInitiateAuthOutput, error) {
		return e.SDK.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: map[string]string{"USERNAME": "ivy", "PASSWORD": pw}})
	}
	_, err := signIn("Temp0rary!One")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	out, err := signIn("Temp0rary!Two")
	ok(t, err, "sign-in with the resent password")
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("challenge %q", out.ChallengeName)
	}
	// Once the password is permanent, RESEND is refused and sends nothing.
	_, err = e.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy"),
		Password: aws.String(goodPassword), Permanent: true})
	ok(t, err, "AdminSetUserPassword")
	wantAPICode(t, create(types.MessageActionTypeResend, "Temp0rary!Three"), "UnsupportedUserStateException")
	if n := len(e.userInbox(poolID, "ivy")); n != 2 {
		t.Fatalf("a refused RESEND queued a message: %d messages", n)
	}
	// RESEND for nobody is UserNotFoundException.
	_, err = e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("nobody"),
		MessageAction: types.MessageActionTypeResend})
	wantAPICode(t, err, "UserNotFoundException")
}

// TestCustomMessageAdminCreateUser: the invitation goes through the
// CustomMessage trigger with usernameParameter "{username}" (the only
// source where Cognito fills it), and both placeholders are filled after.
func TestCustomMessageAdminCreateUser(t *testing.T) {
	te := newTriggerEnv(t)
	te.fn.Handle("msg", respond(func(r map[string]any) {
		r["emailSubject"] = "Welcome aboard"
		r["emailMessage"] = "Hi {username}, sign in with {####}"
	}))
	poolID := aws.ToString(te.pool(lambdas(types.LambdaConfigType{CustomMessage: aws.String(te.fn.ARN("msg"))})).Id)
	_, err := te.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("kai"),
		TemporaryPassword: aws.String("Temp0rary!Pass"), DesiredDeliveryMediums: []types.DeliveryMediumType{"EMAIL"},
		UserAttributes: []types.AttributeType{attr("email", "kai@example.com")}})
	ok(t, err, "AdminCreateUser")
	ev, raw := te.onlyEventOf(t, "msg")
	wantField(t, ev, "CustomMessage_AdminCreateUser", "triggerSource")
	wantField(t, ev, "{username}", "request", "usernameParameter")
	wantField(t, ev, "{####}", "request", "codeParameter")
	if strings.Contains(raw, "Temp0rary!Pass") {
		t.Fatal("the function saw the temporary password")
	}
	m := te.latestMessage(t, poolID, "kai")
	if m.Subject != "Welcome aboard" || m.Body != "Hi kai, sign in with Temp0rary!Pass" {
		t.Fatalf("invitation %+v", m)
	}
}
