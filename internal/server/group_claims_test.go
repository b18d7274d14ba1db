package server_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// The group claims of ID and access tokens (issue 16), decoded and checked
// against the JWKS independently of the server.

// tokenClaims signs alice in (or refreshes) and returns the verified claims of
// the access and the id token.
func (e *env) tokenClaims(poolID, clientID string, refresh string) (access, id map[string]any) {
	e.t.Helper()
	var at, it string
	if refresh == "" {
		res := e.signIn(clientID, "alice", goodPassword)
		at, it = aws.ToString(res.AccessToken), aws.ToString(res.IdToken)
	} else {
		out, err := e.refresh(clientID, refresh)
		ok(e.t, err, "refresh")
		at, it = aws.ToString(out.AuthenticationResult.AccessToken), aws.ToString(out.AuthenticationResult.IdToken)
	}
	issuer := e.URL + "/" + poolID
	set := fetchJWKS(e.t, issuer)
	return verifyToken(e.t, set, issuer, at, time.Now()).claims, verifyToken(e.t, set, issuer, it, time.Now()).claims
}

// claimStrings returns a claim that must be a JSON array of strings.
func claimStrings(t *testing.T, c map[string]any, name string) []string {
	t.Helper()
	raw, has := c[name]
	if !has {
		return nil
	}
	arr, isArr := raw.([]any)
	if !isArr {
		t.Fatalf("%s is %#v, want a JSON array", name, raw)
	}
	out := []string{}
	for _, v := range arr {
		s, isStr := v.(string)
		if !isStr {
			t.Fatalf("%s holds %#v, want strings", name, v)
		}
		out = append(out, s)
	}
	return out
}

func TestGroupClaimsInTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword)

	// No group: no group claim at all (Cognito omits it).
	access, id := e.tokenClaims(poolID, clientID, "")
	for _, name := range []string{"cognito:groups", "cognito:roles", "cognito:preferred_role"} {
		if _, has := id[name]; has {
			t.Errorf("id token of a user in no group has %s", name)
		}
		if _, has := access[name]; has {
			t.Errorf("access token of a user in no group has %s", name)
		}
	}

	e.group(poolID, "low", ranked(5, "low"))
	e.group(poolID, "high", ranked(1, "high"))
	e.group(poolID, "unranked", func(in *cip.CreateGroupInput) { in.RoleArn = aws.String(roleArn + "unranked") })
	e.group(poolID, "norole", ranked(0, ""))
	e.group(poolID, "bystander", ranked(0, "bystander")) // alice is not in it
	for _, g := range []string{"unranked", "low", "norole", "high"} {
		ok(t, e.addToGroup(poolID, g, "alice"), "add alice to "+g)
	}
	res := e.signIn(clientID, "alice", goodPassword)
	refresh := aws.ToString(res.RefreshToken)
	access, id = e.tokenClaims(poolID, clientID, "")
	wantGroups := []string{"norole", "high", "low", "unranked"} // by precedence, null last
	if got := claimStrings(t, id, "cognito:groups"); !slices.Equal(got, wantGroups) {
		t.Errorf("id cognito:groups %v, want %v", got, wantGroups)
	}
	if got := claimStrings(t, access, "cognito:groups"); !slices.Equal(got, wantGroups) {
		t.Errorf("access cognito:groups %v, want %v", got, wantGroups)
	}
	wantRoles := []string{roleArn + "high", roleArn + "low", roleArn + "unranked"}
	if got := claimStrings(t, id, "cognito:roles"); !slices.Equal(got, wantRoles) {
		t.Errorf("cognito:roles %v, want %v", got, wantRoles)
	}
	// The highest-precedence group with a role: norole ranks first but has none.
	if got := str(id, "cognito:preferred_role"); got != roleArn+"high" {
		t.Errorf("cognito:preferred_role %q, want the high group's role", got)
	}
	for _, name := range []string{"cognito:roles", "cognito:preferred_role"} {
		if _, has := access[name]; has {
			t.Errorf("access token has %s; Cognito puts roles in the id token only", name)
		}
	}

	// Two groups of the same precedence with different roles: no preferred
	// role; with the same role, that role. Refreshed tokens follow the
	// current memberships.
	e.group(poolID, "peer", ranked(1, "peer"))
	ok(t, e.addToGroup(poolID, "peer", "alice"), "add alice to peer")
	_, id = e.tokenClaims(poolID, clientID, refresh)
	if _, has := id["cognito:preferred_role"]; has {
		t.Errorf("preferred_role %v despite a tie of different roles", id["cognito:preferred_role"])
	}
	if got := claimStrings(t, id, "cognito:groups"); !slices.Equal(got, []string{"norole", "high", "peer", "low", "unranked"}) {
		t.Errorf("groups with a tie %v, want the tie in name order", got)
	}
	_, err := e.SDK.UpdateGroup(t.Context(), &cip.UpdateGroupInput{UserPoolId: aws.String(poolID),
		GroupName: aws.String("peer"), RoleArn: aws.String(roleArn + "high")})
	ok(t, err, "UpdateGroup peer")
	_, id = e.tokenClaims(poolID, clientID, refresh)
	if got := str(id, "cognito:preferred_role"); got != roleArn+"high" {
		t.Errorf("preferred_role %q with a tie of one role", got)
	}
	if got := claimStrings(t, id, "cognito:roles"); !slices.Equal(got, wantRoles) {
		t.Errorf("cognito:roles %v, want each role once: %v", got, wantRoles)
	}

	// Only unranked groups with roles: the preferred role is theirs when
	// they agree (UNVERIFIED corner: Cognito documents only ranked ties).
	for _, g := range []string{"low", "norole", "high", "peer"} {
		ok(t, e.removeFromGroup(poolID, g, "alice"), "remove alice from "+g)
	}
	access, id = e.tokenClaims(poolID, clientID, refresh)
	if got := claimStrings(t, access, "cognito:groups"); !slices.Equal(got, []string{"unranked"}) {
		t.Errorf("access groups after the removals %v", got)
	}
	if got := str(id, "cognito:preferred_role"); got != roleArn+"unranked" {
		t.Errorf("preferred_role %q of a single unranked group", got)
	}
}
