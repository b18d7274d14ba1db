package hosted_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/userpool/userpool/internal/userpool"
)

// TestClientCredentialsGrant: a confidential client allowed
// client_credentials gets an access token for resource-server scopes
// (created through the SDK), signed with the pool's key, with sub = its
// client ID, and no id or refresh token; without a scope parameter, for
// every custom scope it allows.
func TestClientCredentialsGrant(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	m := e.machineClient(a)
	provider, err := oidc.NewProvider(t.Context(), e.URL+"/"+a.PoolID)
	if err != nil {
		t.Fatal(err)
	}
	verify := provider.Verifier(&oidc.Config{SkipClientIDCheck: true})
	for _, tc := range []struct {
		name  string
		call  tokenCall
		scope string
	}{
		{"BasicOneScope", tokenCall{Form: url.Values{"grant_type": {"client_credentials"},
			"scope": {"https://api.example.com/read"}}, Basic: []string{m.ClientID, m.Secret}}, "https://api.example.com/read"},
		{"PostNoScope", tokenCall{Form: url.Values{"grant_type": {"client_credentials"}, "client_id": {m.ClientID},
			"client_secret": {m.Secret}}}, "https://api.example.com/read https://api.example.com/write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans := e.post(m, tc.call)
			if ans.Status != http.StatusOK {
				t.Fatalf("status %d %s", ans.Status, ans.Raw)
			}
			for _, k := range []string{"id_token", "refresh_token"} {
				if _, ok := ans.Body[k]; ok {
					t.Errorf("client_credentials answered a %s", k)
				}
			}
			if ans.str("token_type") != "Bearer" || ans.Body["expires_in"] != float64(3600) {
				t.Errorf("answer %s", ans.Raw)
			}
			at := ans.str("access_token")
			if _, err := verify.Verify(t.Context(), at); err != nil {
				t.Errorf("access token does not verify against the pool's JWKS: %v", err)
			}
			c := claims(t, at)
			if c["scope"] != tc.scope || c["sub"] != m.ClientID || c["client_id"] != m.ClientID ||
				c["token_use"] != "access" || c["version"] != float64(2) || c["username"] != nil {
				t.Errorf("claims %v", c)
			}
		})
	}
}

// TestImplicitGrant: the fragment values of an implicit answer — access
// and id token, Bearer, expires_in, never a refresh token — and the
// tokens belong to a family GlobalSignOut revokes.
func TestImplicitGrant(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	req := a.authorize(func(r *userpool.AuthorizeRequest) { r.ResponseType = "token" })
	in := &userpool.SignedIn{PoolID: a.PoolID, ClientID: a.ClientID, Username: alice.Username, AuthTime: e.Clock.Now()}
	v, err := e.Svc.ImplicitGrant(t.Context(), req, in)
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("token_type") != "Bearer" || v.Get("expires_in") != "3600" || v.Has("refresh_token") || len(v) != 4 {
		t.Errorf("implicit values %v", v)
	}
	at := v.Get("access_token")
	checkOAuthAccessToken(t, claims(t, at), a, alice, "openid email")
	id := claims(t, v.Get("id_token"))
	if id["nonce"] != req.Nonce || id["at_hash"] == nil || id["aud"] != a.ClientID {
		t.Errorf("id token %v", id)
	}
	if got := e.userInfo(a, at); got.Status != http.StatusOK || got.str("email") != alice.Email {
		t.Errorf("userInfo: %d %s", got.Status, got.Raw)
	}
	// The API's self-service operations need aws.cognito.signin.user.admin,
	// which this token was not granted; one that was signs the user out.
	if _, err := e.SDK.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: aws.String(at)}); err == nil ||
		!strings.Contains(err.Error(), "NotAuthorizedException: Access Token does not have required scopes") {
		t.Fatalf("GlobalSignOut without the admin scope: %v", err)
	}
	admin := *req
	admin.Scopes = append([]string{"aws.cognito.signin.user.admin"}, req.Scopes...)
	va, err := e.Svc.ImplicitGrant(t.Context(), &admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SDK.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: aws.String(va.Get("access_token"))}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
	if got := e.userInfo(a, at); got.Status != http.StatusUnauthorized {
		t.Errorf("userInfo after GlobalSignOut: %d %s", got.Status, got.Raw)
	}
	req.Scopes = []string{"email"}
	v, err = e.Svc.ImplicitGrant(t.Context(), req, in)
	if err != nil || v.Has("id_token") || v.Get("access_token") == "" {
		t.Errorf("implicit without openid: %v, %v (want an access token only)", v, err)
	}
}

// TestRevokeEndpoint: revoking a refresh token (200, empty) ends its
// family: the refresh_token grant is invalid_grant and userInfo refuses
// the family's access token with 401 and a Bearer challenge. Unknown
// tokens are 200 too; access tokens, other clients' tokens and bad
// client credentials are refused and revoke nothing.
func TestRevokeEndpoint(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	other := e.extraClient(a, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	alice := e.appUser(a, "alice@example.com")
	first := e.redeem(a, e.code(a.authorize(nil), alice), nil)
	rt := first.str("refresh_token")
	revoke := func(form url.Values, basic ...string) *oauthAnswer {
		return e.post(a, tokenCall{Path: "/oauth2/revoke", Form: form, Basic: basic})
	}
	refused := []struct {
		name         string
		ans          *oauthAnswer
		status       int
		code, header string
	}{
		{"AccessToken", revoke(url.Values{"token": {first.str("access_token")}, "client_id": {a.ClientID}}), 400, "unsupported_token_type", ""},
		{"OtherClient", revoke(url.Values{"token": {rt}}, other.ClientID, other.Secret), 400, "unauthorized_client", ""},
		{"WrongSecret", revoke(url.Values{"token": {rt}}, other.ClientID, "nope"), 401, "invalid_client", ""},
		{"NoToken", revoke(url.Values{"client_id": {a.ClientID}}), 400, "invalid_request", ""},
	}
	for _, r := range refused {
		if r.ans.Status != r.status || r.ans.str("error") != r.code {
			t.Errorf("%s: %d %s, want %d %s", r.name, r.ans.Status, r.ans.Raw, r.status, r.code)
		}
	}
	if got := e.userInfo(a, first.str("access_token")); got.Status != http.StatusOK {
		t.Fatalf("userInfo before the revocation: %d %s", got.Status, got.Raw)
	}
	for _, tok := range []string{rt, "no-such-token"} {
		if ans := revoke(url.Values{"token": {tok}, "client_id": {a.ClientID}}); ans.Status != http.StatusOK || ans.Raw != "" {
			t.Errorf("revoke %.8s…: %d %q, want an empty 200", tok, ans.Status, ans.Raw)
		}
	}
	ans := e.post(a, tokenCall{Form: url.Values{"grant_type": {"refresh_token"}, "client_id": {a.ClientID}, "refresh_token": {rt}}})
	if ans.Status != http.StatusBadRequest || ans.str("error") != "invalid_grant" {
		t.Errorf("refresh after revoke: %d %s", ans.Status, ans.Raw)
	}
	got := e.userInfo(a, first.str("access_token"))
	if got.Status != http.StatusUnauthorized || got.str("error") != "invalid_token" ||
		!strings.HasPrefix(got.Header.Get("WWW-Authenticate"), `Bearer error="invalid_token"`) {
		t.Errorf("userInfo after revoke: %d %v %s", got.Status, got.Header, got.Raw)
	}
}

// TestClientSecretBasicEncoding: a secret with "+" authenticates as RFC
// 6749 section 2.3.1 sends it (form-urlencoded, then base64: "%2B"), as most
// clients send it (raw "+"), and in the body; a secret that only matches
// once "+" became a space does not.
func TestClientSecretBasicEncoding(t *testing.T) {
	e := newEnv(t)
	const secret = "s3cr3t+with+plus+signs+0123456789abcdef"
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) { in.ClientSecret = aws.String(secret) })
	if a.Secret != secret {
		t.Fatalf("client secret %q, want the given one", a.Secret)
	}
	alice := e.appUser(a, "alice@example.com")
	rawBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(a.ClientID+":"+secret))
	spaced := "Basic " + base64.StdEncoding.EncodeToString([]byte(a.ClientID+":"+strings.ReplaceAll(secret, "+", " ")))
	for _, tc := range []struct {
		name   string
		call   func(code string) tokenCall
		status int
	}{
		{"Encoded", func(code string) tokenCall {
			return tokenCall{Form: codeForm(a, code), Basic: []string{a.ClientID, secret}}
		}, http.StatusOK},
		{"Raw", func(code string) tokenCall {
			return tokenCall{Form: codeForm(a, code), Header: http.Header{"Authorization": {rawBasic}}}
		}, http.StatusOK},
		{"Body", func(code string) tokenCall { return tokenCall{Form: with(codeForm(a, code), "client_secret", secret)} }, http.StatusOK},
		{"Spaces", func(code string) tokenCall {
			return tokenCall{Form: codeForm(a, code), Header: http.Header{"Authorization": {spaced}}}
		}, http.StatusBadRequest},
	} {
		ans := e.post(a, tc.call(e.code(a.authorize(nil), alice)))
		if ans.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, ans.Status, ans.Raw, tc.status)
		}
	}
}
