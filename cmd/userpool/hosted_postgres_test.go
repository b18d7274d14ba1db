package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestHostedCodeFlowTwoProcessesOnePostgres: the hosted sign-in and the
// token endpoint on two userpool processes sharing one PostgreSQL
// database, as a platform team runs them behind a load balancer. A user
// signs in on process 1's /login (a browser's form post: CSRF token and
// hidden OAuth fields read from the page), the code is redeemed on
// process 2 — a wrong PKCE verifier first, refused —, the same code is
// then refused on process 1 (the single-use mark is in the database),
// and process 1 refreshes the tokens process 2 issued, with their scopes.
func TestHostedCodeFlowTwoProcessesOnePostgres(t *testing.T) {
	db := freshDatabase(t)
	args := []string{"--db", db, "--dev", "--issuer-base", "https://idp.example.test"}
	url1, _ := startProcessArgs(t, args...)
	url2, _ := startProcessArgs(t, args...)
	sdk := sdkFor(url1)
	ctx := t.Context()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("Two")})
	if err != nil {
		t.Fatal(err)
	}
	pid := pool.UserPool.Id
	if _, err := sdk.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pid, Domain: aws.String("two-procs")}); err != nil {
		t.Fatal(err)
	}
	c, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pid, ClientName: aws.String("web"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{"http://localhost:3000/callback"},
		SupportedIdentityProviders: []string{"COGNITO"}, ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := *c.UserPoolClient.ClientId
	if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pid, Username: aws.String("pat"),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pid, Username: aws.String("pat"),
		Password: aws.String("Passw0rd!x"), Permanent: true}); err != nil {
		t.Fatal(err)
	}

	verifier := strings.Repeat("v3rifier-", 6)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "scope": {"openid email"}, "state": {"s1"},
		"redirect_uri": {"http://localhost:3000/callback"}, "code_challenge_method": {"S256"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}}
	code := formSignIn(t, url1+"/_domain/two-procs/oauth2/authorize?"+q.Encode(), "pat", "Passw0rd!x")

	token := func(base string, form url.Values) (int, map[string]any) {
		resp, err := http.PostForm(base+"/_domain/two-procs/oauth2/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	redeem := url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
		"redirect_uri": {"http://localhost:3000/callback"}, "code_verifier": {verifier + "x"}}
	if st, out := token(url2, redeem); st != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier on process 2: %d %v", st, out)
	}
	redeem.Set("code_verifier", verifier)
	st, tok := token(url2, redeem)
	if st != http.StatusOK || tok["refresh_token"] == nil || tok["id_token"] == nil {
		t.Fatalf("redemption on process 2: %d %v", st, tok)
	}
	if st, out := token(url1, redeem); st != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("the same code on process 1: %d %v", st, out)
	}
	st, fresh := token(url1, url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID},
		"refresh_token": {tok["refresh_token"].(string)}})
	if st != http.StatusOK || jwtClaim(t, fresh["access_token"].(string), "scope") != "openid email" {
		t.Fatalf("refresh on process 1: %d %v", st, fresh)
	}
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// formSignIn does what a browser does from an app's authorize link: follow
// it to /login, fill in the form (its CSRF token and hidden OAuth fields
// included) and post it; it returns the code of the redirect to the app.
func formSignIn(t *testing.T, authorize, username, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	login, err := resp.Location()
	if err != nil {
		t.Fatalf("authorize: %d, no redirect to /login", resp.StatusCode)
	}
	if resp, err = client.Get(login.String()); err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action := formAction.FindSubmatch(page)
	if action == nil {
		t.Fatalf("login page has no form:\n%s", page)
	}
	form := url.Values{"username": {username}, "password": {password}}
	for _, m := range hiddenInput.FindAllSubmatch(page, -1) {
		form.Add(string(m[1]), html.UnescapeString(string(m[2])))
	}
	target, _ := login.Parse(html.UnescapeString(string(action[1])))
	if resp, err = client.PostForm(target.String(), form); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := resp.Location()
	if err != nil || back.Query().Get("code") == "" || back.Query().Get("state") != "s1" {
		t.Fatalf("sign-in: %d → %v (%v)", resp.StatusCode, back, err)
	}
	return back.Query().Get("code")
}

// jwtClaim returns one claim of a JWT's payload, as a string.
func jwtClaim(t *testing.T, jwt, name string) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		t.Fatalf("JWT payload %q: %v", parts[1], err)
	}
	s, _ := claims[name].(string)
	return s
}
