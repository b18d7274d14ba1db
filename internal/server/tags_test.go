package server_test

import (
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Tags on user pools (issue 16): TagResource, UntagResource and
// ListTagsForResource on the pool's ARN, and UserPoolTags of
// CreateUserPool, UpdateUserPool and DescribeUserPool, all one set.

func (e *env) listTags(arn string) (map[string]string, error) {
	out, err := e.SDK.ListTagsForResource(e.t.Context(), &cip.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	return out.Tags, nil
}

// wantTags checks that ListTagsForResource and DescribeUserPool agree on want.
func (e *env) wantTags(poolID, arn string, want map[string]string, what string) {
	e.t.Helper()
	got, err := e.listTags(arn)
	ok(e.t, err, "ListTagsForResource")
	if !maps.Equal(got, want) {
		e.t.Errorf("%s: ListTagsForResource %v, want %v", what, got, want)
	}
	if desc := e.describePool(poolID).UserPoolTags; !maps.Equal(desc, want) {
		e.t.Errorf("%s: DescribeUserPool UserPoolTags %v, want %v", what, desc, want)
	}
}

func TestTagsFollowThePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := e.pool(func(in *cip.CreateUserPoolInput) {
		in.UserPoolTags = map[string]string{"team": "identity", "env": "dev"}
	})
	poolID, arn := aws.ToString(up.Id), aws.ToString(up.Arn)
	e.wantTags(poolID, arn, map[string]string{"team": "identity", "env": "dev"}, "after CreateUserPool")

	_, err := e.SDK.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: map[string]string{"team": "identity-2", "cost": ""}})
	ok(t, err, "TagResource")
	e.wantTags(poolID, arn, map[string]string{"team": "identity-2", "env": "dev", "cost": ""}, "after TagResource")

	_, err = e.SDK.UntagResource(t.Context(), &cip.UntagResourceInput{ResourceArn: aws.String(arn),
		TagKeys: []string{"env", "never-set"}})
	ok(t, err, "UntagResource")
	e.wantTags(poolID, arn, map[string]string{"team": "identity-2", "cost": ""}, "after UntagResource")

	// UpdateUserPool without UserPoolTags leaves the tags alone (the
	// Terraform provider updates a pool that way and tags it through
	// TagResource); with UserPoolTags it replaces them.
	_, err = e.SDK.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "UpdateUserPool without tags")
	e.wantTags(poolID, arn, map[string]string{"team": "identity-2", "cost": ""}, "after UpdateUserPool without tags")
	_, err = e.SDK.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID),
		UserPoolTags: map[string]string{"only": "this"}})
	ok(t, err, "UpdateUserPool with tags")
	e.wantTags(poolID, arn, map[string]string{"only": "this"}, "after UpdateUserPool with tags")

	_, err = e.SDK.UntagResource(t.Context(), &cip.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"only"}})
	ok(t, err, "UntagResource of the last tag")
	e.wantTags(poolID, arn, map[string]string{}, "without tags")

	bare := e.pool()
	e.wantTags(aws.ToString(bare.Id), aws.ToString(bare.Arn), map[string]string{}, "a pool created without tags")
}

func TestTagsOnWrongARNs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := e.pool()
	arn := aws.ToString(up.Arn)
	if want := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + aws.ToString(up.Id); arn != want {
		t.Fatalf("pool ARN %q, want %q", arn, want)
	}
	missing := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_missing"
	_, err := e.listTags(missing)
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_missing does not exist.")
	_, err = e.SDK.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(missing), Tags: map[string]string{"a": "b"}})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_missing does not exist.")
	for _, bad := range []string{
		"arn:aws:cognito-identity:us-east-1:000000000000:identitypool/us-east-1:abc", // another service
		"arn:aws:cognito-idp:us-east-1:000000000000:userpool",                        // no pool ID
		"arn:aws:cognito-idp:eu-west-1:000000000000:userpool/" + aws.ToString(up.Id), // another region
		"arn:aws:cognito-idp:us-east-1:111111111111:userpool/" + aws.ToString(up.Id), // another account
	} {
		_, err := e.listTags(bad)
		wantAPICode(t, err, "InvalidParameterException")
		_, err = e.SDK.UntagResource(t.Context(), &cip.UntagResourceInput{ResourceArn: aws.String(bad), TagKeys: []string{"a"}})
		wantAPICode(t, err, "InvalidParameterException")
	}
	e.wantTags(aws.ToString(up.Id), arn, map[string]string{}, "the pool after the failed calls")
}
