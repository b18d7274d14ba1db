package server_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Group membership (issue 16): AdminAddUserToGroup,
// AdminRemoveUserFromGroup, AdminListGroupsForUser and ListUsersInGroup.

func (e *env) addToGroup(poolID, group, username string) error {
	_, err := e.SDK.AdminAddUserToGroup(e.t.Context(), &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(poolID),
		GroupName: aws.String(group), Username: aws.String(username)})
	return err
}

func (e *env) removeFromGroup(poolID, group, username string) error {
	_, err := e.SDK.AdminRemoveUserFromGroup(e.t.Context(), &cip.AdminRemoveUserFromGroupInput{UserPoolId: aws.String(poolID),
		GroupName: aws.String(group), Username: aws.String(username)})
	return err
}

// groupsOf pages through AdminListGroupsForUser with limit and returns the
// group names.
func (e *env) groupsOf(poolID, username string, limit int32) []string {
	e.t.Helper()
	var names []string
	var next *string
	for {
		out, err := e.SDK.AdminListGroupsForUser(e.t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(poolID),
			Username: aws.String(username), Limit: aws.Int32(limit), NextToken: next})
		ok(e.t, err, "AdminListGroupsForUser "+username)
		for _, g := range out.Groups {
			names = append(names, aws.ToString(g.GroupName))
		}
		if next = out.NextToken; next == nil {
			return names
		}
	}
}

// membersOf pages through ListUsersInGroup with limit.
func (e *env) membersOf(poolID, group string, limit int32) []types.UserType {
	e.t.Helper()
	var users []types.UserType
	var next *string
	for {
		out, err := e.SDK.ListUsersInGroup(e.t.Context(), &cip.ListUsersInGroupInput{UserPoolId: aws.String(poolID),
			GroupName: aws.String(group), Limit: aws.Int32(limit), NextToken: next})
		ok(e.t, err, "ListUsersInGroup "+group)
		users = append(users, out.Users...)
		if next = out.NextToken; next == nil {
			return users
		}
	}
}

func TestGroupMembership(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
	}).Id)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "alice@example.com"), attr("email_verified", "true"))
	e.confirmedUser(poolID, "bob", goodPassword)
	e.confirmedUser(poolID, "carol", goodPassword)
	for _, g := range []string{"readers", "admins", "writers"} {
		e.group(poolID, g, ranked(1, g))
	}
	ok(t, e.addToGroup(poolID, "readers", "alice"), "add alice to readers")
	ok(t, e.addToGroup(poolID, "admins", "alice@example.com"), "add alice by her email alias")
	ok(t, e.addToGroup(poolID, "admins", "alice"), "add alice to admins again")
	ok(t, e.addToGroup(poolID, "writers", "alice"), "add alice to writers")
	for _, u := range []string{"carol", "bob"} {
		ok(t, e.addToGroup(poolID, "admins", u), "add "+u)
	}
	if got := e.groupsOf(poolID, "alice", 2); !slices.Equal(got, []string{"admins", "readers", "writers"}) {
		t.Errorf("alice's groups %v", got)
	}
	members := e.membersOf(poolID, "admins", 2)
	if got := usernames(members); !slices.Equal(got, []string{"alice", "bob", "carol"}) {
		t.Errorf("admins %v", got)
	}
	if v, _ := attrValue(members[0].Attributes, "email"); v != "alice@example.com" || !members[0].Enabled ||
		members[0].UserStatus != types.UserStatusTypeConfirmed || members[0].UserCreateDate == nil {
		t.Errorf("ListUsersInGroup's user is not a whole UserType: %+v", members[0])
	}

	wantAPIError(t, e.addToGroup(poolID, "admins", "nobody"), "UserNotFoundException", "User does not exist.")
	wantAPIError(t, e.addToGroup(poolID, "missing", "alice"), "ResourceNotFoundException", "Group not found.")
	wantAPIError(t, e.removeFromGroup(poolID, "admins", "nobody"), "UserNotFoundException", "User does not exist.")
	wantAPIError(t, e.removeFromGroup(poolID, "missing", "alice"), "ResourceNotFoundException", "Group not found.")
	_, err := e.SDK.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(poolID),
		Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.SDK.ListUsersInGroup(t.Context(), &cip.ListUsersInGroupInput{UserPoolId: aws.String(poolID),
		GroupName: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")

	ok(t, e.removeFromGroup(poolID, "admins", "alice@example.com"), "remove alice by alias")
	ok(t, e.removeFromGroup(poolID, "admins", "alice"), "remove alice again")
	if got := e.groupsOf(poolID, "alice", 60); !slices.Equal(got, []string{"readers", "writers"}) {
		t.Errorf("alice's groups after the removal %v", got)
	}
	// A deleted group leaves nobody in it; a deleted user leaves no group
	// behind, so a new user of the same name starts in none.
	_, err = e.SDK.DeleteGroup(t.Context(), &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("readers")})
	ok(t, err, "DeleteGroup")
	if got := e.groupsOf(poolID, "alice", 60); !slices.Equal(got, []string{"writers"}) {
		t.Errorf("alice's groups after DeleteGroup %v", got)
	}
	_, err = e.SDK.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob")})
	ok(t, err, "AdminDeleteUser")
	e.confirmedUser(poolID, "bob", goodPassword)
	if got := e.groupsOf(poolID, "bob", 60); len(got) != 0 {
		t.Errorf("a re-created bob is in %v", got)
	}
	if got := usernames(e.membersOf(poolID, "admins", 60)); !slices.Equal(got, []string{"carol"}) {
		t.Errorf("admins after the deletions %v", got)
	}
}
