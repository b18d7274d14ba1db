package hosted_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/userpool/userpool/internal/userpool"
)

// user is a confirmed user of an app: Email signs in, Username is the
// pool's own (a UUID in an email-as-username pool).
type user struct {
	Email    string
	Username string
}

// appUser creates a confirmed user in a's pool.
func (e *env) appUser(a *app, email string) user {
	e.t.Helper()
	e.confirmedUser(a.PoolID, email, "Correct-Horse-9!")
	out, err := e.SDK.AdminGetUser(e.t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(a.PoolID),
		Username: aws.String(email)})
	if err != nil {
		e.t.Fatalf("AdminGetUser: %v", err)
	}
	return user{Email: email, Username: aws.ToString(out.Username)}
}

// authorize is an /oauth2/authorize request of a's, with the defaults
// the pages would pass: code flow, callbackURL, openid email.
func (a *app) authorize(tweak func(*userpool.AuthorizeRequest)) *userpool.AuthorizeRequest {
	req := &userpool.AuthorizeRequest{PoolID: a.PoolID, ClientID: a.ClientID, RedirectURI: callbackURL,
		ResponseType: "code", Scopes: []string{"openid", "email"}, State: "st-1", Nonce: "n-0S6_WzA2Mj"}
	if tweak != nil {
		tweak(req)
	}
	return req
}

// code obtains an authorization code as if u had just signed in on the
// hosted pages for req (the pages live on another branch).
func (e *env) code(req *userpool.AuthorizeRequest, u user) string {
	e.t.Helper()
	c, err := e.Svc.AuthorizationCode(e.t.Context(), req, &userpool.SignedIn{PoolID: req.PoolID,
		ClientID: req.ClientID, Username: u.Username, AuthTime: e.Clock.Now()})
	if err != nil {
		e.t.Fatalf("AuthorizationCode: %v", err)
	}
	return c
}

// tokenCall is one raw POST to an OAuth endpoint.
type tokenCall struct {
	Path        string // "/oauth2/token" when empty
	Form        url.Values
	Basic       []string // client ID and secret, sent as client_secret_basic
	ContentType string   // form-urlencoded when empty
	Header      http.Header
}

// oauthAnswer is an endpoint's answer, decoded.
type oauthAnswer struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

func (ans *oauthAnswer) str(k string) string { s, _ := ans.Body[k].(string); return s }

// post sends c to a's domain.
func (e *env) post(a *app, c tokenCall) *oauthAnswer {
	e.t.Helper()
	path := c.Path
	if path == "" {
		path = "/oauth2/token"
	}
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, a.Base+path, strings.NewReader(c.Form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	if c.Basic != nil {
		req.Header.Set("Authorization", basic(c.Basic[0], c.Basic[1]))
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	return e.do(req)
}

func (e *env) do(req *http.Request) *oauthAnswer {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	ans := &oauthAnswer{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &ans.Body); err != nil {
			e.t.Fatalf("%s %s: status %d, body %q is not JSON", req.Method, req.URL.Path, resp.StatusCode, raw)
		}
	}
	return ans
}

// basic is client_secret_basic: both parts form-urlencoded, then base64
// (RFC 6749 section 2.3.1).
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// redeem exchanges code for tokens as a public client would, and fails
// the test unless it gets them.
func (e *env) redeem(a *app, code string, extra url.Values) *oauthAnswer {
	e.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callbackURL},
		"client_id": {a.ClientID}}
	for k, v := range extra {
		form[k] = v
	}
	c := tokenCall{Form: form}
	if a.Secret != "" {
		c.Basic = []string{a.ClientID, a.Secret}
	}
	ans := e.post(a, c)
	if ans.Status != http.StatusOK || ans.str("access_token") == "" {
		e.t.Fatalf("redeem: status %d, %s", ans.Status, ans.Raw)
	}
	return ans
}

// userInfo calls GET /oauth2/userInfo with an access token.
func (e *env) userInfo(a *app, accessToken string) *oauthAnswer {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodGet, a.Base+"/oauth2/userInfo", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	return e.do(req)
}

// claims decodes a JWT's payload without verifying it (the tests that
// need verification use go-oidc).
func claims(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
