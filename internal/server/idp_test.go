package server_test

import (
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Identity providers (issue 16): stored and answered as Cognito answers
// them, with the provider details Cognito adds for social providers (the
// Describe responses of the API reference's ProviderDetails text) and the
// username mapping it adds, which Terraform's provider reads back.

var googleDetails = map[string]string{"client_id": "id.apps.googleusercontent.com", "client_secret": "s3cret", "authorize_scopes": "email profile openid"}

func (e *env) idp(poolID, name string, typ types.IdentityProviderTypeType, details map[string]string, tweak ...func(*cip.CreateIdentityProviderInput)) *types.IdentityProviderType {
	e.t.Helper()
	in := &cip.CreateIdentityProviderInput{UserPoolId: aws.String(poolID), ProviderName: aws.String(name), ProviderType: typ, ProviderDetails: details}
	for _, f := range tweak {
		f(in)
	}
	out, err := e.SDK.CreateIdentityProvider(e.t.Context(), in)
	ok(e.t, err, "CreateIdentityProvider "+name)
	return out.IdentityProvider
}

func wantMap(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Fatalf("%s = %v\nwant %v", what, got, want)
	}
}

// TestIdentityProviderDetailsAsGiven: ProviderDetails come back exactly as
// given — none of the endpoints, certificate or URIs Cognito adds on its
// own (idp_details.go says why: Terraform's provider up to 5.x plans to
// remove them forever) — while the username mapping Cognito adds is there.
func TestIdentityProviderDetailsAsGiven(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	created := e.idp(*pool.Id, "Google", types.IdentityProviderTypeTypeGoogle, googleDetails)
	wantMap(t, "created ProviderDetails", created.ProviderDetails, googleDetails)
	wantMap(t, "AttributeMapping", created.AttributeMapping, map[string]string{"username": "sub"})
	if created.CreationDate == nil || created.LastModifiedDate == nil || *created.UserPoolId != *pool.Id || created.ProviderType != "Google" {
		t.Fatalf("created = %+v", created)
	}
	got, err := e.SDK.DescribeIdentityProvider(t.Context(), &cip.DescribeIdentityProviderInput{UserPoolId: pool.Id, ProviderName: aws.String("Google")})
	ok(t, err, "DescribeIdentityProvider")
	wantMap(t, "described ProviderDetails", got.IdentityProvider.ProviderDetails, googleDetails)
	// A given mapping keeps Cognito's username one.
	fbDetails := map[string]string{"client_id": "1", "client_secret": "2", "authorize_scopes": "email", "api_version": "v17.0"}
	fb := e.idp(*pool.Id, "Facebook", types.IdentityProviderTypeTypeFacebook, fbDetails,
		func(in *cip.CreateIdentityProviderInput) { in.AttributeMapping = map[string]string{"email": "email"} })
	wantMap(t, "Facebook AttributeMapping", fb.AttributeMapping, map[string]string{"email": "email", "username": "id"})
	wantMap(t, "Facebook details", fb.ProviderDetails, fbDetails)

	meta, err := os.ReadFile("testdata/saml-metadata.xml")
	ok(t, err, "read metadata")
	samlDetails := map[string]string{"MetadataFile": string(meta), "IDPSignout": "true"}
	saml := e.idp(*pool.Id, "Corp-SAML", types.IdentityProviderTypeTypeSaml, samlDetails,
		func(in *cip.CreateIdentityProviderInput) { in.AttributeMapping = map[string]string{"email": "email"} })
	wantMap(t, "SAML details", saml.ProviderDetails, samlDetails)
	wantMap(t, "SAML AttributeMapping", saml.AttributeMapping, map[string]string{"email": "email"})
}

func TestIdentityProviderAppleHidesPrivateKey(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	apple := e.idp(*pool.Id, "SignInWithApple", types.IdentityProviderTypeTypeSignInWithApple,
		map[string]string{"client_id": "com.example", "team_id": "T", "key_id": "K", "private_key": "PRIVATE", "authorize_scopes": "email name"})
	if _, has := apple.ProviderDetails["private_key"]; has || apple.ProviderDetails["team_id"] != "T" {
		t.Fatalf("Apple details = %v, want no private_key", apple.ProviderDetails)
	}
	// An update without the key keeps the stored one.
	up, err := e.SDK.UpdateIdentityProvider(t.Context(), &cip.UpdateIdentityProviderInput{UserPoolId: pool.Id,
		ProviderName: aws.String("SignInWithApple"), ProviderDetails: map[string]string{"client_id": "com.example", "team_id": "T2", "key_id": "K"}})
	ok(t, err, "UpdateIdentityProvider")
	if _, has := up.IdentityProvider.ProviderDetails["private_key"]; has || up.IdentityProvider.ProviderDetails["team_id"] != "T2" {
		t.Fatalf("updated Apple details = %v", up.IdentityProvider.ProviderDetails)
	}
	oidc := e.idp(*pool.Id, "Corp", types.IdentityProviderTypeTypeOidc, map[string]string{"client_id": "c", "client_secret": "s",
		"attributes_request_method": "GET", "oidc_issuer": "https://idp.example.com", "authorize_scopes": "openid"})
	wantMap(t, "OIDC AttributeMapping", oidc.AttributeMapping, map[string]string{"username": "sub"})
}

func TestIdentityProviderErrors(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	ctx := t.Context()
	e.idp(*pool.Id, "Google", types.IdentityProviderTypeTypeGoogle, googleDetails,
		func(in *cip.CreateIdentityProviderInput) { in.IdpIdentifiers = []string{"gmail"} })
	_, err := e.SDK.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: pool.Id,
		ProviderName: aws.String("Google"), ProviderType: "Google", ProviderDetails: googleDetails})
	wantAPIError(t, err, "DuplicateProviderException", "Google already exists in user pool "+*pool.Id)
	_, err = e.SDK.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: pool.Id,
		ProviderName: aws.String("NameOfGP"), ProviderType: "Google", ProviderDetails: googleDetails})
	wantAPIError(t, err, "InvalidParameterException", "Provider NameOfGP cannot be of type Google.")
	_, err = e.SDK.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: pool.Id,
		ProviderName: aws.String("Corp"), ProviderType: "OIDC", ProviderDetails: map[string]string{"client_id": "c"},
		IdpIdentifiers: []string{"gmail"}})
	wantAPICode(t, err, "DuplicateProviderException")
	_, err = e.SDK.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: pool.Id, ProviderName: aws.String("Nope")})
	wantAPICode(t, err, "ResourceNotFoundException")
	_, err = e.SDK.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: pool.Id, ProviderName: aws.String("Nope")})
	wantAPICode(t, err, "ResourceNotFoundException")
	_, err = e.SDK.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: pool.Id, IdpIdentifier: aws.String("nope")})
	wantAPICode(t, err, "ResourceNotFoundException")
	_, err = e.SDK.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: aws.String("us-east-1_nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
}

func TestIdentityProviderUpdateListDelete(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	ctx := t.Context()
	e.idp(*pool.Id, "Google", types.IdentityProviderTypeTypeGoogle, googleDetails,
		func(in *cip.CreateIdentityProviderInput) { in.IdpIdentifiers = []string{"gmail"} })
	for _, n := range []string{"B-SAML", "A-OIDC"} {
		e.idp(*pool.Id, n, types.IdentityProviderTypeTypeOidc, map[string]string{"client_id": "c", "oidc_issuer": "https://i"})
	}
	// Omitted members are kept; given ones replace what was stored.
	up, err := e.SDK.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: pool.Id, ProviderName: aws.String("Google"),
		AttributeMapping: map[string]string{"email": "email", "username": "sub"}})
	ok(t, err, "UpdateIdentityProvider")
	if up.IdentityProvider.ProviderDetails["client_secret"] != "s3cret" || !slices.Equal(up.IdentityProvider.IdpIdentifiers, []string{"gmail"}) {
		t.Fatalf("updated = %+v", up.IdentityProvider)
	}
	wantMap(t, "updated mapping", up.IdentityProvider.AttributeMapping, map[string]string{"email": "email", "username": "sub"})
	byID, err := e.SDK.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: pool.Id, IdpIdentifier: aws.String("gmail")})
	ok(t, err, "GetIdentityProviderByIdentifier")
	if *byID.IdentityProvider.ProviderName != "Google" {
		t.Fatalf("by identifier = %+v", byID.IdentityProvider)
	}
	var names []string
	in := &cip.ListIdentityProvidersInput{UserPoolId: pool.Id, MaxResults: aws.Int32(2)}
	for p := cip.NewListIdentityProvidersPaginator(e.SDK, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		ok(t, err, "ListIdentityProviders")
		for _, d := range out.Providers {
			names = append(names, *d.ProviderName+"/"+string(d.ProviderType))
		}
	}
	if !slices.Equal(names, []string{"A-OIDC/OIDC", "B-SAML/OIDC", "Google/Google"}) {
		t.Fatalf("listed %v", names)
	}
	_, err = e.SDK.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: pool.Id, ProviderName: aws.String("Google")})
	ok(t, err, "DeleteIdentityProvider")
	_, err = e.SDK.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: pool.Id, IdpIdentifier: aws.String("gmail")})
	wantAPICode(t, err, "ResourceNotFoundException")
}
