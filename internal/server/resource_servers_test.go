package server_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Resource servers (issue 16): custom OAuth scopes, "<identifier>/<scope>",
// that app clients may allow (issue 17 grants them with client_credentials).

func scopes(names ...string) []types.ResourceServerScopeType {
	var out []types.ResourceServerScopeType
	for _, n := range names {
		out = append(out, types.ResourceServerScopeType{ScopeName: aws.String(n), ScopeDescription: aws.String("can " + n)})
	}
	return out
}

func scopeNames(rs *types.ResourceServerType) []string {
	var out []string
	for _, s := range rs.Scopes {
		out = append(out, *s.ScopeName+"="+*s.ScopeDescription)
	}
	return out
}

func TestResourceServerLifecycle(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	ctx := t.Context()
	out, err := e.SDK.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool.Id,
		Identifier: aws.String("https://api.example.com"), Name: aws.String("api"), Scopes: scopes("read", "write")})
	ok(t, err, "CreateResourceServer")
	rs := out.ResourceServer
	if *rs.UserPoolId != *pool.Id || *rs.Identifier != "https://api.example.com" || *rs.Name != "api" ||
		!slices.Equal(scopeNames(rs), []string{"read=can read", "write=can write"}) {
		t.Fatalf("created %+v", rs)
	}
	_, err = e.SDK.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool.Id,
		Identifier: aws.String("https://api.example.com"), Name: aws.String("again")})
	wantAPICode(t, err, "InvalidParameterException")
	// A server without scopes answers an empty list.
	_, err = e.SDK.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool.Id,
		Identifier: aws.String("billing"), Name: aws.String("billing")})
	ok(t, err, "CreateResourceServer without scopes")
	up, err := e.SDK.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: pool.Id,
		Identifier: aws.String("https://api.example.com"), Name: aws.String("api v2"), Scopes: scopes("admin")})
	ok(t, err, "UpdateResourceServer")
	if *up.ResourceServer.Name != "api v2" || !slices.Equal(scopeNames(up.ResourceServer), []string{"admin=can admin"}) {
		t.Fatalf("updated %+v", up.ResourceServer)
	}
	desc, err := e.SDK.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("https://api.example.com")})
	ok(t, err, "DescribeResourceServer")
	if !slices.Equal(scopeNames(desc.ResourceServer), []string{"admin=can admin"}) {
		t.Fatalf("described %+v", desc.ResourceServer)
	}
	var ids []string
	p := cip.NewListResourceServersPaginator(e.SDK, &cip.ListResourceServersInput{UserPoolId: pool.Id, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListResourceServers")
		for _, rs := range page.ResourceServers {
			ids = append(ids, *rs.Identifier+"/"+*rs.Name+"/"+string(rune('0'+len(rs.Scopes))))
		}
	}
	if !slices.Equal(ids, []string{"billing/billing/0", "https://api.example.com/api v2/1"}) {
		t.Fatalf("listed %v", ids)
	}
	_, err = e.SDK.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("billing")})
	ok(t, err, "DeleteResourceServer")
	for _, call := range []func() error{
		func() error {
			_, err := e.SDK.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("billing")})
			return err
		},
		func() error {
			_, err := e.SDK.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("billing")})
			return err
		},
		func() error {
			_, err := e.SDK.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("billing"), Name: aws.String("x")})
			return err
		},
	} {
		wantAPICode(t, call(), "ResourceNotFoundException")
	}
	_, err = e.SDK.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: aws.String("us-east-1_nope"), MaxResults: aws.Int32(5)})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
}
