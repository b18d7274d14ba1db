package server_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// App client secrets (issue 16): AddUserPoolClientSecret,
// ListUserPoolClientSecrets and DeleteUserPoolClientSecret, and a SECRET_HASH
// that verifies against any of the client's current secrets, so a secret
// can be rotated without downtime.

type secretsEnv struct {
	*env
	poolID, clientID string
}

func (e secretsEnv) list() []types.ClientSecretDescriptorType {
	e.t.Helper()
	out, err := e.SDK.ListUserPoolClientSecrets(e.t.Context(), &cip.ListUserPoolClientSecretsInput{
		UserPoolId: aws.String(e.poolID), ClientId: aws.String(e.clientID)})
	ok(e.t, err, "ListUserPoolClientSecrets")
	return out.ClientSecrets
}

func (e secretsEnv) add(value string) (*types.ClientSecretDescriptorType, error) {
	in := &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(e.poolID), ClientId: aws.String(e.clientID)}
	if value != "" {
		in.ClientSecret = aws.String(value)
	}
	out, err := e.SDK.AddUserPoolClientSecret(e.t.Context(), in)
	if err != nil {
		return nil, err
	}
	return out.ClientSecretDescriptor, nil
}

func (e secretsEnv) remove(id string) error {
	_, err := e.SDK.DeleteUserPoolClientSecret(e.t.Context(), &cip.DeleteUserPoolClientSecretInput{
		UserPoolId: aws.String(e.poolID), ClientId: aws.String(e.clientID), ClientSecretId: aws.String(id)})
	return err
}

// signsInWith reports whether USER_PASSWORD_AUTH with a SECRET_HASH made
// from secret succeeds; any failure but the hash mismatch fails the test.
func (e secretsEnv) signsInWith(secret string) bool {
	e.t.Helper()
	_, err := e.initiate(e.clientID, "alice", goodPassword, "SECRET_HASH", secretHash(secret, "alice", e.clientID))
	if err == nil {
		return true
	}
	wantAPIError(e.t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+e.clientID)
	return false
}

func (e secretsEnv) described() string {
	e.t.Helper()
	out, err := e.SDK.DescribeUserPoolClient(e.t.Context(), &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(e.poolID), ClientId: aws.String(e.clientID)})
	ok(e.t, err, "DescribeUserPoolClient")
	return aws.ToString(out.UserPoolClient.ClientSecret)
}

func TestClientSecretRotation(t *testing.T) {
	t.Parallel()
	onBothBackends(t, testClientSecretRotation)
}

func testClientSecretRotation(t *testing.T, opts ...func(*envConfig)) {
	base := newEnv(t, opts...)
	poolID := aws.ToString(base.pool().Id)
	created := base.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	e := secretsEnv{base, poolID, aws.ToString(created.ClientId)}
	e.confirmedUser(poolID, "alice", goodPassword)
	first := aws.ToString(created.ClientSecret)
	idShape := regexp.MustCompile(`^` + e.clientID + `--[0-9]+$`) // DOC: <client-id>--<epoch-create-time>

	listed := e.list()
	if len(listed) != 1 || !idShape.MatchString(aws.ToString(listed[0].ClientSecretId)) ||
		listed[0].ClientSecretCreateDate == nil || listed[0].ClientSecretValue != nil {
		t.Fatalf("the created client's secrets: %+v", listed)
	}
	firstID := aws.ToString(listed[0].ClientSecretId)

	added, err := e.add("")
	ok(t, err, "AddUserPoolClientSecret")
	second := aws.ToString(added.ClientSecretValue) // generated: the only time it is shown
	if len(second) < 24 || !idShape.MatchString(aws.ToString(added.ClientSecretId)) || added.ClientSecretCreateDate == nil {
		t.Fatalf("added secret %+v", added)
	}
	if got := e.list(); len(got) != 2 || got[0].ClientSecretValue != nil || got[1].ClientSecretValue != nil {
		t.Fatalf("after the second secret: %+v", got)
	}
	if !e.signsInWith(first) || !e.signsInWith(second) || e.signsInWith("not-a-secret-of-this-client") {
		t.Fatal("with two secrets, each must verify and nothing else")
	}
	if d := e.described(); d != first && d != second {
		t.Errorf("DescribeUserPoolClient ClientSecret %q is none of the client's secrets", d)
	}
	_, err = e.add("")
	wantAPICode(t, err, "LimitExceededException") // at most two (DOC); text UNVERIFIED

	// UpdateUserPoolClient replaces settings, not secrets.
	_, err = e.SDK.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID),
		ClientId: aws.String(e.clientID), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	ok(t, err, "UpdateUserPoolClient")
	if len(e.list()) != 2 {
		t.Fatal("UpdateUserPoolClient dropped a secret")
	}

	ok(t, e.remove(firstID), "DeleteUserPoolClientSecret")
	if got := e.list(); len(got) != 1 || aws.ToString(got[0].ClientSecretId) != aws.ToString(added.ClientSecretId) {
		t.Fatalf("after deleting the first: %+v", got)
	}
	if e.signsInWith(first) || !e.signsInWith(second) {
		t.Fatal("after deleting the first secret only the second may verify")
	}
	if d := e.described(); d != second {
		t.Errorf("DescribeUserPoolClient ClientSecret %q, want the remaining secret", d)
	}
	wantAPICode(t, e.remove(aws.ToString(added.ClientSecretId)), "InvalidParameterException") // not the last one (DOC)
	wantAPICode(t, e.remove(firstID), "ResourceNotFoundException")

	// A secret the caller chooses is not echoed back, and verifies.
	mine := "Caller0Chosen0Secret0Value0123"
	given, err := e.add(mine)
	ok(t, err, "AddUserPoolClientSecret with ClientSecret")
	if given.ClientSecretValue != nil || given.ClientSecretId == nil {
		t.Errorf("a given secret answered %+v", given)
	}
	if !e.signsInWith(mine) || !e.signsInWith(second) {
		t.Fatal("the given secret and the remaining one must both verify")
	}
}

func TestClientSecretsOfPublicClient(t *testing.T) {
	t.Parallel()
	base := newEnv(t)
	poolID := aws.ToString(base.pool().Id)
	e := secretsEnv{base, poolID, aws.ToString(base.client(poolID).ClientId)}
	if got := e.list(); len(got) != 0 {
		t.Fatalf("a client without a secret lists %+v", got)
	}
	_, err := e.add("")
	wantAPICode(t, err, "InvalidParameterException") // only confidential clients (DOC); text UNVERIFIED

	other := secretsEnv{base, poolID, "nosuchclient0000000000000"}
	_, err = other.add("")
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")
}

// TestClientReadWriteAttributes: a client's ReadAttributes and
// WriteAttributes name attributes of its pool's schema.
func TestClientReadWriteAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{strAttr("dept", true, "0", "10")}
	}).Id)
	create := func(read, write []string) (*types.UserPoolClientType, error) {
		out, err := e.SDK.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID),
			ClientName: aws.String("rw"), ReadAttributes: read, WriteAttributes: write})
		if err != nil {
			return nil, err
		}
		return out.UserPoolClient, nil
	}
	// OBS: both texts are quoted from Cognito by CDK and serverless users.
	_, err := create([]string{"email", "custom:nope"}, nil)
	wantAPIError(t, err, "InvalidParameterException", "Invalid read attributes specified while creating a client")
	_, err = create(nil, []string{"nickname", "custom:nope"})
	wantAPICode(t, err, "InvalidParameterException") // the creating/write pair is inferred

	c, err := create([]string{"email", "email_verified", "custom:dept"}, []string{"email", "custom:dept"})
	ok(t, err, "CreateUserPoolClient with schema attributes")
	if !slices.Equal(c.ReadAttributes, []string{"email", "email_verified", "custom:dept"}) || !slices.Equal(c.WriteAttributes, []string{"email", "custom:dept"}) {
		t.Errorf("attributes %v / %v, want them as given", c.ReadAttributes, c.WriteAttributes)
	}
	_, err = e.SDK.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: c.ClientId,
		WriteAttributes: []string{"custom:nope"}})
	wantAPIError(t, err, "InvalidParameterException", "Invalid write attributes specified while updating a client")
}
