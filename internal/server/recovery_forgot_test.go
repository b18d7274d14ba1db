package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// ForgotPassword (spec §2): validation, lookup, state and medium rules, the
// message, masking, the SecretHash and the attempt limit. LEGACY clients
// here; PreventUserExistenceErrors=ENABLED is in recovery_enumeration_test.go.

// rawError posts a raw request and decodes the error it must produce.
func (e *env) rawError(op, body string) (status int, code, message string) {
	e.t.Helper()
	resp := e.raw("AWSCognitoIdentityProviderService."+op, "application/x-amz-json-1.1", body)
	var out struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(readAll(e.t, resp)), &out); err != nil {
		e.t.Fatalf("%s %s: decode: %v", op, body, err)
	}
	return resp.StatusCode, out.Type, out.Message
}

// Model validation happens before anything else (spec §1.5, §2.2 step 1):
// the SDK checks required members itself, so these go over raw HTTP.
func TestForgotPasswordValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	null := func(member string) string {
		return "Value null at '" + member + "' failed to satisfy constraint: Member must not be null"
	}
	cases := []struct{ name, op, body, msg string }{
		{"missing Username", "ForgotPassword", `{"ClientId":"abc"}`, "1 validation error detected: " + null("username")},
		{"missing ClientId", "ForgotPassword", `{"Username":"alice"}`, "1 validation error detected: " + null("clientId")},
		{"missing both", "ForgotPassword", `{}`, "2 validation errors detected: " + null("clientId") + "; " + null("username")},
		{"bad SecretHash", "ForgotPassword", `{"ClientId":"abc","Username":"alice","SecretHash":"*"}`,
			`1 validation error detected: Value at 'secretHash' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=/]+`},
		{"confirm: missing everything", "ConfirmForgotPassword", `{}`, "4 validation errors detected: " + null("clientId") + "; " +
			null("username") + "; " + null("confirmationCode") + "; " + null("password")},
		{"confirm: empty code", "ConfirmForgotPassword", `{"ClientId":"abc","Username":"alice","ConfirmationCode":"","Password":"Passw0rd!"}`,
			`2 validation errors detected: Value '' at 'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+; ` +
				`Value '' at 'confirmationCode' failed to satisfy constraint: Member must have length greater than or equal to 1`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			status, code, msg := e.with(t).rawError(c.op, c.body)
			if status != http.StatusBadRequest || code != "InvalidParameterException" || msg != c.msg {
				t.Fatalf("got %d %s %q\nwant 400 InvalidParameterException %q", status, code, msg, c.msg)
			}
		})
	}
}

// The LEGACY refusals of spec §2.12, each with no code sent.
func TestForgotPasswordRefusals(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	ctx := t.Context()
	adminOnly := aws.ToString(e.pool(recoveryMechanisms(types.RecoveryOptionNameTypeAdminOnly)).Id)
	adminOnlyClient := aws.ToString(e.client(adminOnly).ClientId)
	e.confirmedUser(adminOnly, "olga", goodPassword, verifiedEmail("olga@example.com")...)

	e.confirmedUser(poolID, "dora", goodPassword, verifiedEmail("dora@example.com")...)
	_, err := e.SDK.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("dora")})
	ok(t, err, "AdminDisableUser")
	_, err = e.createUser(poolID, "fred", verifiedEmail("fred@example.com")...) // FORCE_CHANGE_PASSWORD
	ok(t, err, "AdminCreateUser")
	e.confirmedUser(poolID, "uma", goodPassword, attr("email", "uma@example.com"), attr("email_verified", "false"))
	e.confirmedUser(poolID, "ned", goodPassword) // no contact at all
	e.confirmedUser(poolID, "phil", goodPassword, attr("phone_number", "+14155550123"))
	_, err = e.signUp(clientID, "ursula", goodPassword, attr("email", "ursula@example.com")) // UNCONFIRMED
	ok(t, err, "SignUp")

	const noContact = "Cannot reset password for the user as there is no registered/verified email or phone_number"
	cases := []struct {
		name, client, pool, user string
		code, msg                string // msg "" checks the code only (UNVERIFIED text)
	}{
		{"unknown client", "nosuchclient", poolID, "alice", "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"unknown user", clientID, poolID, "nobody", "UserNotFoundException", "Username/client id combination not found."},
		{"disabled user", clientID, poolID, "dora", "NotAuthorizedException", "User is disabled."},
		{"FORCE_CHANGE_PASSWORD", clientID, poolID, "fred", "NotAuthorizedException", "User password cannot be reset in the current state."},
		{"unverified email", clientID, poolID, "uma", "InvalidParameterException", noContact},
		{"unverified phone", clientID, poolID, "phil", "InvalidParameterException", noContact},
		{"no contact", clientID, poolID, "ned", "InvalidParameterException", noContact},
		{"UNCONFIRMED without verified contact", clientID, poolID, "ursula", "InvalidParameterException", noContact},
		{"admin_only", adminOnlyClient, adminOnly, "olga", "NotAuthorizedException", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			_, err := e.forgot(c.client, c.user)
			if c.msg == "" {
				wantAPICode(t, err, c.code)
			} else {
				wantAPIError(t, err, c.code, c.msg)
			}
			if msgs := e.userInbox(c.pool, c.user); len(msgs) != 0 {
				t.Fatalf("refused, yet %d messages queued: %+v", len(msgs), msgs)
			}
		})
	}
}

// Spec §2.8: for ForgotPassword and ConfirmForgotPassword. The secret is
// checked before the user is looked up (spec §2.2 step 3), so an unknown
// user with a bad hash hears about the hash.
func TestForgotPasswordSecretHash(t *testing.T) {
	t.Parallel()
	e, poolID, plain := recoverySetup(t, withLimits(50, 50))
	sc := e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	withSecret, secret := aws.ToString(sc.ClientId), aws.ToString(sc.ClientSecret)
	right := secretHash(secret, "alice", withSecret)
	missing := "Client " + withSecret + " is configured for secret but secret was not received"
	mismatch := "Unable to verify secret hash for client " + withSecret
	notConfigured := "Client " + plain + " is not configured for secret but secret hash was received"

	_, err := e.forgot(withSecret, "alice")
	wantAPIError(t, err, "NotAuthorizedException", missing)
	_, err = e.forgot(withSecret, "nobody")
	wantAPIError(t, err, "NotAuthorizedException", missing)
	_, err = e.forgotHash(withSecret, "alice", secretHash("wrong", "alice", withSecret))
	wantAPIError(t, err, "NotAuthorizedException", mismatch)
	_, err = e.forgotHash(withSecret, "alice", secretHash(secret, "bob", withSecret))
	wantAPIError(t, err, "NotAuthorizedException", mismatch)
	_, err = e.forgotHash(withSecret, "nobody", secretHash("wrong", "nobody", withSecret))
	wantAPIError(t, err, "NotAuthorizedException", mismatch)
	_, err = e.forgotHash(plain, "alice", secretHash(secret, "alice", plain))
	wantAPIError(t, err, "InvalidParameterException", notConfigured)
	if msgs := e.userInbox(poolID, "alice"); len(msgs) != 0 {
		t.Fatalf("refused requests queued %d messages", len(msgs))
	}
	_, err = e.forgotHash(withSecret, "nobody", secretHash(secret, "nobody", withSecret))
	wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")

	_, err = e.forgotHash(withSecret, "alice", right)
	ok(t, err, "ForgotPassword with the right SecretHash")
	code := e.latestCode(t, poolID, "alice")
	wantAPIError(t, e.confirmForgot(withSecret, "alice", code, "NewPassw0rd!"), "NotAuthorizedException", missing)
	wantAPIError(t, e.confirmForgotHash(withSecret, "alice", code, "NewPassw0rd!", secretHash("x", "alice", withSecret)),
		"NotAuthorizedException", mismatch)
	wantAPIError(t, e.confirmForgotHash(plain, "alice", code, "NewPassw0rd!", right), "InvalidParameterException", notConfigured)
	ok(t, e.confirmForgotHash(withSecret, "alice", code, "NewPassw0rd!", right), "ConfirmForgotPassword with the right SecretHash")
	e.signIn(plain, "alice", "NewPassw0rd!")
}

// Spec §2.9: 5 requests per user per rolling hour (withLimits), then
// LimitExceededException, which lifts once the window has slid past.
func TestForgotPasswordAttemptLimit(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(5, 5))
	for range 5 {
		_, err := e.forgot(clientID, "alice")
		ok(t, err, "ForgotPassword within the limit")
	}
	const limited = "Attempt limit exceeded, please try after some time."
	_, err := e.forgot(clientID, "alice")
	wantAPIError(t, err, "LimitExceededException", limited)
	if n := len(e.userInbox(poolID, "alice")); n != 5 {
		t.Fatalf("%d messages, want 5: the refused request must send nothing", n)
	}
	e.Clock.Advance(30 * time.Minute)
	_, err = e.forgot(clientID, "alice")
	wantAPIError(t, err, "LimitExceededException", limited)
	e.Clock.Advance(31 * time.Minute) // the first six attempts are now over an hour old
	_, err = e.forgot(clientID, "alice")
	ok(t, err, "ForgotPassword after the window slid")
	// The limit is per user.
	e.confirmedUser(poolID, "bob", goodPassword, verifiedEmail("bob@example.com")...)
	_, err = e.forgot(clientID, "bob")
	ok(t, err, "ForgotPassword for another user")
}

// Spec §2.3: the name may be the username, the sub, a verified alias, the
// email of an email-as-username pool, and ignores case in case-insensitive
// pools. The code goes to the canonical user, and ConfirmForgotPassword
// takes the same name.
func TestForgotPasswordLookup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	plain := aws.ToString(e.pool().Id)
	alias := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
	}).Id)
	emailUser := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	}).Id)
	insensitive := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
	}).Id)
	clients := map[string]string{}
	for _, p := range []string{plain, alias, emailUser, insensitive} {
		clients[p] = aws.ToString(e.client(p).ClientId)
	}
	e.confirmedUser(plain, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	e.confirmedUser(plain, "sam", goodPassword, verifiedEmail("sam@example.com")...)
	sub, _ := attrValue(e.getUser(plain, "sam").UserAttributes, "sub")
	e.confirmedUser(alias, "amy", goodPassword, verifiedEmail("amy@example.com")...)
	e.confirmedUser(alias, "ben", goodPassword, attr("email", "ben@example.com"))
	e.confirmedUser(emailUser, "carol@example.com", goodPassword, attr("email_verified", "true"))
	carol := aws.ToString(e.getUser(emailUser, "carol@example.com").Username)
	e.confirmedUser(insensitive, "dave", goodPassword, verifiedEmail("dave@example.com")...)

	cases := []struct {
		name, pool, typed, canonical string
	}{
		{"username", plain, "alice", "alice"},
		{"sub", plain, sub, "sam"},
		{"verified email alias", alias, "amy@example.com", "amy"},
		{"email as username", emailUser, "carol@example.com", carol},
		{"other case, case-insensitive pool", insensitive, "DAVE", "dave"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			_, err := e.forgot(clients[c.pool], c.typed)
			ok(t, err, "ForgotPassword")
			m := e.latestMessage(t, c.pool, c.canonical)
			if m.Username != c.canonical || m.Purpose != "FORGOT_PASSWORD" || !sixDigits.MatchString(m.Code) {
				t.Fatalf("message %+v, want a FORGOT_PASSWORD code for %s", m, c.canonical)
			}
			ok(t, e.confirmForgot(clients[c.pool], c.typed, m.Code, "NewPassw0rd!"), "ConfirmForgotPassword")
			e.signIn(clients[c.pool], c.canonical, "NewPassw0rd!")
		})
	}
	t.Run("unverified alias does not resolve", func(t *testing.T) {
		t.Parallel()
		_, err := e.with(t).forgot(clients[alias], "ben@example.com")
		wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")
	})
	t.Run("other case, case-sensitive pool", func(t *testing.T) {
		t.Parallel()
		_, err := e.with(t).forgot(clients[plain], "ALICE")
		wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")
	})
}

// Spec §2.4 and §2.6: the medium follows AccountRecoverySetting priorities,
// only verified attributes qualify, and without the setting the legacy
// order is phone first. Destinations come back masked, and unmasked in the
// inbox.
func TestForgotPasswordRecoveryMedium(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	email, phone := types.RecoveryOptionNameTypeVerifiedEmail, types.RecoveryOptionNameTypeVerifiedPhoneNumber
	pools := map[string]string{
		"email first": aws.ToString(e.pool(recoveryMechanisms(email, phone)).Id),
		"phone first": aws.ToString(e.pool(recoveryMechanisms(phone, email)).Id),
		"email only":  aws.ToString(e.pool(recoveryMechanisms(email)).Id),
		"legacy":      aws.ToString(e.pool().Id),
		// Priorities decide, not the order of the list.
		"phone first, listed last": aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
			in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
				{Name: email, Priority: aws.Int32(2)}, {Name: phone, Priority: aws.Int32(1)}}}
		}).Id),
	}
	clients := map[string]string{}
	for name, id := range pools {
		clients[name] = aws.ToString(e.client(id).ClientId)
	}
	const addr, num = "alice@example.com", "+14155550123"
	both := append(verifiedEmail(addr), verifiedPhone(num)...)
	emailOnly := append(verifiedEmail(addr), attr("phone_number", num), attr("phone_number_verified", "false"))
	phoneOnly := append(verifiedPhone(num), attr("email", addr), attr("email_verified", "false"))
	cases := []struct {
		name, pool string
		attrs      []types.AttributeType
		medium     types.DeliveryMediumType // "" means no qualifying medium
	}{
		{"email first, both verified", "email first", both, types.DeliveryMediumTypeEmail},
		{"email first, email unverified", "email first", phoneOnly, types.DeliveryMediumTypeSms},
		{"phone first, both verified", "phone first", both, types.DeliveryMediumTypeSms},
		{"phone first, phone unverified", "phone first", emailOnly, types.DeliveryMediumTypeEmail},
		{"phone first listed last, both verified", "phone first, listed last", both, types.DeliveryMediumTypeSms},
		{"email only, email unverified", "email only", phoneOnly, ""},
		{"legacy, both verified", "legacy", both, types.DeliveryMediumTypeSms},
		{"legacy, phone unverified", "legacy", emailOnly, types.DeliveryMediumTypeEmail},
	}
	for i, c := range cases {
		user := "user" + string(rune('a'+i))
		e.confirmedUser(pools[c.pool], user, goodPassword, c.attrs...)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			out, err := e.forgot(clients[c.pool], user)
			if c.medium == "" {
				wantAPIError(t, err, "InvalidParameterException",
					"Cannot reset password for the user as there is no registered/verified email or phone_number")
				return
			}
			ok(t, err, "ForgotPassword")
			attrName, masked, unmasked := "email", "a***@e***", addr
			if c.medium == types.DeliveryMediumTypeSms {
				attrName, masked, unmasked = "phone_number", "+*******0123", num
			}
			wantDelivery(t, out.CodeDeliveryDetails, c.medium, attrName, masked)
			msgs := e.userInbox(pools[c.pool], user)
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want exactly one (one medium only)", len(msgs))
			}
			if m := msgs[0]; m.Medium != string(c.medium) || m.Destination != unmasked {
				t.Fatalf("message to %s %q, want %s %q", m.Medium, m.Destination, c.medium, unmasked)
			}
		})
	}
}

// Spec §2.11: ForgotPassword uses the pool's verification message
// (VerificationMessageTemplate, else the legacy fields, else the default)
// with {####} replaced by the code.
func TestForgotPasswordMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	tmpl := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{
			EmailMessage: aws.String("<p>Reset with {####} now</p>"), EmailSubject: aws.String("Your reset code"),
			SmsMessage: aws.String("SMS code {####}")}
	}).Id)
	legacy := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.EmailVerificationMessage = aws.String("Legacy body {####}.")
		in.EmailVerificationSubject = aws.String("Legacy subject")
		in.SmsVerificationMessage = aws.String("Legacy SMS {####}")
	}).Id)
	def := aws.ToString(e.pool().Id)
	cases := []struct {
		name, pool   string
		attrs        []types.AttributeType
		medium, dest string
		subject      string
		body         string // with {####} standing for the code
	}{
		{"template email", tmpl, verifiedEmail("alice@example.com"), "EMAIL", "alice@example.com", "Your reset code", "<p>Reset with {####} now</p>"},
		{"template SMS", tmpl, verifiedPhone("+14155550123"), "SMS", "+14155550123", "", "SMS code {####}"},
		{"legacy email", legacy, verifiedEmail("alice@example.com"), "EMAIL", "alice@example.com", "Legacy subject", "Legacy body {####}."},
		{"legacy SMS", legacy, verifiedPhone("+14155550123"), "SMS", "+14155550123", "", "Legacy SMS {####}"},
		{"default email", def, verifiedEmail("alice@example.com"), "EMAIL", "alice@example.com", "Your verification code", "Your verification code is {####}. "},
		{"default SMS", def, verifiedPhone("+14155550123"), "SMS", "+14155550123", "", "Your verification code is {####}. "},
	}
	for i, c := range cases {
		user := "user" + string(rune('a'+i))
		e.confirmedUser(c.pool, user, goodPassword, c.attrs...)
		client := aws.ToString(e.client(c.pool).ClientId)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			_, err := e.forgot(client, user)
			ok(t, err, "ForgotPassword")
			m := e.latestMessage(t, c.pool, user)
			if !sixDigits.MatchString(m.Code) {
				t.Fatalf("code %q is not six digits", m.Code)
			}
			want := strings.ReplaceAll(c.body, "{####}", m.Code)
			if m.Purpose != "FORGOT_PASSWORD" || m.Medium != c.medium || m.Destination != c.dest ||
				m.Subject != c.subject || m.Body != want || m.Status == "suppressed" || m.SuppressedReason != "" || m.UserPoolID != c.pool {
				t.Fatalf("message %+v\nwant FORGOT_PASSWORD %s to %q, subject %q, body %q", m, c.medium, c.dest, c.subject, want)
			}
		})
	}
}

// Spec §2.2 step 9: ForgotPassword changes neither the status nor the
// password; RESET_REQUIRED users (spec §2.5) get a code too.
func TestForgotPasswordChangesNothing(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	_, err := e.forgot(clientID, "alice")
	ok(t, err, "ForgotPassword")
	after := e.getUser(poolID, "alice")
	if after.UserStatus != types.UserStatusTypeConfirmed || !after.Enabled {
		t.Fatalf("status %s enabled %v after ForgotPassword", after.UserStatus, after.Enabled)
	}
	if v, _ := attrValue(after.UserAttributes, "email_verified"); v != "true" {
		t.Fatalf("email_verified %q after ForgotPassword", v)
	}
	e.signIn(clientID, "alice", goodPassword)

	_, err = e.SDK.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
	ok(t, err, "AdminResetUserPassword")
	e.wantStatus(poolID, "alice", types.UserStatusTypeResetRequired)
	out, err := e.forgot(clientID, "alice")
	ok(t, err, "ForgotPassword in RESET_REQUIRED")
	wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "a***@e***")
	if m := e.latestMessage(t, poolID, "alice"); m.Purpose != "FORGOT_PASSWORD" || m.Code == "" {
		t.Fatalf("message %+v", m)
	}
	e.wantStatus(poolID, "alice", types.UserStatusTypeResetRequired)
}

// Spec §1.3: ForgotPassword's body as observed on the wire, key order
// included; ConfirmForgotPassword answers {}.
func TestForgotPasswordWireShape(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	const ct = "application/x-amz-json-1.1"
	resp := e.raw("AWSCognitoIdentityProviderService.ForgotPassword", ct, `{"ClientId":"`+clientID+`","Username":"alice"}`)
	body := readAll(t, resp)
	want := `{"CodeDeliveryDetails":{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"a***@e***"}}`
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != want || resp.Header.Get("Content-Type") != ct ||
		!uuidAny.MatchString(resp.Header.Get("x-amzn-RequestId")) {
		t.Fatalf("ForgotPassword: %d %s %v\nwant 200 %s", resp.StatusCode, body, resp.Header, want)
	}
	code := e.latestCode(t, poolID, "alice")
	resp = e.raw("AWSCognitoIdentityProviderService.ConfirmForgotPassword", ct,
		`{"ClientId":"`+clientID+`","Username":"alice","ConfirmationCode":"`+code+`","Password":"NewPassw0rd!"}`)
	if body := readAll(t, resp); resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "{}" {
		t.Fatalf("ConfirmForgotPassword: %d %s, want 200 {}", resp.StatusCode, body)
	}
}
