package server_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// A client's OAuth members (issue 16, prepared for issue 17 item 1): the
// identity providers it names must exist in its pool, its custom scopes in
// the pool's resource servers; every member is answered as set.

func oauthClient(poolID string, idps []string, scopes ...string) func(*cip.CreateUserPoolClientInput) {
	return func(in *cip.CreateUserPoolClientInput) {
		in.UserPoolId = aws.String(poolID)
		in.SupportedIdentityProviders = idps
		in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeCode}
		in.AllowedOAuthFlowsUserPoolClient = true
		in.AllowedOAuthScopes = scopes
		in.CallbackURLs = []string{"https://app.example.com/callback", "http://localhost:3000/callback"}
		in.LogoutURLs = []string{"https://app.example.com/"}
		in.DefaultRedirectURI = aws.String("https://app.example.com/callback")
	}
}

func TestClientOAuthSettingsAreChecked(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	ctx := t.Context()
	in := &cip.CreateUserPoolClientInput{ClientName: aws.String("web")}
	oauthClient(*pool.Id, []string{"COGNITO", "Google"}, "openid")(in)
	_, err := e.SDK.CreateUserPoolClient(ctx, in)
	wantAPIError(t, err, "InvalidParameterException", "The provider Google does not exist for User Pool "+*pool.Id+".")

	e.idp(*pool.Id, "Google", types.IdentityProviderTypeTypeGoogle, googleDetails)
	_, err = e.SDK.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool.Id,
		Identifier: aws.String("https://api.example.com"), Name: aws.String("api"), Scopes: scopes("read")})
	ok(t, err, "CreateResourceServer")
	in = &cip.CreateUserPoolClientInput{ClientName: aws.String("web")}
	oauthClient(*pool.Id, []string{"COGNITO", "Google"}, "openid", "https://api.example.com/nope")(in)
	_, err = e.SDK.CreateUserPoolClient(ctx, in)
	wantAPICode(t, err, "ScopeDoesNotExistException")

	c := e.client(*pool.Id, oauthClient(*pool.Id, []string{"COGNITO", "Google"}, "openid", "email", "https://api.example.com/read"))
	got, err := e.SDK.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: c.ClientId})
	ok(t, err, "DescribeUserPoolClient")
	d := got.UserPoolClient
	if !slices.Equal(d.SupportedIdentityProviders, []string{"COGNITO", "Google"}) || !aws.ToBool(d.AllowedOAuthFlowsUserPoolClient) ||
		!slices.Equal(d.AllowedOAuthFlows, []types.OAuthFlowType{"code"}) ||
		!slices.Equal(d.AllowedOAuthScopes, []string{"openid", "email", "https://api.example.com/read"}) ||
		!slices.Equal(d.CallbackURLs, []string{"https://app.example.com/callback", "http://localhost:3000/callback"}) ||
		!slices.Equal(d.LogoutURLs, []string{"https://app.example.com/"}) || aws.ToString(d.DefaultRedirectURI) != "https://app.example.com/callback" {
		t.Fatalf("described %+v", d)
	}
	_, err = e.SDK.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: pool.Id, ClientId: c.ClientId,
		SupportedIdentityProviders: []string{"Okta"}})
	wantAPIError(t, err, "InvalidParameterException", "The provider Okta does not exist for User Pool "+*pool.Id+".")
}
