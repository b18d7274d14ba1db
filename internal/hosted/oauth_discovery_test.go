package hosted_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/userpool/userpool/internal/userpool"
)

func discovery(t testing.TB, e *env, poolID string) map[string]any {
	t.Helper()
	resp, err := http.Get(e.URL + "/" + poolID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery: %d %v", resp.StatusCode, err)
	}
	return doc
}

var hostedEndpoints = map[string]string{"authorization_endpoint": "/oauth2/authorize",
	"token_endpoint": "/oauth2/token", "userinfo_endpoint": "/oauth2/userInfo",
	"revocation_endpoint": "/oauth2/revoke", "end_session_endpoint": "/logout"}

// TestDiscoveryEndpoints: a pool with a domain advertises its hosted
// endpoints under HostedBase (IssuerBase by default); a pool without one
// advertises none; neither advertises what Cognito does not.
func TestDiscoveryEndpoints(t *testing.T) {
	e := newEnv(t, func(c *userpool.Config) { c.HostedBase = "https://auth.example.test/" })
	a := e.oauthApp(nil, nil)
	doc := discovery(t, e, a.PoolID)
	for k, path := range hostedEndpoints {
		if want := "https://auth.example.test/_domain/" + a.Domain + path; doc[k] != want {
			t.Errorf("%s = %v, want %s", k, doc[k], want)
		}
	}
	for _, k := range []string{"grant_types_supported", "code_challenge_methods_supported"} {
		if _, ok := doc[k]; ok {
			t.Errorf("%s advertised; Cognito does not", k)
		}
	}
	if _, err := e.SDK.DeleteUserPoolDomain(t.Context(), &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(a.PoolID),
		Domain: aws.String(a.Domain)}); err != nil {
		t.Fatal(err)
	}
	doc = discovery(t, e, a.PoolID)
	for k := range hostedEndpoints {
		if _, ok := doc[k]; ok {
			t.Errorf("pool without a domain advertises %s = %v", k, doc[k])
		}
	}
	if doc["issuer"] != e.URL+"/"+a.PoolID {
		t.Errorf("issuer %v", doc["issuer"])
	}
}

// TestOAuthCORS: the token, userInfo and revoke endpoints answer
// preflights and allow any origin; other hosted paths do not.
func TestOAuthCORS(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	for _, p := range []string{"/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, a.Base+p, nil)
		req.Header.Set("Origin", "https://spa.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
			h.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type" ||
			h.Get("Access-Control-Allow-Methods") != "GET, POST, OPTIONS" {
			t.Errorf("preflight %s: %d %v", p, resp.StatusCode, h)
		}
	}
	ans := e.post(a, tokenCall{Form: url.Values{"grant_type": {"password"}}})
	if ans.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("token error without CORS: %v", ans.Header)
	}
	resp, err := http.Get(a.Base + "/nothing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("a non-OAuth hosted path allows origin %q", got)
	}
}

// TestDiscoveryCustomDomain: a pool whose only domain is a custom one
// advertises its endpoints under that name.
func TestDiscoveryCustomDomain(t *testing.T) {
	e := newEnv(t)
	pool, err := e.SDK.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("custom")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SDK.CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{UserPoolId: pool.UserPool.Id,
		Domain: aws.String("auth.example.com"), CustomDomainConfig: &types.CustomDomainConfigType{
			CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000")}}); err != nil {
		t.Fatal(err)
	}
	doc := discovery(t, e, *pool.UserPool.Id)
	if want := e.URL + "/_domain/auth.example.com/oauth2/token"; doc["token_endpoint"] != want {
		t.Errorf("token_endpoint %v, want %s", doc["token_endpoint"], want)
	}
}
