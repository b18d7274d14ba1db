package hosted_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Every /oauth2/authorize refusal: untrusted client or redirect URI → this
// domain's /error page (never the URI); anything else → back to the
// registered URI with error and state.
func TestAuthorizeRefusals(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	noOAuth := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.AllowedOAuthFlowsUserPoolClient = false
		in.AllowedOAuthFlows, in.AllowedOAuthScopes, in.CallbackURLs, in.LogoutURLs = nil, nil, nil, nil
	})
	codeOnly := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeCode}
	})
	other := e.oauthApp(nil, nil) // a client of another pool
	noCognito := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) { in.SupportedIdentityProviders = nil })
	good := strings.Repeat("a", 43)
	cases := []struct {
		name  string
		app   *app
		edit  func(url.Values)
		error string // the error code
		page  bool   // shown on /error rather than redirected
	}{
		{"missing client_id", a, func(q url.Values) { q.Del("client_id") }, "redirect_mismatch", true},
		{"unknown client", a, func(q url.Values) { q.Set("client_id", "nosuchclient") }, "redirect_mismatch", true},
		{"client of another pool", a, func(q url.Values) { q.Set("client_id", other.ClientID) }, "redirect_mismatch", true},
		{"client without OAuth", a, func(q url.Values) { q.Set("client_id", noOAuth.ClientID) }, "redirect_mismatch", true},
		{"missing redirect_uri", a, func(q url.Values) { q.Del("redirect_uri") }, "redirect_mismatch", true},
		{"bad response_type", a, func(q url.Values) { q.Set("response_type", "id_token") }, "unsupported_response_type", false},
		{"missing response_type", a, func(q url.Values) { q.Del("response_type") }, "unsupported_response_type", false},
		{"flow not allowed", codeOnly, func(q url.Values) { q.Set("response_type", "token") }, "unauthorized_client", false},
		{"scope not allowed", a, func(q url.Values) { q.Set("scope", "openid aws.cognito.signin.user.admin") }, "invalid_scope", false},
		{"bad challenge method", a, func(q url.Values) { q.Set("code_challenge", good); q.Set("code_challenge_method", "S512") }, "invalid_request", false},
		{"short challenge", a, func(q url.Values) { q.Set("code_challenge", "abc"); q.Set("code_challenge_method", "S256") }, "invalid_request", false},
		{"method without challenge", a, func(q url.Values) { q.Set("code_challenge_method", "S256") }, "invalid_request", false},
		{"foreign identity provider", a, func(q url.Values) { q.Set("identity_provider", "Google") }, "invalid_request", false},
		{"COGNITO asked of a client without it", noCognito, func(q url.Values) { q.Set("identity_provider", "COGNITO") }, "invalid_request", false},
		{"client without COGNITO", noCognito, func(url.Values) {}, "invalid_request", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := authorizeQuery(tc.app)
			tc.edit(q)
			c := e.client(tc.app)
			loc := location(t, c.get("/oauth2/authorize?"+q.Encode()))
			if tc.page {
				want := "/_domain/" + tc.app.Domain + "/error?error=" + tc.error
				if loc != want {
					t.Fatalf("Location %s, want %s", loc, want)
				}
				if resp := c.follow(c.get("/oauth2/authorize?" + q.Encode())); resp.StatusCode != http.StatusBadRequest || c.errorText() == "" {
					t.Fatalf("/error: status %d, error %q", resp.StatusCode, c.errorText())
				}
				return
			}
			u, _ := url.Parse(loc)
			if u.Scheme+"://"+u.Host+u.Path != callbackURL || u.Query().Get("error") != tc.error ||
				u.Query().Get("state") != "st-42" || u.Query().Get("error_description") == "" {
				t.Fatalf("Location %s, want the callback with error=%s and the state", loc, tc.error)
			}
		})
	}
}

// A redirect_uri that only resembles a callback URL is never trusted, and
// never receives the browser.
func TestAuthorizeOpenRedirect(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	for _, uri := range []string{
		"http://localhost:3000/callbackx",            // prefix match
		"http://localhost:3000/callback/../evil",     // extra path
		"http://localhost:3000/callback/",            // trailing slash
		"http://localhost:3001/callback",             // different port
		"http://localhost:3000@evil.test/callback",   // userinfo@host
		"http://evil.test@localhost:3000/callback",   // userinfo on the right host
		"http://localhost:3000/callback#frag",        // fragment
		"http://localhost:3000/callback?next=x",      // extra query
		"HTTP://LOCALHOST:3000/callback",             // case
		"http://localhost:3000/Callback",             // path case
		"https://localhost:3000/callback",            // scheme
		"//localhost:3000/callback",                  // scheme-relative
		"http://localhost:3000/callback%2F..%2Fevil", // encoded path
	} {
		q := authorizeQuery(a)
		q.Set("redirect_uri", uri)
		q.Set("response_type", "nonsense") // would be redirected if the URI were trusted
		c := e.client(a)
		loc := location(t, c.get("/oauth2/authorize?"+q.Encode()))
		if loc != "/_domain/"+a.Domain+"/error?error=redirect_mismatch" {
			t.Errorf("redirect_uri %s: Location %s, want the error page", uri, loc)
		}
		// The pages refuse it the same way.
		if loc := location(t, c.get("/login?"+q.Encode())); !strings.HasPrefix(loc, "/_domain/") {
			t.Errorf("redirect_uri %s: /login sent the browser to %s", uri, loc)
		}
	}
}

// A valid request without a session goes to /login with the same
// parameters; scope may be left out.
func TestAuthorizeToLogin(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	q := authorizeQuery(a)
	q.Del("scope")
	q.Set("code_challenge", strings.Repeat("x", 43))
	q.Set("code_challenge_method", "S256")
	c := e.client(a)
	loc := location(t, c.get("/oauth2/authorize?"+q.Encode()))
	u, _ := url.Parse(loc)
	if u.Path != "/_domain/"+a.Domain+"/login" || u.Query().Encode() != q.Encode() {
		t.Fatalf("Location %s, want /login with %s", loc, q.Encode())
	}
	resp := c.follow(c.get("/oauth2/authorize?" + q.Encode()))
	if resp.StatusCode != http.StatusOK || !strings.Contains(c.Last, `id="pool-name">Acme Staff<`) {
		t.Fatalf("/login: status %d, pool name missing", resp.StatusCode)
	}
	f := c.form("login")
	for k := range q {
		if f.Get(k) != q.Get(k) {
			t.Errorf("login form carries %s=%q, want %q", k, f.Get(k), q.Get(k))
		}
	}
}

// A second /oauth2/authorize in the same browser answers at once from the
// hosted session (Cognito's session cookie), for another client of the
// pool too; after /logout it asks for the password again.
func TestAuthorizeSessionSSO(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	e.confirmedUser(a.PoolID, "ann@example.com", "Passw0rd!x")
	c := e.client(a)
	callback(t, c.signIn(authorizeQuery(a), "ann@example.com", "Passw0rd!x"), "st-42")

	q := authorizeQuery(a)
	q.Set("state", "second")
	callback(t, c.get("/oauth2/authorize?"+q.Encode()), "second")

	q.Set("response_type", "token")
	loc := location(t, c.get("/oauth2/authorize?"+q.Encode()))
	frag, err := url.ParseQuery(strings.TrimPrefix(loc, callbackURL+"#"))
	if !strings.HasPrefix(loc, callbackURL+"#") || err != nil || frag.Get("access_token") == "" || frag.Get("state") != "second" {
		t.Fatalf("implicit answer %s: want the tokens and state in the fragment", loc)
	}

	// Another browser has no session.
	if loc := location(t, e.client(a).get("/oauth2/authorize?"+q.Encode())); !strings.Contains(loc, "/login?") {
		t.Fatalf("a fresh browser went to %s, want /login", loc)
	}
	// A disabled user's session no longer signs in.
	if _, err := e.SDK.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: &a.PoolID,
		Username: strPtr("ann@example.com")}); err != nil {
		t.Fatal(err)
	}
	if loc := location(t, c.get("/oauth2/authorize?"+q.Encode())); !strings.Contains(loc, "/login?") {
		t.Fatalf("a disabled user's session went to %s, want /login", loc)
	}
}

func strPtr(s string) *string { return &s }

// /logout: a listed logout_uri, or a redirect_uri + response_type for a new
// sign-in, clear the session; anything else is the error page.
func TestLogout(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	e.confirmedUser(a.PoolID, "bo@example.com", "Passw0rd!x")
	c := e.client(a)
	callback(t, c.signIn(authorizeQuery(a), "bo@example.com", "Passw0rd!x"), "st-42")

	for _, q := range []url.Values{
		{"client_id": {a.ClientID}, "logout_uri": {logoutURL + "x"}},
		{"client_id": {a.ClientID}, "logout_uri": {"http://evil.test/"}},
		{"client_id": {a.ClientID}},
		{"logout_uri": {logoutURL}},
		{"client_id": {"nosuchclient"}, "logout_uri": {logoutURL}},
		{"client_id": {a.ClientID}, "redirect_uri": {"http://evil.test/"}, "response_type": {"code"}},
	} {
		loc := location(t, c.get("/logout?"+q.Encode()))
		if loc != "/_domain/"+a.Domain+"/error?error=redirect_mismatch" {
			t.Errorf("/logout?%s: Location %s, want the error page", q.Encode(), loc)
		}
	}
	// The session survived the refused logouts.
	callback(t, c.get("/oauth2/authorize?"+authorizeQuery(a).Encode()), "st-42")

	resp := c.get("/logout?" + url.Values{"client_id": {a.ClientID}, "logout_uri": {logoutURL}}.Encode())
	if loc := location(t, resp); loc != logoutURL {
		t.Fatalf("logout went to %s, want %s", loc, logoutURL)
	}
	if loc := location(t, c.get("/oauth2/authorize?"+authorizeQuery(a).Encode())); !strings.Contains(loc, "/login?") {
		t.Fatalf("after logout authorize went to %s, want /login", loc)
	}

	callback(t, c.signIn(authorizeQuery(a), "bo@example.com", "Passw0rd!x"), "st-42")
	q := url.Values{"client_id": {a.ClientID}, "redirect_uri": {callbackURL}, "response_type": {"code"}, "state": {"again"}}
	loc := location(t, c.get("/logout?"+q.Encode()))
	u, _ := url.Parse(loc)
	if u.Path != "/_domain/"+a.Domain+"/login" || u.Query().Get("state") != "again" {
		t.Fatalf("logout with redirect_uri went to %s, want /login with the request", loc)
	}
	if loc := location(t, c.get("/oauth2/authorize?"+authorizeQuery(a).Encode())); !strings.Contains(loc, "/login?") {
		t.Fatalf("after logout authorize went to %s, want /login", loc)
	}
}

// A callback URL registered with a query keeps it byte for byte; the code
// and state are added after it.
func TestAuthorizeCallbackWithQuery(t *testing.T) {
	e := newEnv(t)
	const cb = "http://localhost:3000/cb?tenant=7&b=%2F"
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) { in.CallbackURLs = []string{cb} })
	e.confirmedUser(a.PoolID, "pat@example.com", "Passw0rd!x")
	q := authorizeQuery(a)
	q.Set("redirect_uri", cb)
	c := e.client(a)
	loc := location(t, c.signIn(q, "pat@example.com", "Passw0rd!x"))
	if !strings.HasPrefix(loc, cb+"&code=") || !strings.HasSuffix(loc, "&state=st-42") {
		t.Fatalf("Location %s, want %s&code=…&state=st-42", loc, cb)
	}
}

// prompt (Cognito's managed login, OIDC Core 3.1.2.1): none answers from
// the session or sends the app login_required without ever showing the
// sign-in page; login shows the sign-in page despite a session;
// select_account and consent change nothing; anything else, or none with
// another value, is invalid_request sent back to the app.
func TestAuthorizePrompt(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	e.confirmedUser(a.PoolID, "pia@example.com", "Passw0rd!x")
	c := e.client(a)
	withPrompt := func(p string) string {
		q := authorizeQuery(a)
		q.Set("prompt", p)
		return "/oauth2/authorize?" + q.Encode()
	}
	appError := func(path, want string) {
		t.Helper()
		loc, err := url.Parse(location(t, c.get(path)))
		if err != nil || !strings.HasPrefix(loc.String(), callbackURL+"?") || loc.Query().Get("error") != want ||
			loc.Query().Get("state") != "st-42" || loc.Query().Has("code") {
			t.Fatalf("%s: redirected to %v, want the app with error=%s and the state", path, loc, want)
		}
	}
	appError(withPrompt("none"), "login_required")
	appError(withPrompt("none login"), "invalid_request")
	appError(withPrompt("maybe"), "invalid_request")

	callback(t, c.signIn(authorizeQuery(a), "pia@example.com", "Passw0rd!x"), "st-42")
	callback(t, c.get(withPrompt("none")), "st-42")
	callback(t, c.get(withPrompt("select_account consent")), "st-42")
	loc := location(t, c.get(withPrompt("login")))
	if !strings.Contains(loc, "/login?") || strings.Contains(loc, "prompt=") {
		t.Fatalf("prompt=login with a session went to %s, want /login without the prompt", loc)
	}
}
