package hosted_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/userpool"
)

// tokenErrorEnv is the cast of the /oauth2/token error table: a public
// app (pub) with a second public client (other) and a machine client (m2m)
// in its pool, and a confidential app (conf) in a pool of its own.
type tokenErrorEnv struct {
	*env
	pub, other, m2m, conf *app
	alice, carol          user
}

func newTokenErrorEnv(t *testing.T) *tokenErrorEnv {
	e := &tokenErrorEnv{env: newEnv(t)}
	e.pub = e.oauthApp(nil, nil)
	e.other = e.extraClient(e.pub, nil)
	e.m2m = e.machineClient(e.pub)
	e.conf = e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	e.alice = e.appUser(e.pub, "alice@example.com")
	e.carol = e.appUser(e.conf, "carol@example.com")
	return e
}

// extraClient adds another OAuth client like oauthApp's to a's pool.
func (e *env) extraClient(a *app, tweak func(*cip.CreateUserPoolClientInput)) *app {
	e.t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: aws.String(a.PoolID), ClientName: aws.String("other"),
		AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode, types.OAuthFlowTypeImplicit},
		AllowedOAuthScopes:              []string{"openid", "email", "phone", "profile"},
		CallbackURLs:                    []string{callbackURL}, SupportedIdentityProviders: []string{"COGNITO"}}
	if tweak != nil {
		tweak(in)
	}
	c, err := e.SDK.CreateUserPoolClient(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("CreateUserPoolClient: %v", err)
	}
	b := *a
	b.ClientID, b.Secret = *c.UserPoolClient.ClientId, aws.ToString(c.UserPoolClient.ClientSecret)
	return &b
}

// machineClient adds a resource server (https://api.example.com with the
// scopes read and write) and a confidential client_credentials client
// allowed both to a's pool.
func (e *env) machineClient(a *app) *app {
	e.t.Helper()
	_, err := e.SDK.CreateResourceServer(e.t.Context(), &cip.CreateResourceServerInput{UserPoolId: aws.String(a.PoolID),
		Identifier: aws.String("https://api.example.com"), Name: aws.String("api"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("write")}}})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		e.t.Fatalf("CreateResourceServer: %v", err)
	}
	return e.extraClient(a, func(in *cip.CreateUserPoolClientInput) {
		in.ClientName, in.GenerateSecret = aws.String("worker"), true
		in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
		in.AllowedOAuthScopes = []string{"https://api.example.com/read", "https://api.example.com/write"}
		in.CallbackURLs, in.SupportedIdentityProviders = nil, nil
	})
}

// pkceVerifier and its S256 challenge, BASE64URL(SHA256(verifier)).
const (
	pkceVerifier  = "dBjftJeZ4CK-hfWN5KXNP56wIE3ydATF0hQIVyUbiQx"
	pkceChallenge = "Nsy8wUtRB10neYLCkmb3buPNx69r8pnAzzi1RBm3Exw"
)

func codeForm(a *app, code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callbackURL},
		"client_id": {a.ClientID}}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

// tokenErrorRow is one refused /oauth2/token request: issue makes a fresh
// code for it (nil: none needed), call builds the request, and after (nil:
// the code is still redeemable by its client) proves nothing changed.
type tokenErrorRow struct {
	name   string
	owner  func(e *tokenErrorEnv) (*app, user)
	issue  func(e *tokenErrorEnv, a *app, u user) string
	call   func(e *tokenErrorEnv, code string) (*app, tokenCall)
	status int
	code   string
	after  func(t *testing.T, e *tokenErrorEnv, a *app, code string)
}

func pubAlice(e *tokenErrorEnv) (*app, user)  { return e.pub, e.alice }
func confCarol(e *tokenErrorEnv) (*app, user) { return e.conf, e.carol }

func plainCode(e *tokenErrorEnv, a *app, u user) string { return e.code(a.authorize(nil), u) }

func pkceCode(method, challenge string) func(e *tokenErrorEnv, a *app, u user) string {
	return func(e *tokenErrorEnv, a *app, u user) string {
		return e.code(a.authorize(func(r *userpool.AuthorizeRequest) {
			r.CodeChallenge, r.CodeChallengeMethod = challenge, method
		}), u)
	}
}

// pubCall sends form (built from the code) to the public app's domain.
func pubCall(f func(e *tokenErrorEnv, code string) url.Values) func(e *tokenErrorEnv, code string) (*app, tokenCall) {
	return func(e *tokenErrorEnv, code string) (*app, tokenCall) { return e.pub, tokenCall{Form: f(e, code)} }
}

func confCall(basicSecret, bodySecret string) func(e *tokenErrorEnv, code string) (*app, tokenCall) {
	return func(e *tokenErrorEnv, code string) (*app, tokenCall) {
		c := tokenCall{Form: with(codeForm(e.conf, code), "client_secret", bodySecret)}
		if basicSecret != "" {
			c.Basic = []string{e.conf.ClientID, basicSecret}
		}
		return e.conf, c
	}
}

// stillRedeemable: the refused request burnt nothing; the code still
// works for its client, with the PKCE verifier when it has a challenge.
func stillRedeemable(t *testing.T, e *tokenErrorEnv, a *app, code string) {
	t.Helper()
	e.redeem(a, code, url.Values{"code_verifier": {pkceVerifier}})
}

func stillRefused(t *testing.T, e *tokenErrorEnv, a *app, code string) {
	t.Helper()
	c := tokenCall{Form: codeForm(a, code)}
	if a.Secret != "" {
		c.Basic = []string{a.ClientID, a.Secret}
	}
	if ans := e.post(a, c); ans.Status != http.StatusBadRequest || ans.str("error") != "invalid_grant" {
		t.Errorf("code afterwards: status %d %s, want it still invalid_grant", ans.Status, ans.Raw)
	}
}

// TestTokenEndpointErrors: every refusal of /oauth2/token, with its
// status and RFC 6749 error code, and proof that the refused request
// changed nothing.
func TestTokenEndpointErrors(t *testing.T) {
	e := newTokenErrorEnv(t)
	for _, r := range tokenErrorRows() {
		t.Run(r.name, func(t *testing.T) {
			// The env's helpers fail the subtest, not the table.
			sub := *e.env
			sub.t = t
			e := &tokenErrorEnv{&sub, e.pub, e.other, e.m2m, e.conf, e.alice, e.carol}
			owner := r.owner
			if owner == nil {
				owner = pubAlice
			}
			a, u := owner(e)
			code := ""
			if r.issue != nil {
				code = r.issue(e, a, u)
			}
			target, c := r.call(e, code)
			ans := e.post(target, c)
			if ans.Status != r.status || ans.str("error") != r.code {
				t.Fatalf("status %d %s, want %d {\"error\":%q}", ans.Status, ans.Raw, r.status, r.code)
			}
			if ans.Header.Get("Cache-Control") != "no-store" || ans.Header.Get("Pragma") != "no-cache" ||
				ans.Header.Get("Content-Type") != "application/json;charset=UTF-8" {
				t.Errorf("headers %v", ans.Header)
			}
			if len(ans.Body) != 1 {
				t.Errorf("body %s: want only \"error\" (Cognito gives no description here)", ans.Raw)
			}
			switch {
			case r.after != nil:
				r.after(t, e, a, code)
			case code != "":
				stillRedeemable(t, e, a, code)
			}
		})
	}
}
