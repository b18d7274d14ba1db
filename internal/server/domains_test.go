package server_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// User pool domains (issue 16; issue 17 serves them): prefix domains are
// unique across every pool, a pool has at most one prefix and one custom
// domain, and an unknown domain is described as an empty DomainDescription,
// which is how Terraform's provider tells a deleted domain.

const certArn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"

func (e *env) domain(poolID, name string, tweak ...func(*cip.CreateUserPoolDomainInput)) *cip.CreateUserPoolDomainOutput {
	e.t.Helper()
	in := &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID), Domain: aws.String(name)}
	for _, f := range tweak {
		f(in)
	}
	out, err := e.SDK.CreateUserPoolDomain(e.t.Context(), in)
	ok(e.t, err, "CreateUserPoolDomain "+name)
	return out
}

func (e *env) describeDomain(name string) *types.DomainDescriptionType {
	e.t.Helper()
	out, err := e.SDK.DescribeUserPoolDomain(e.t.Context(), &cip.DescribeUserPoolDomainInput{Domain: aws.String(name)})
	ok(e.t, err, "DescribeUserPoolDomain "+name)
	return out.DomainDescription
}

var cloudFront = regexp.MustCompile(`^d[a-z0-9]{13}\.cloudfront\.net$`)

func TestUserPoolDomainPrefix(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	e.domain(*pool.Id, "my-app-auth")
	d := e.describeDomain("my-app-auth")
	if *d.UserPoolId != *pool.Id || *d.Domain != "my-app-auth" || d.Status != types.DomainStatusTypeActive ||
		*d.AWSAccountId == "" || !cloudFront.MatchString(aws.ToString(d.CloudFrontDistribution)) ||
		aws.ToString(d.S3Bucket) == "" || aws.ToString(d.Version) == "" || aws.ToInt32(d.ManagedLoginVersion) != 1 {
		t.Fatalf("described %+v", d)
	}
	up := e.describePool(*pool.Id)
	if aws.ToString(up.Domain) != "my-app-auth" || up.CustomDomain != nil {
		t.Fatalf("pool Domain = %v, CustomDomain = %v", up.Domain, up.CustomDomain)
	}
	// Another pool cannot take the prefix; this pool cannot take a second one.
	other := e.pool()
	_, err := e.SDK.CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{UserPoolId: other.Id, Domain: aws.String("my-app-auth")})
	wantAPIError(t, err, "InvalidParameterException", "Domain already associated with another user pool.")
	_, err = e.SDK.CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{UserPoolId: pool.Id, Domain: aws.String("second-one")})
	wantAPICode(t, err, "InvalidParameterException")
	// A pool with a domain cannot be deleted.
	_, err = e.SDK.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "User pool cannot be deleted. It has a domain configured that should be deleted first.")
	// Deleted, the domain is described empty and free for another pool.
	_, err = e.SDK.DeleteUserPoolDomain(t.Context(), &cip.DeleteUserPoolDomainInput{UserPoolId: pool.Id, Domain: aws.String("my-app-auth")})
	ok(t, err, "DeleteUserPoolDomain")
	if d := e.describeDomain("my-app-auth"); d == nil || d.Domain != nil || d.Status != "" || d.UserPoolId != nil {
		t.Fatalf("deleted domain described as %+v, want an empty description", d)
	}
	e.domain(*other.Id, "my-app-auth")
	if up := e.describePool(*pool.Id); up.Domain != nil {
		t.Fatalf("pool Domain after delete = %v", *up.Domain)
	}
}

func TestUserPoolDomainPrefixRules(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	for name, want := range map[string]string{
		"my-aws-login":     "Domain cannot contain reserved word: aws",
		"cognito-app":      "Domain cannot contain reserved word: cognito",
		"auth.example.com": "The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$",
	} {
		_, err := e.SDK.CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{UserPoolId: pool.Id, Domain: aws.String(name)})
		wantAPIError(t, err, "InvalidParameterException", want)
	}
	_, err := e.SDK.CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{UserPoolId: aws.String("us-east-1_nope"), Domain: aws.String("fine")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
	_, err = e.SDK.DeleteUserPoolDomain(t.Context(), &cip.DeleteUserPoolDomainInput{UserPoolId: pool.Id, Domain: aws.String("never-made")})
	wantAPICode(t, err, "InvalidParameterException")
}

func TestUserPoolDomainCustom(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	e.domain(*pool.Id, "prefix-too")
	out := e.domain(*pool.Id, "auth.example.com", func(in *cip.CreateUserPoolDomainInput) {
		in.CustomDomainConfig = &types.CustomDomainConfigType{CertificateArn: aws.String(certArn)}
		in.ManagedLoginVersion = aws.Int32(2)
	})
	if !cloudFront.MatchString(aws.ToString(out.CloudFrontDomain)) || aws.ToInt32(out.ManagedLoginVersion) != 2 {
		t.Fatalf("created %+v", out)
	}
	d := e.describeDomain("auth.example.com")
	if d.CustomDomainConfig == nil || aws.ToString(d.CustomDomainConfig.CertificateArn) != certArn ||
		aws.ToString(d.CloudFrontDistribution) != *out.CloudFrontDomain {
		t.Fatalf("described %+v", d)
	}
	up := e.describePool(*pool.Id)
	if aws.ToString(up.CustomDomain) != "auth.example.com" || aws.ToString(up.Domain) != "prefix-too" {
		t.Fatalf("pool Domain = %v, CustomDomain = %v", up.Domain, up.CustomDomain)
	}
	newArn := certArn[:len(certArn)-1] + "6"
	upd, err := e.SDK.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{UserPoolId: pool.Id,
		Domain: aws.String("auth.example.com"), ManagedLoginVersion: aws.Int32(1),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(newArn)}})
	ok(t, err, "UpdateUserPoolDomain")
	if aws.ToString(upd.CloudFrontDomain) != *out.CloudFrontDomain || aws.ToInt32(upd.ManagedLoginVersion) != 1 {
		t.Fatalf("updated %+v", upd)
	}
	if d := e.describeDomain("auth.example.com"); aws.ToString(d.CustomDomainConfig.CertificateArn) != newArn || aws.ToInt32(d.ManagedLoginVersion) != 1 {
		t.Fatalf("described after update %+v", d)
	}
	_, err = e.SDK.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{UserPoolId: pool.Id,
		Domain: aws.String("prefix-too"), ManagedLoginVersion: aws.Int32(2)})
	ok(t, err, "UpdateUserPoolDomain prefix")
	if d := e.describeDomain("prefix-too"); aws.ToInt32(d.ManagedLoginVersion) != 2 {
		t.Fatalf("prefix after update %+v", d)
	}
}
