package hosted_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/userpool/userpool/internal/userpool"
)

// BenchmarkTokenAuthorizationCode measures POST /oauth2/token redeeming
// an authorization code with PKCE over HTTP on SQLite: client
// authentication, opening the sealed code, the single-use mark and the
// refresh token in one transaction, and two RS256 signatures.
func BenchmarkTokenAuthorizationCode(b *testing.B) {
	ctx := b.Context()
	ts := startServer(b, false)
	svc, srv := ts.Svc, ts.Server
	req, username := benchApp(b, ts.SDK)
	in := &userpool.SignedIn{PoolID: req.PoolID, ClientID: req.ClientID, Username: username}
	codes := make([]string, b.N)
	for i := range codes {
		var err error
		if codes[i], err = svc.AuthorizationCode(ctx, req, in); err != nil {
			b.Fatal(err)
		}
	}
	tokenURL := srv.URL + "/_domain/bench-domain/oauth2/token"
	client := srv.Client()
	b.ResetTimer()
	for i := range b.N {
		resp, err := client.PostForm(tokenURL, url.Values{"grant_type": {"authorization_code"}, "code": {codes[i]},
			"redirect_uri": {callbackURL}, "client_id": {req.ClientID}, "code_verifier": {pkceVerifier}})
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// benchApp creates a pool with the domain bench-domain, a public code-flow
// client and a user, and returns a PKCE authorize request of the client's
// and the user's username.
func benchApp(b *testing.B, sdk *cip.Client) (*userpool.AuthorizeRequest, string) {
	ctx := b.Context()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	pid := pool.UserPool.Id
	if _, err := sdk.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pid, Domain: aws.String("bench-domain")}); err != nil {
		b.Fatal(err)
	}
	c, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pid, ClientName: aws.String("web"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callbackURL},
		SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pid, Username: aws.String("bench-user"),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		b.Fatal(err)
	}
	return &userpool.AuthorizeRequest{PoolID: *pid, ClientID: *c.UserPoolClient.ClientId, RedirectURI: callbackURL,
		ResponseType: "code", Scopes: []string{"openid", "email"}, Nonce: "n",
		CodeChallenge: pkceChallenge, CodeChallengeMethod: "S256"}, "bench-user"
}
