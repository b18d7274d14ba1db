package server_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/userpool/userpool/internal/lambdatest"
	"github.com/userpool/userpool/internal/triggers"
)

// Behaviour tests for the Lambda triggers (spec §4), through the real SDK:
// the pool names functions of a lambdatest server in its LambdaConfig, the
// server calls them through a triggers.LambdaInvoker, and the tests check
// both what the function received and what the API caller saw.

// triggerEnv is a dev-API env whose triggers go to fn.
type triggerEnv struct {
	*env
	fn *lambdatest.Server
}

// newTriggerEnv starts a fake Lambda and a server whose invoker calls it,
// with a short per-attempt timeout (300 ms) and no pause between attempts.
func newTriggerEnv(t *testing.T, opts ...func(*envConfig)) *triggerEnv {
	t.Helper()
	fn := lambdatest.Start(t)
	inv := triggers.NewLambdaInvoker(lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(fn.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	}))
	inv.Timeout = 300 * time.Millisecond
	inv.RetryDelay = 0
	return &triggerEnv{env: newEnv(t, append([]func(*envConfig){withDev, withInvoker(inv)}, opts...)...), fn: fn}
}

// lambdas sets the pool's LambdaConfig.
func lambdas(cfg types.LambdaConfigType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) { in.LambdaConfig = &cfg }
}

// respond is a function written as trigger code is: take the event, fill in
// its response, hand the whole event back.
func respond(fill func(resp map[string]any)) lambdatest.Func {
	return func(raw json.RawMessage) (any, error) {
		var ev map[string]any
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		resp, _ := ev["response"].(map[string]any)
		if resp == nil {
			resp = map[string]any{}
		}
		fill(resp)
		ev["response"] = resp
		return ev, nil
	}
}

// echo hands the event back untouched (every response member stays null).
func echo(raw json.RawMessage) (any, error) { return raw, nil }

// failWith is a function that throws.
func failWith(msg string) lambdatest.Func {
	return func(json.RawMessage) (any, error) { return nil, errors.New(msg) }
}

// onlyEventOf returns the single event function name received, decoded,
// and the raw JSON.
func (te *triggerEnv) onlyEventOf(t *testing.T, name string) (map[string]any, string) {
	t.Helper()
	calls := te.fn.InvocationsOf(name)
	if len(calls) != 1 {
		t.Fatalf("%s invoked %d times, want 1", name, len(calls))
	}
	var ev map[string]any
	if err := json.Unmarshal(calls[0].Event, &ev); err != nil {
		t.Fatalf("event is not JSON: %v\n%s", err, calls[0].Event)
	}
	return ev, string(calls[0].Event)
}

// wantInvocations checks how often function name ran.
func (te *triggerEnv) wantInvocations(t *testing.T, name string, want int) {
	t.Helper()
	if n := len(te.fn.InvocationsOf(name)); n != want {
		t.Fatalf("%s invoked %d times, want %d", name, n, want)
	}
}

// field walks nested objects of a decoded event; ok is false when a key is
// absent (a present null gives nil, true).
func field(ev map[string]any, path ...string) (v any, ok bool) {
	var cur any = ev
	for _, k := range path {
		m, isMap := cur.(map[string]any)
		if !isMap {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// wantField fails unless the value at path is exactly want (JSON-decoded:
// strings, nil, maps of any).
func wantField(t *testing.T, ev map[string]any, want any, path ...string) {
	t.Helper()
	got, ok := field(ev, path...)
	if !ok {
		t.Fatalf("event has no %s", strings.Join(path, "."))
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("event %s = %s, want %s", strings.Join(path, "."), gb, wb)
	}
}

// wantEnvelope checks the common envelope (spec §4.2).
func wantEnvelope(t *testing.T, ev map[string]any, source triggers.Source, poolID, userName, clientID string) {
	t.Helper()
	wantField(t, ev, string(source), "triggerSource")
	wantField(t, ev, "1", "version")
	wantField(t, ev, "us-east-1", "region")
	wantField(t, ev, poolID, "userPoolId")
	wantField(t, ev, userName, "userName")
	wantField(t, ev, clientID, "callerContext", "clientId")
}

// messagesOf returns the user's inbox messages of one purpose.
func (e *env) messagesOf(t *testing.T, poolID, username, purpose string) []inboxMsg {
	t.Helper()
	var out []inboxMsg
	for _, m := range e.with(t).userInbox(poolID, username) {
		if m.Purpose == purpose {
			out = append(out, m)
		}
	}
	return out
}

// wantNoResetIssued checks that a failed ForgotPassword left nothing behind:
// no FORGOT_PASSWORD message, and no code ConfirmForgotPassword would take.
func (e *env) wantNoResetIssued(t *testing.T, poolID, clientID, username string) {
	t.Helper()
	if msgs := e.messagesOf(t, poolID, username, "FORGOT_PASSWORD"); len(msgs) != 0 {
		t.Fatalf("a FORGOT_PASSWORD message was queued: %+v", msgs)
	}
	wantAPIError(t, e.with(t).confirmForgot(clientID, username, "123456", "NewPassw0rd!"), "ExpiredCodeException", msgExpiredCode)
}

// standaloneSixDigits finds a code-shaped token in an event.
var standaloneSixDigits = regexp.MustCompile(`(^|[^0-9A-Za-z])[0-9]{6}([^0-9A-Za-z]|$)`)

// --- CustomMessage -----------------------------------------------------------

func customMessagePool(te *triggerEnv, tweak ...func(*cip.CreateUserPoolInput)) (poolID, clientID string) {
	poolID = aws.ToString(te.pool(append([]func(*cip.CreateUserPoolInput){
		lambdas(types.LambdaConfigType{CustomMessage: aws.String(te.fn.ARN("msg"))})}, tweak...)...).Id)
	clientID = aws.ToString(te.client(poolID).ClientId)
	te.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	return poolID, clientID
}

func TestCustomMessageForgotPassword(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := customMessagePool(te)
	te.fn.Handle("msg", respond(func(r map[string]any) {
		r["emailSubject"] = "Reset your Example password"
		r["emailMessage"] = "Hello! Your reset code is <b>{####}</b>. Bye."
	}))

	out, err := te.SDK.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("alice"), ClientMetadata: map[string]string{"flow": "web", "lang": "en"}})
	ok(t, err, "ForgotPassword")
	wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "a***@e***")

	ev, raw := te.onlyEventOf(t, "msg")
	wantEnvelope(t, ev, triggers.CustomMessageForgotPassword, poolID, "alice", clientID)
	wantField(t, ev, "alice@example.com", "request", "userAttributes", "email")
	wantField(t, ev, "true", "request", "userAttributes", "email_verified")
	wantField(t, ev, "CONFIRMED", "request", "userAttributes", "cognito:user_status")
	wantField(t, ev, "{####}", "request", "codeParameter")
	wantField(t, ev, map[string]any{"flow": "web", "lang": "en"}, "request", "clientMetadata")

	m := te.latestMessage(t, poolID, "alice")
	if m.Purpose != "FORGOT_PASSWORD" || m.Destination != "alice@example.com" || !sixDigits.MatchString(m.Code) {
		t.Fatalf("message %+v", m)
	}
	if m.Subject != "Reset your Example password" {
		t.Errorf("subject %q, want the function's", m.Subject)
	}
	if want := "Hello! Your reset code is <b>" + m.Code + "</b>. Bye."; m.Body != want {
		t.Errorf("body %q, want %q", m.Body, want)
	}
	// The function only ever saw the placeholder.
	if strings.Contains(raw, m.Code) || standaloneSixDigits.MatchString(raw) {
		t.Fatalf("the event carries a code:\n%s", raw)
	}
	// The substituted code is the one ConfirmForgotPassword takes.
	ok(t, te.confirmForgot(clientID, "alice", m.Code, "NewPassw0rd!"), "ConfirmForgotPassword")
	te.signIn(clientID, "alice", "NewPassw0rd!")
}

// A changed email in a pool that auto-verifies email gets its verification
// code through CustomMessage_UpdateUserAttribute, with the new address in
// the event, for the admin and the self-service operation alike.
func TestCustomMessageUpdateUserAttribute(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := customMessagePool(te, func(in *cip.CreateUserPoolInput) {
		in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
	})
	te.fn.Handle("msg", respond(func(r map[string]any) {
		r["emailSubject"] = "Confirm your new address"
		r["emailMessage"] = "Your verification code is {####}."
	}))
	_, err := te.SDK.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
		Username: aws.String("alice"), UserAttributes: []types.AttributeType{attr("email", "alice@new.example")},
		ClientMetadata: map[string]string{"why": "admin"}})
	ok(t, err, "AdminUpdateUserAttributes")
	ev, raw := te.onlyEventOf(t, "msg")
	wantEnvelope(t, ev, triggers.CustomMessageUpdateUserAttribute, poolID, "alice", "")
	wantField(t, ev, "alice@new.example", "request", "userAttributes", "email")
	wantField(t, ev, "false", "request", "userAttributes", "email_verified")
	wantField(t, ev, map[string]any{"why": "admin"}, "request", "clientMetadata")
	m := te.latestMessage(t, poolID, "alice")
	if m.Purpose != "VERIFY_ATTRIBUTE" || m.Destination != "alice@new.example" || m.Subject != "Confirm your new address" ||
		m.Body != "Your verification code is "+m.Code+"." || strings.Contains(raw, m.Code) {
		t.Fatalf("message %+v", m)
	}

	// Self-service: the caller's app client is in the event.
	tokens := te.signIn(clientID, "alice", goodPassword)
	out, err := te.SDK.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: tokens.AccessToken,
		UserAttributes: []types.AttributeType{attr("email", "alice@newer.example")}})
	ok(t, err, "UpdateUserAttributes")
	if len(out.CodeDeliveryDetailsList) != 1 {
		t.Fatalf("CodeDeliveryDetailsList %+v", out.CodeDeliveryDetailsList)
	}
	te.wantInvocations(t, "msg", 2)
	if m := te.latestMessage(t, poolID, "alice"); m.Destination != "alice@newer.example" || m.Subject != "Confirm your new address" {
		t.Fatalf("second message %+v", m)
	}
	_, err = te.SDK.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{AccessToken: tokens.AccessToken,
		AttributeName: aws.String("email"), Code: aws.String(te.latestMessage(t, poolID, "alice").Code)})
	ok(t, err, "VerifyUserAttribute with the code from the function's message")
}

func TestCustomMessageNullResponseKeepsTemplate(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := customMessagePool(te, func(in *cip.CreateUserPoolInput) {
		in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{
			EmailSubject: aws.String("Pool subject"), EmailMessage: aws.String("Pool template code {####} end")}
	})
	te.fn.Handle("msg", echo)
	_, err := te.forgot(clientID, "alice")
	ok(t, err, "ForgotPassword")
	te.wantInvocations(t, "msg", 1)
	m := te.latestMessage(t, poolID, "alice")
	if m.Purpose != "FORGOT_PASSWORD" || !sixDigits.MatchString(m.Code) {
		t.Fatalf("message %+v", m)
	}
	if m.Subject != "Pool subject" || m.Body != "Pool template code "+m.Code+" end" {
		t.Fatalf("subject %q body %q, want the pool template", m.Subject, m.Body)
	}
}

func TestCustomMessageWithoutPlaceholder(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := customMessagePool(te)
	te.fn.Handle("msg", respond(func(r map[string]any) { r["emailMessage"] = "Your code is on its way." }))
	_, err := te.forgot(clientID, "alice")
	wantAPIError(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	te.wantNoResetIssued(t, poolID, clientID, "alice")
}

func TestCustomMessageSignUp(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := customMessagePool(te, autoVerifyEmail)
	te.fn.Handle("msg", respond(func(r map[string]any) {
		r["emailSubject"] = "Welcome"
		r["emailMessage"] = "Confirm with {####}"
	}))
	_, err := te.signUp(clientID, "bob", goodPassword, attr("email", "bob@example.com"))
	ok(t, err, "SignUp")
	ev, raw := te.onlyEventOf(t, "msg")
	wantEnvelope(t, ev, triggers.CustomMessageSignUp, poolID, "bob", clientID)
	wantField(t, ev, "bob@example.com", "request", "userAttributes", "email")
	wantField(t, ev, "UNCONFIRMED", "request", "userAttributes", "cognito:user_status")
	wantField(t, ev, "{####}", "request", "codeParameter")
	m := te.latestMessage(t, poolID, "bob")
	if m.Purpose != "SIGN_UP" || m.Subject != "Welcome" || m.Body != "Confirm with "+m.Code || !sixDigits.MatchString(m.Code) {
		t.Fatalf("message %+v", m)
	}
	if strings.Contains(raw, m.Code) {
		t.Fatalf("the event carries the code:\n%s", raw)
	}
	ok(t, te.confirmSignUp(clientID, "bob", m.Code), "ConfirmSignUp")
	te.wantStatus(poolID, "bob", types.UserStatusTypeConfirmed)
}

// --- UserMigration -----------------------------------------------------------

func migrationPool(te *triggerEnv) (poolID, clientID string) {
	poolID = aws.ToString(te.pool(lambdas(types.LambdaConfigType{UserMigration: aws.String(te.fn.ARN("migrate"))})).Id)
	return poolID, aws.ToString(te.client(poolID).ClientId)
}

// migrated answers with a verified email and, if status is not "", a
// finalUserStatus.
func migrated(email, status string) lambdatest.Func {
	return respond(func(r map[string]any) {
		r["userAttributes"] = map[string]string{"email": email, "email_verified": "true"}
		if status != "" {
			r["finalUserStatus"] = status
		}
	})
}

func TestUserMigrationForgotPassword(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := migrationPool(te)
	te.fn.Handle("migrate", migrated("carol@example.com", ""))

	out, err := te.SDK.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("carol"), ClientMetadata: map[string]string{"k": "v"}})
	ok(t, err, "ForgotPassword")
	wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "c***@e***")

	ev, _ := te.onlyEventOf(t, "migrate")
	wantEnvelope(t, ev, triggers.UserMigrationForgotPassword, poolID, "carol", clientID)
	if _, has := field(ev, "request", "password"); has {
		t.Fatalf("UserMigration_ForgotPassword event has a password key: %v", ev["request"])
	}
	wantField(t, ev, map[string]any{"k": "v"}, "request", "clientMetadata")

	u := te.getUser(poolID, "carol")
	if u.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("migrated user status %s, want RESET_REQUIRED", u.UserStatus)
	}
	if v, _ := attrValue(u.UserAttributes, "email"); v != "carol@example.com" {
		t.Fatalf("email %q", v)
	}
	if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "true" {
		t.Fatalf("email_verified %q", v)
	}
	m := te.latestMessage(t, poolID, "carol")
	if m.Purpose != "FORGOT_PASSWORD" || m.Destination != "carol@example.com" {
		t.Fatalf("message %+v", m)
	}
	ok(t, te.confirmForgot(clientID, "carol", m.Code, "NewPassw0rd!"), "ConfirmForgotPassword")
	te.wantStatus(poolID, "carol", types.UserStatusTypeConfirmed)
	te.signIn(clientID, "carol", "NewPassw0rd!")

	// The user exists now: the function is not asked again.
	te.mustForgot(poolID, clientID, "carol")
	te.wantInvocations(t, "migrate", 1)
}

func TestUserMigrationForgotPasswordFinalStatusConfirmed(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := migrationPool(te)
	te.fn.Handle("migrate", migrated("carol@example.com", "CONFIRMED"))
	code := te.mustForgot(poolID, clientID, "carol")
	te.wantStatus(poolID, "carol", types.UserStatusTypeConfirmed)
	ok(t, te.confirmForgot(clientID, "carol", code, "NewPassw0rd!"), "ConfirmForgotPassword")
	te.signIn(clientID, "carol", "NewPassw0rd!")
}

func TestUserMigrationForgotPasswordEmptyResponse(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, legacy := migrationPool(te)
	enabled := aws.ToString(te.client(poolID, enabledClient).ClientId)
	te.fn.Handle("migrate", echo)

	_, err := te.forgot(legacy, "ghost")
	wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")
	te.wantInvocations(t, "migrate", 1)

	out, err := te.forgot(enabled, "ghost")
	ok(t, err, "ForgotPassword (ENABLED)")
	if d := out.CodeDeliveryDetails; d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.Destination) == "" {
		t.Fatalf("simulated CodeDeliveryDetails %+v", d)
	}
	te.wantInvocations(t, "migrate", 2)
	wantAPIError(t, te.adminGet(poolID, "ghost"), "UserNotFoundException", "User does not exist.")
	te.wantNoCodeSent(poolID, "ghost")
}

func TestUserMigrationForgotPasswordFunctionError(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := migrationPool(te)
	te.fn.Handle("migrate", failWith("Bad Email"))
	_, err := te.forgot(clientID, "carol")
	wantAPIError(t, err, "UserLambdaValidationException", "UserMigration failed with error Bad Email.")
	te.wantInvocations(t, "migrate", 1)
	wantAPIError(t, te.adminGet(poolID, "carol"), "UserNotFoundException", "User does not exist.")
	if msgs := te.userInbox(poolID, "carol"); len(msgs) != 0 {
		t.Fatalf("messages for carol: %+v", msgs)
	}
}

func TestUserMigrationAuthentication(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := migrationPool(te)
	te.fn.Handle("migrate", migrated("dave@example.com", "CONFIRMED"))

	te.signIn(clientID, "dave", "Legacy-Passw0rd")
	ev, _ := te.onlyEventOf(t, "migrate")
	wantEnvelope(t, ev, triggers.UserMigrationAuthentication, poolID, "dave", clientID)
	wantField(t, ev, "Legacy-Passw0rd", "request", "password")
	te.wantStatus(poolID, "dave", types.UserStatusTypeConfirmed)

	// The second sign-in checks the stored password; no second call.
	te.signIn(clientID, "dave", "Legacy-Passw0rd")
	te.wantInvocations(t, "migrate", 1)
	_, err := te.initiate(clientID, "dave", "Wrong-Passw0rd")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	te.wantInvocations(t, "migrate", 1)
}

// --- PostConfirmation ----------------------------------------------------------

func TestPostConfirmationConfirmForgotPassword(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID := aws.ToString(te.pool(lambdas(types.LambdaConfigType{PostConfirmation: aws.String(te.fn.ARN("post"))})).Id)
	clientID := aws.ToString(te.client(poolID).ClientId)
	te.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	te.fn.Handle("post", echo)

	code := te.mustForgot(poolID, clientID, "alice")
	wantAPIError(t, te.confirmForgot(clientID, "alice", otherCode(code), "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	te.wantInvocations(t, "post", 0)

	_, err := te.SDK.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("alice"), ConfirmationCode: aws.String(code), Password: aws.String("NewPassw0rd!"),
		ClientMetadata: map[string]string{"k": "v"}})
	ok(t, err, "ConfirmForgotPassword")
	ev, _ := te.onlyEventOf(t, "post")
	wantEnvelope(t, ev, triggers.PostConfirmationConfirmForgotPassword, poolID, "alice", clientID)
	wantField(t, ev, "alice@example.com", "request", "userAttributes", "email")
	wantField(t, ev, "CONFIRMED", "request", "userAttributes", "cognito:user_status")
	wantField(t, ev, map[string]any{"k": "v"}, "request", "clientMetadata")
	te.signIn(clientID, "alice", "NewPassw0rd!")
}

func TestPostConfirmationConfirmSignUp(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID := aws.ToString(te.pool(autoVerifyEmail, lambdas(types.LambdaConfigType{PostConfirmation: aws.String(te.fn.ARN("post"))})).Id)
	clientID := aws.ToString(te.client(poolID).ClientId)
	te.fn.Handle("post", echo)

	_, err := te.signUp(clientID, "bob", goodPassword, attr("email", "bob@example.com"))
	ok(t, err, "SignUp")
	te.wantInvocations(t, "post", 0)
	ok(t, te.confirmSignUp(clientID, "bob", te.latestCode(t, poolID, "bob")), "ConfirmSignUp")
	ev, _ := te.onlyEventOf(t, "post")
	wantEnvelope(t, ev, triggers.PostConfirmationConfirmSignUp, poolID, "bob", clientID)
	wantField(t, ev, "bob@example.com", "request", "userAttributes", "email")
	wantField(t, ev, "CONFIRMED", "request", "userAttributes", "cognito:user_status")
}

// --- PreSignUp -------------------------------------------------------------------

func preSignUpPool(te *triggerEnv) (poolID, clientID string) {
	poolID = aws.ToString(te.pool(autoVerifyEmail, lambdas(types.LambdaConfigType{PreSignUp: aws.String(te.fn.ARN("pre"))})).Id)
	return poolID, aws.ToString(te.client(poolID).ClientId)
}

func TestPreSignUpAutoConfirm(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := preSignUpPool(te)
	te.fn.Handle("pre", respond(func(r map[string]any) { r["autoConfirmUser"] = true }))

	out, err := te.SDK.SignUp(t.Context(), &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("erin"),
		Password: aws.String(goodPassword), UserAttributes: []types.AttributeType{attr("email", "erin@example.com")},
		ValidationData: []types.AttributeType{attr("invite", "X1")}, ClientMetadata: map[string]string{"k": "v"}})
	ok(t, err, "SignUp")
	if !out.UserConfirmed {
		t.Fatal("UserConfirmed false, want true (autoConfirmUser)")
	}
	ev, _ := te.onlyEventOf(t, "pre")
	wantEnvelope(t, ev, triggers.PreSignUpSignUp, poolID, "erin", clientID)
	wantField(t, ev, "erin@example.com", "request", "userAttributes", "email")
	wantField(t, ev, map[string]any{"invite": "X1"}, "request", "validationData")
	wantField(t, ev, map[string]any{"k": "v"}, "request", "clientMetadata")

	te.wantStatus(poolID, "erin", types.UserStatusTypeConfirmed)
	if v, _ := attrValue(te.getUser(poolID, "erin").UserAttributes, "email_verified"); v == "true" {
		t.Fatal("email_verified true without autoVerifyEmail")
	}
	for _, m := range te.userInbox(poolID, "erin") {
		if m.Code != "" {
			t.Fatalf("a code was sent to an auto-confirmed user: %+v", m)
		}
	}
	te.signIn(clientID, "erin", goodPassword)
}

func TestPreSignUpAutoVerifyEmail(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := preSignUpPool(te)
	te.fn.Handle("pre", respond(func(r map[string]any) {
		r["autoConfirmUser"] = true
		r["autoVerifyEmail"] = true
	}))
	_, err := te.signUp(clientID, "erin", goodPassword, attr("email", "erin@example.com"))
	ok(t, err, "SignUp")
	u := te.getUser(poolID, "erin")
	if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "true" || u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("email_verified %q status %s, want true CONFIRMED", v, u.UserStatus)
	}
	// A verified email is a reset medium straight away.
	te.mustForgot(poolID, clientID, "erin")
}

func TestPreSignUpFunctionError(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := preSignUpPool(te)
	te.fn.Handle("pre", failWith("Registration is closed"))
	_, err := te.signUp(clientID, "erin", goodPassword, attr("email", "erin@example.com"))
	wantAPIError(t, err, "UserLambdaValidationException", "PreSignUp failed with error Registration is closed.")
	te.wantInvocations(t, "pre", 1)
	wantAPIError(t, te.adminGet(poolID, "erin"), "UserNotFoundException", "User does not exist.")
	if msgs := te.userInbox(poolID, "erin"); len(msgs) != 0 {
		t.Fatalf("messages for erin: %+v", msgs)
	}
}

func TestPreSignUpAdminCreateUser(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, _ := preSignUpPool(te)
	te.fn.Handle("pre", echo)
	_, err := te.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID),
		Username: aws.String("frank"), UserAttributes: []types.AttributeType{attr("email", "frank@example.com")},
		MessageAction: types.MessageActionTypeSuppress})
	ok(t, err, "AdminCreateUser")
	ev, _ := te.onlyEventOf(t, "pre")
	wantField(t, ev, string(triggers.PreSignUpAdminCreateUser), "triggerSource")
	wantField(t, ev, poolID, "userPoolId")
	wantField(t, ev, "frank", "userName")
	wantField(t, ev, "frank@example.com", "request", "userAttributes", "email")
	te.wantStatus(poolID, "frank", types.UserStatusTypeForceChangePassword)

	// A failing function creates nothing here either.
	te.fn.Handle("pre", failWith("No admins today"))
	_, err = te.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID),
		Username: aws.String("gina"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "UserLambdaValidationException", "PreSignUp failed with error No admins today.")
	wantAPIError(t, te.adminGet(poolID, "gina"), "UserNotFoundException", "User does not exist.")
}
