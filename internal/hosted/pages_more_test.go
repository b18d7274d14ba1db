package hosted_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/totp"
)

// A user with two factors and no preference chooses on SELECT_MFA_TYPE,
// then answers the SMS code from the inbox; a code of the wrong kind of
// page is refused with the API's message.
func TestSelectMfaThenSmsPage(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(func(in *cip.CreateUserPoolInput) {
		in.SmsConfiguration = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"),
			ExternalId: aws.String("ext-1"), SnsRegion: aws.String("us-east-1")}
	}, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	ctx := t.Context()
	if _, err := e.SDK.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &a.PoolID,
		MfaConfiguration:              types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration:           &types.SmsMfaConfigType{},
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	e.confirmedUser(a.PoolID, "kim@example.com", "Passw0rd!x")
	if _, err := e.SDK.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &a.PoolID,
		Username: aws.String("kim@example.com"), UserAttributes: []types.AttributeType{
			{Name: aws.String("phone_number"), Value: aws.String("+14155550100")},
			{Name: aws.String("phone_number_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
	enrolTotp(t, e, a, "kim@example.com", "Passw0rd!x")
	if _, err := e.SDK.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &a.PoolID,
		Username:                 aws.String("kim@example.com"),
		SMSMfaSettings:           &types.SMSMfaSettingsType{Enabled: true},
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}

	c := e.client(a)
	if c.signIn(authorizeQuery(a), "kim@example.com", "Passw0rd!x"); c.title() != "Choose how to verify" {
		t.Fatalf("page %q, want the factor choice", c.title())
	}
	for _, id := range []string{`id="answer_SMS_MFA"`, `id="answer_SOFTWARE_TOKEN_MFA"`} {
		if !strings.Contains(c.Last, id) {
			t.Fatalf("choice %s missing", id)
		}
	}
	if resp := c.submit("challenge", map[string]string{"answer": "SMS_MFA"}); resp.StatusCode != http.StatusOK || c.title() != "Enter your code" ||
		!strings.Contains(c.Last, "0100.") { // the masked number
		t.Fatalf("after choosing SMS: status %d, page %q", resp.StatusCode, c.title())
	}
	page := c.Last
	code := e.inboxCode(a.PoolID, "kim@example.com")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if c.submit("challenge", map[string]string{"code": wrong}); c.errorText() != "Invalid code or auth state for the user." {
		t.Fatalf("wrong SMS code: error %q", c.errorText())
	}
	c.Last = page
	callback(t, c.submit("challenge", map[string]string{"code": code}), "st-42")
}

// enrolTotp gives name a verified authenticator through the API (an access
// token from AdminInitiateAuth) and moves the clock past the step used.
func enrolTotp(t testing.TB, e *env, a *app, name, password string) []byte {
	t.Helper()
	ctx := t.Context()
	auth, err := e.SDK.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &a.PoolID, ClientId: &a.ClientID,
		AuthFlow:       types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.AuthenticationResult.AccessToken
	as, err := e.SDK.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	key, err := totp.Decode(aws.ToString(as.SecretCode))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SDK.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: tok,
		UserCode: aws.String(totp.Code(key, e.Clock.Now()))}); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(30 * time.Second)
	return key
}

// A confidential client: the pages send the SECRET_HASH an SDK would, so
// sign-up, confirmation, reset and sign-in all work.
func TestConfidentialClientPages(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	if a.Secret == "" {
		t.Fatal("the client has no secret")
	}
	c := e.client(a)
	c.get("/signup?" + authorizeQuery(a).Encode())
	if c.submit("signup", map[string]string{"username": "lee@example.com", "password": "Passw0rd!x"}); c.title() != "Confirm your account" {
		t.Fatalf("sign-up: page %q, error %q", c.title(), c.errorText())
	}
	c.submit("resendCode", nil)
	if c.title() != "Confirm your account" || c.errorText() != "" {
		t.Fatalf("resend: page %q, error %q", c.title(), c.errorText())
	}
	c.submit("confirmUser", map[string]string{"code": e.inboxCode(a.PoolID, "lee@example.com")})
	if c.title() != "Sign in" || c.errorText() != "" {
		t.Fatalf("confirm: page %q, error %q", c.title(), c.errorText())
	}
	c.get("/forgotPassword?" + authorizeQuery(a).Encode())
	c.submit("forgotPassword", map[string]string{"username": "lee@example.com"})
	c.submit("confirmForgotPassword", map[string]string{"code": e.inboxCode(a.PoolID, "lee@example.com"),
		"password": "N3w-Passw0rd!", "password2": "N3w-Passw0rd!"})
	if c.title() != "Sign in" || c.errorText() != "" {
		t.Fatalf("reset: page %q, error %q", c.title(), c.errorText())
	}
	callback(t, c.submit("login", map[string]string{"username": "lee@example.com", "password": "N3w-Passw0rd!"}), "st-42")
}

// An unconfirmed user with the right password is asked for the sign-up
// code, with UserNotConfirmedException's message.
func TestLoginUnconfirmedUser(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	if _, err := e.SDK.SignUp(t.Context(), &cip.SignUpInput{ClientId: &a.ClientID, Username: aws.String("max@example.com"),
		Password: aws.String("Passw0rd!x")}); err != nil {
		t.Fatal(err)
	}
	c := e.client(a)
	c.signIn(authorizeQuery(a), "max@example.com", "Passw0rd!x")
	if c.title() != "Confirm your account" || c.errorText() != "User is not confirmed." {
		t.Fatalf("page %q, error %q", c.title(), c.errorText())
	}
	c.submit("confirmUser", map[string]string{"code": e.inboxCode(a.PoolID, "max@example.com")})
	callback(t, c.submit("login", map[string]string{"username": "max@example.com", "password": "Passw0rd!x"}), "st-42")
}

// The hosted session serves every client of the pool, lasts one hour on
// the service clock, and ends for a user deleted and created again.
func TestHostedSessionLimits(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(func(in *cip.CreateUserPoolInput) { in.UsernameAttributes = nil }, nil)
	second, err := e.SDK.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{UserPoolId: &a.PoolID,
		ClientName: aws.String("second"), AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:  []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{callbackURL},
		SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		t.Fatal(err)
	}
	e.confirmedUser(a.PoolID, "nia", "Passw0rd!x")
	c := e.client(a)
	callback(t, c.signIn(authorizeQuery(a), "nia", "Passw0rd!x"), "st-42")
	q := authorizeQuery(a)
	q.Set("client_id", aws.ToString(second.UserPoolClient.ClientId))
	q.Set("scope", "openid")
	callback(t, c.get("/oauth2/authorize?"+q.Encode()), "st-42")

	// Deleted and created again under the same name: not the same user.
	if _, err := e.SDK.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: &a.PoolID, Username: aws.String("nia")}); err != nil {
		t.Fatal(err)
	}
	if err := e.Clock.Set(t.Context(), e.Clock.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	e.confirmedUser(a.PoolID, "nia", "Passw0rd!x")
	if loc := location(t, c.get("/oauth2/authorize?"+q.Encode())); !strings.Contains(loc, "/login?") {
		t.Fatalf("a re-created user's old session went to %s, want /login", loc)
	}

	callback(t, c.signIn(authorizeQuery(a), "nia", "Passw0rd!x"), "st-42")
	if err := e.Clock.Set(t.Context(), e.Clock.Now().Add(59*time.Minute)); err != nil {
		t.Fatal(err)
	}
	callback(t, c.get("/oauth2/authorize?"+q.Encode()), "st-42")
	if err := e.Clock.Set(t.Context(), e.Clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if loc := location(t, c.get("/oauth2/authorize?"+q.Encode())); !strings.Contains(loc, "/login?") {
		t.Fatalf("an hour-old session went to %s, want /login", loc)
	}
}
