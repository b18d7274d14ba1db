package hosted_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/totp"
	"github.com/userpool/userpool/internal/userpool"
)

// requireTotp sets a's pool to MFA ON with authenticator apps only.
func requireTotp(t *testing.T, e *env, a *app) {
	t.Helper()
	if _, err := e.SDK.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{UserPoolId: &a.PoolID,
		MfaConfiguration:              types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
}

var (
	secretRE  = regexp.MustCompile(`<p class="secret" id="secret"><code>([^<]*)</code></p>`)
	uriRE     = regexp.MustCompile(`<p class="secret" id="otpauth-uri"><code>([^<]*)</code></p>`)
	restartRE = regexp.MustCompile(`id="restart-link" href="([^"]+)"`)
)

// shownKey reads the setup page: the secret as shown (groups of four) and
// the key URI.
func shownKey(t *testing.T, c *client) (grouped, uri string) {
	t.Helper()
	m, u := secretRE.FindStringSubmatch(c.Last), uriRE.FindStringSubmatch(c.Last)
	if m == nil || u == nil {
		t.Fatalf("no secret or key URI on the page:\n%s", c.Last)
	}
	return html.UnescapeString(m[1]), html.UnescapeString(u[1])
}

// A user of a pool that requires MFA and who has none enrols an
// authenticator during the hosted sign-in: the secret and key URI are
// shown, a wrong code is refused with VerifySoftwareToken's message, the
// right one lands on the app with a code; the user now has the
// authenticator, and the next sign-in asks for its code.
func TestMfaSetupEnrolsAuthenticator(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	requireTotp(t, e, a)
	e.confirmedUser(a.PoolID, "oz@example.com", "Passw0rd!x")
	c := e.client(a)
	resp := c.signIn(authorizeQuery(a), "oz@example.com", "Passw0rd!x")
	if resp.StatusCode != http.StatusOK || c.title() != "Set up an authenticator app" {
		t.Fatalf("status %d, page %q (error %q), want the setup page", resp.StatusCode, c.title(), c.errorText())
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none';") ||
		strings.Contains(csp, "script-src") || strings.Contains(c.Last, "<script") {
		t.Fatalf("setup page CSP %q or body allows script", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || sessionCookieSet(resp) {
		t.Fatal("setup page: framable, or signed in before MFA")
	}
	if !strings.Contains(c.Last, `<label for="code">`) || !strings.Contains(c.Last, `name="_csrf"`) {
		t.Fatal("setup page: no labelled code input or no CSRF field")
	}
	if m := restartRE.FindStringSubmatch(c.Last); m == nil ||
		!strings.Contains(html.UnescapeString(m[1]), "/login?client_id="+a.ClientID+"&") {
		t.Fatalf("setup page: no link back to /login for this request: %v", m)
	}
	grouped, uri := shownKey(t, c)
	groups := strings.Fields(grouped)
	secret := strings.Join(groups, "")
	if len(secret) != 52 || len(groups) != 13 || slices.ContainsFunc(groups, func(g string) bool { return len(g) != 4 }) {
		t.Fatalf("secret shown as %q: want 52 characters in groups of 4", grouped)
	}
	if want := "otpauth://totp/Acme%20Staff:oz@example.com?secret=" + secret + "&issuer=Acme%20Staff"; uri != want {
		t.Fatalf("key URI %q, want %q", uri, want)
	}
	key, err := totp.Decode(secret)
	if err != nil {
		t.Fatal(err)
	}

	code := totp.Code(key, e.Clock.Now())
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	resp = c.submit("challenge", map[string]string{"code": wrong})
	if resp.StatusCode != http.StatusBadRequest || c.title() != "Set up an authenticator app" ||
		c.errorText() != "Code mismatch and fail enable Software Token MFA" {
		t.Fatalf("wrong code: status %d, page %q, error %q", resp.StatusCode, c.title(), c.errorText())
	}
	if g, u := shownKey(t, c); g != grouped || u != uri {
		t.Fatalf("the page shown again changed the key: %q %q", g, u)
	}
	resp = c.submit("challenge", map[string]string{"code": code})
	callback(t, resp, "st-42")
	if !sessionCookieSet(resp) {
		t.Fatal("no hosted session after the enrolment")
	}

	u, err := e.SDK.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &a.PoolID, Username: aws.String("oz@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(u.UserMFASettingList, "SOFTWARE_TOKEN_MFA") || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("MFA settings %v, preferred %q: want the authenticator", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}

	// A new browser: the password, then the authenticator's code.
	e.Clock.Advance(30 * time.Second) // the enrolment's step is used
	c2 := e.client(a)
	if c2.signIn(authorizeQuery(a), "oz@example.com", "Passw0rd!x"); c2.title() != "Enter your code" ||
		!strings.Contains(c2.Last, "Open your authenticator app.") {
		t.Fatalf("second sign-in: page %q, want the authenticator code page", c2.title())
	}
	callback(t, c2.submit("challenge", map[string]string{"code": totp.Code(key, e.Clock.Now())}), "st-42")
}

func sessionCookieSet(resp *http.Response) bool {
	for _, ck := range resp.Cookies() {
		if ck.Name == "userpool_session" && ck.Value != "" {
			return true
		}
	}
	return false
}

// MFA_SETUP in a pool whose only factor is SMS (the user has no phone
// number) cannot be completed in the pages: an honest error page, no
// redirect, no session.
func TestMfaSetupErrorPage(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(func(in *cip.CreateUserPoolInput) {
		in.SmsConfiguration = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"),
			ExternalId: aws.String("ext-1"), SnsRegion: aws.String("us-east-1")}
	}, nil)
	if _, err := e.SDK.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{UserPoolId: &a.PoolID,
		MfaConfiguration: types.UserPoolMfaTypeOn, SmsMfaConfiguration: &types.SmsMfaConfigType{}}); err != nil {
		t.Fatal(err)
	}
	e.confirmedUser(a.PoolID, "oz@example.com", "Passw0rd!x")
	c := e.client(a)
	resp := c.signIn(authorizeQuery(a), "oz@example.com", "Passw0rd!x")
	if resp.StatusCode != http.StatusBadRequest || c.errorText() != userpool.ErrHostedMfaSetup.Message {
		t.Fatalf("status %d, error %q, want the MFA setup error page", resp.StatusCode, c.errorText())
	}
	if sessionCookieSet(resp) || strings.Contains(c.Last, `id="secret"`) {
		t.Fatal("SMS-only MFA_SETUP: a session cookie or a secret")
	}
}

// The hosted enrolment calls take only this client's sessions, each of
// its own step: another client's MFA_SETUP session, the setup session
// given to verify, or an unverified one given to MFA_SETUP are refused,
// and none of them signs anyone in.
func TestHostedMfaSetupSessions(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	requireTotp(t, e, a)
	e.confirmedUser(a.PoolID, "oz@example.com", "Passw0rd!x")
	// Another OAuth client of the pool (a client without OAuth is refused
	// before any session is looked at).
	other, err := e.SDK.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{UserPoolId: &a.PoolID,
		ClientName: aws.String("other"), AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid"},
		CallbackURLs: []string{callbackURL}, SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	st, err := e.Svc.HostedSignIn(ctx, a.ClientID, "oz@example.com", "Passw0rd!x")
	if err != nil || st.ChallengeName != "MFA_SETUP" {
		t.Fatalf("sign-in: %+v, %v; want MFA_SETUP", st, err)
	}
	invalid := func(what string, err error) {
		t.Helper()
		var ue *userpool.Error
		if !errorAs(err, &ue) || ue.Code != userpool.NotAuthorized {
			t.Fatalf("%s: %v, want NotAuthorizedException", what, err)
		}
	}
	_, err = e.Svc.HostedAssociateSoftwareToken(ctx, aws.ToString(other.UserPoolClient.ClientId), st.Session)
	invalid("another client's session", err)
	_, err = e.Svc.HostedVerifySoftwareToken(ctx, a.ClientID, st.Session, "123456", "")
	invalid("MFA_SETUP session to verify", err)
	_, err = e.Svc.HostedRespond(ctx, a.ClientID, "MFA_SETUP", st.Session, nil)
	invalid("MFA_SETUP answered without a verified authenticator", err)

	en, err := e.Svc.HostedAssociateSoftwareToken(ctx, a.ClientID, st.Session)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Svc.HostedRespond(ctx, a.ClientID, "MFA_SETUP", en.Session, nil)
	invalid("MFA_SETUP answered with the associate session", err)
	key, err := totp.Decode(en.SecretCode)
	if err != nil {
		t.Fatal(err)
	}
	verified, err := e.Svc.HostedVerifySoftwareToken(ctx, a.ClientID, en.Session, totp.Code(key, e.Clock.Now()), "Phone")
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.Svc.HostedRespond(ctx, a.ClientID, "MFA_SETUP", verified, nil)
	if err != nil || done.SignedIn == nil || done.SignedIn.ClientID != a.ClientID {
		t.Fatalf("MFA_SETUP: %+v, %v; want signed in", done, err)
	}
	_, err = e.Svc.HostedRespond(ctx, a.ClientID, "MFA_SETUP", verified, nil)
	invalid("the verified session again", err)
}
