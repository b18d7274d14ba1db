package hosted_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/totp"
)

// A wrong password shows the API's message on /login, and nothing else.
func TestLoginWrongPassword(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	e.confirmedUser(a.PoolID, "cy@example.com", "Passw0rd!x")
	c := e.client(a)
	resp := c.signIn(authorizeQuery(a), "cy@example.com", "wrong-Passw0rd!")
	if resp.StatusCode != http.StatusBadRequest || c.errorText() != "Incorrect username or password." {
		t.Fatalf("status %d, error %q", resp.StatusCode, c.errorText())
	}
	// The form is shown again, with the request and the typed name.
	if f := c.form("login"); f == nil || f.Get("state") != "st-42" || !strings.Contains(c.Last, `value="cy@example.com"`) {
		t.Fatalf("login form not shown again with the request:\n%s", c.Last)
	}
}

// A POST without the browser's CSRF token, or with another's, is a 403 and
// changes nothing: the user is not created, no code is sent.
func TestCSRF(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	c := e.client(a)
	c.get("/signup?" + authorizeQuery(a).Encode())
	form := c.form("signup")
	form.Set("username", "csrf@example.com")
	form.Set("password", "Passw0rd!x")

	other := e.client(a)
	other.get("/signup?" + authorizeQuery(a).Encode())
	for name, token := range map[string]string{"missing": "", "wrong": "x" + form.Get("_csrf"), "another browser's": other.form("signup").Get("_csrf")} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("_csrf", token)
		if resp := c.post("signup", f); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s token: status %d, want 403", name, resp.StatusCode)
		}
	}
	// No cookie at all (a cross-site form post without the browser's cookie).
	resp, err := http.PostForm(a.Base+"/signup", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("no cookie: status %d, want 403", resp.StatusCode)
	}
	_, err = e.SDK.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &a.PoolID, Username: aws.String("csrf@example.com")})
	var nf *types.UserNotFoundException
	if !errorAs(err, &nf) {
		t.Fatalf("AdminGetUser after refused posts: %v, want UserNotFoundException", err)
	}
	// The right token works.
	if resp := c.post("signup", form); resp.StatusCode != http.StatusOK || c.title() != "Confirm your account" {
		t.Fatalf("with the token: status %d, page %q", resp.StatusCode, c.title())
	}
}

// Every page and redirect carries the security headers; the cookies are
// HttpOnly, SameSite=Lax and scoped to the domain's path; every visible
// input has a label.
func TestSecurityHeadersAndCookies(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	e.confirmedUser(a.PoolID, "dee@example.com", "Passw0rd!x")
	c := e.client(a)
	q := authorizeQuery(a).Encode()
	check := func(what string, resp *http.Response) { t.Helper(); checkSecurity(t, c, a, what, resp) }
	check("authorize", c.get("/oauth2/authorize?"+q))
	check("login", c.get("/login?"+q))
	if !strings.Contains(c.get("/login?"+q).Header.Get("Content-Security-Policy"), "form-action 'self' http://localhost:3000;") {
		t.Errorf("login: form-action lacks the callback origin")
	}
	check("signup", c.get("/signup?"+q))
	check("forgot", c.get("/forgotPassword?"+q))
	check("confirmUser", c.get("/confirmUser?"+q+"&username=x"))
	check("error", c.get("/error?error=redirect_mismatch"))
	c.get("/forgotPassword?" + q)
	check("forgot post", c.submit("forgotPassword", map[string]string{"username": "dee@example.com"}))
	check("refused post", c.post("login", url.Values{"client_id": {a.ClientID}}))
	check("login post", c.signIn(authorizeQuery(a), "dee@example.com", "Passw0rd!x"))
	check("logout", c.get("/logout?"+url.Values{"client_id": {a.ClientID}, "logout_uri": {logoutURL}}.Encode()))
	check("unknown domain", c.get(e.URL+"/_domain/no-such-domain/login?"+q))
}

// checkSecurity checks one response of c for the headers every page and
// redirect carries, the cookie attributes, and on a page: the style nonce,
// no script, the pool's name and a label on every input.
func checkSecurity(t testing.TB, c *client, a *app, what string, resp *http.Response) {
	t.Helper()
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "style-src 'nonce-", "form-action 'self'",
		"frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, want)
		}
	}
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if h.Get(k) != v {
			t.Errorf("%s: %s = %q, want %q", what, k, h.Get(k), v)
		}
	}
	for _, ck := range resp.Cookies() {
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/_domain/"+a.Domain+"/" || ck.Secure {
			t.Errorf("%s: cookie %s: %+v", what, ck.Name, ck)
		}
	}
	if resp.StatusCode != http.StatusFound {
		if resp.StatusCode != http.StatusNotFound && !strings.Contains(c.Last, `id="pool-name">Acme Staff<`) {
			t.Errorf("%s: the page does not show the pool's name", what)
		}
		nonce := between(csp, "'nonce-", "'")
		if nonce == "" || !strings.Contains(c.Last, `<style nonce="`+nonce+`">`) {
			t.Errorf("%s: the style's nonce does not match the CSP's", what)
		}
		if strings.Contains(c.Last, "<script") {
			t.Errorf("%s: the page has a script", what)
		}
		checkLabels(t, what, c.Last)
	}
}

// checkLabels: every input that is not hidden has a <label for> naming it.
func checkLabels(t testing.TB, what, body string) {
	t.Helper()
	for _, in := range strings.Split(body, "<input ")[1:] {
		tag := in[:strings.Index(in, ">")]
		if strings.Contains(tag, `type="hidden"`) {
			continue
		}
		id := between(tag, `id="`, `"`)
		if id == "" || !strings.Contains(body, `<label for="`+id+`">`) {
			t.Errorf("%s: input %q has no label", what, tag)
		}
	}
}

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

// A user created with a temporary password sets a new one on the
// NEW_PASSWORD_REQUIRED page (the policy applies) and lands on the app.
func TestNewPasswordPage(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	if _, err := e.SDK.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: &a.PoolID,
		Username: aws.String("eve@example.com"), TemporaryPassword: aws.String("Temp0rary!pw"),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	c := e.client(a)
	resp := c.signIn(authorizeQuery(a), "eve@example.com", "Temp0rary!pw")
	if resp.StatusCode != http.StatusOK || c.title() != "Change password" {
		t.Fatalf("status %d, page %q, want the new password page", resp.StatusCode, c.title())
	}
	page := c.Last
	if resp := c.submit("challenge", map[string]string{"password": "Newpassw0rd!", "password2": "Other0ne!"}); resp.StatusCode != http.StatusBadRequest ||
		c.errorText() != "Passwords do not match." {
		t.Fatalf("mismatch: status %d, error %q", resp.StatusCode, c.errorText())
	}
	c.Last = page
	c.submit("challenge", map[string]string{"password": "weak", "password2": "weak"})
	if !strings.HasPrefix(c.errorText(), "Password does not conform to policy: ") {
		t.Fatalf("weak password: error %q, want the policy message", c.errorText())
	}
	callback(t, c.submit("challenge", map[string]string{"password": "Newpassw0rd!", "password2": "Newpassw0rd!"}), "st-42")
	u, err := e.SDK.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &a.PoolID, Username: aws.String("eve@example.com")})
	if err != nil || u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("AdminGetUser: %v, status %v", err, u)
	}
}

// A user with an authenticator app answers SOFTWARE_TOKEN_MFA on the code
// page: a wrong code is refused with the API's message, the right one
// lands on the app.
func TestTotpMfaPage(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	ctx := t.Context()
	if _, err := e.SDK.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &a.PoolID,
		MfaConfiguration:              types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	e.confirmedUser(a.PoolID, "fay@example.com", "Passw0rd!x")
	key := enrolTotp(t, e, a, "fay@example.com", "Passw0rd!x")
	if _, err := e.SDK.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &a.PoolID,
		Username:                 aws.String("fay@example.com"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}

	c := e.client(a)
	if resp := c.signIn(authorizeQuery(a), "fay@example.com", "Passw0rd!x"); resp.StatusCode != http.StatusOK || c.title() != "Enter your code" {
		t.Fatalf("status %d, page %q, want the code page", resp.StatusCode, c.title())
	}
	page := c.Last
	good := totp.Code(key, e.Clock.Now())
	bad := "000000"
	if bad == good {
		bad = "111111"
	}
	if resp := c.submit("challenge", map[string]string{"code": bad}); resp.StatusCode != http.StatusBadRequest ||
		c.errorText() != "Invalid code received for user" {
		t.Fatalf("wrong code: status %d, error %q", resp.StatusCode, c.errorText())
	}
	c.Last = page
	callback(t, c.submit("challenge", map[string]string{"code": good}), "st-42")
}

// Under PreventUserExistenceErrors=ENABLED /forgotPassword answers an
// unknown name with the same next page as a real user's.
func TestForgotPasswordUnknownUserSamePage(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	})
	e.confirmedUser(a.PoolID, "gil@example.com", "Passw0rd!x")
	pages := map[string]string{}
	for _, name := range []string{"gil@example.com", "nobody@example.com"} {
		c := e.client(a)
		c.get("/forgotPassword?" + authorizeQuery(a).Encode())
		resp := c.submit("forgotPassword", map[string]string{"username": name})
		if resp.StatusCode != http.StatusOK || c.title() != "Reset your password" || c.errorText() != "" {
			t.Fatalf("%s: status %d, page %q, error %q", name, resp.StatusCode, c.title(), c.errorText())
		}
		// The page differs only by the name and the CSRF token (and the
		// masked destination, simulated for the unknown name).
		p := c.Last
		p = strings.ReplaceAll(p, name, "NAME")
		p = strings.ReplaceAll(p, c.form("confirmForgotPassword").Get("_csrf"), "CSRF")
		p = strings.ReplaceAll(p, between(p, "code to ", "."), "DEST")
		p = strings.ReplaceAll(p, between(p, `name="destination" value="`, `"`), "DEST")
		p = strings.ReplaceAll(p, between(p, `<style nonce="`, `"`), "NONCE")
		pages[name] = p
	}
	if pages["gil@example.com"] != pages["nobody@example.com"] {
		t.Fatalf("the pages differ:\n%s\n----\n%s", pages["gil@example.com"], pages["nobody@example.com"])
	}
}

// Sign-up, confirmation with the emailed code and sign-in, over plain
// HTTP: the wrong code shows CodeMismatch's message.
func TestSignUpConfirmSignIn(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	c := e.client(a)
	c.get("/signup?" + authorizeQuery(a).Encode())
	if resp := c.submit("signup", map[string]string{"username": "hal@example.com", "password": "short"}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(c.errorText(), "Password did not conform with policy") {
		t.Fatalf("weak password: status %d, error %q", resp.StatusCode, c.errorText())
	}
	c.submit("signup", map[string]string{"username": "hal@example.com", "password": "Passw0rd!x"})
	if c.title() != "Confirm your account" {
		t.Fatalf("after sign-up: page %q", c.title())
	}
	page := c.Last
	code := e.inboxCode(a.PoolID, "hal@example.com")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if c.submit("confirmUser", map[string]string{"code": wrong}); c.errorText() != "Invalid verification code provided, please try again." {
		t.Fatalf("wrong code: error %q", c.errorText())
	}
	c.Last = page
	c.submit("confirmUser", map[string]string{"code": code})
	if c.title() != "Sign in" || !strings.Contains(c.Last, "confirmed") {
		t.Fatalf("after confirmation: page %q", c.title())
	}
	callback(t, c.submit("login", map[string]string{"username": "hal@example.com", "password": "Passw0rd!x"}), "st-42")
}

// Under PreventUserExistenceErrors=ENABLED /login answers an unknown name
// exactly as a known name with a wrong password ("Incorrect username or
// password.", same status, same page but for the typed name and the
// per-response tokens); without it the unknown name is the API's "User
// does not exist.".
func TestLoginUnknownUserSamePage(t *testing.T) {
	e := newEnv(t)
	enabled := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	})
	e.confirmedUser(enabled.PoolID, "kim@example.com", "Passw0rd!x")
	pages := map[string]string{}
	for _, name := range []string{"kim@example.com", "nobody@example.com"} {
		c := e.client(enabled)
		resp := c.signIn(authorizeQuery(enabled), name, "wrong-Passw0rd!")
		if resp.StatusCode != http.StatusBadRequest || c.errorText() != "Incorrect username or password." {
			t.Fatalf("%s: status %d, error %q", name, resp.StatusCode, c.errorText())
		}
		p := strings.ReplaceAll(c.Last, name, "NAME")
		p = strings.ReplaceAll(p, c.form("login").Get("_csrf"), "CSRF")
		pages[name] = strings.ReplaceAll(p, between(p, `<style nonce="`, `"`), "NONCE")
	}
	if pages["kim@example.com"] != pages["nobody@example.com"] {
		t.Fatalf("the pages differ:\n%s\n----\n%s", pages["kim@example.com"], pages["nobody@example.com"])
	}

	legacy := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesLegacy
	})
	c := e.client(legacy)
	if resp := c.signIn(authorizeQuery(legacy), "nobody@example.com", "wrong-Passw0rd!"); resp.StatusCode != http.StatusBadRequest ||
		c.errorText() != "User does not exist." {
		t.Fatalf("LEGACY unknown user: status %d, error %q", resp.StatusCode, c.errorText())
	}
}
