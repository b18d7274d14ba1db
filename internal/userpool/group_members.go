package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// Group membership (issue 16): AdminAddUserToGroup,
// AdminRemoveUserFromGroup, AdminListGroupsForUser and ListUsersInGroup.
// The user is named as in every Admin* operation (username, alias or sub)
// and the membership is kept under the stored username.

// GroupMemberInput is the request of AdminAddUserToGroup and
// AdminRemoveUserFromGroup.
type GroupMemberInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	GroupName  string `json:"GroupName"`
}

// memberAt resolves the group, then the user, in st. Which of the two
// Cognito checks first when both are missing is UNVERIFIED; a missing
// group answers "Group not found." as observed on AdminAddUserToGroup
// (errors.go).
func (s *Service) memberAt(ctx context.Context, st store.Store, in *GroupMemberInput) (*store.User, error) {
	if _, err := s.groupAt(ctx, st, in.UserPoolId, in.GroupName); err != nil {
		return nil, err
	}
	_, u, err := s.poolUser(ctx, st, in.UserPoolId, in.Username)
	return u, err
}

// AdminAddUserToGroup adds the user to the group; adding a member again
// succeeds and changes nothing.
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *GroupMemberInput) (*Empty, error) {
	return s.changeMembership(ctx, in, store.Store.AddUserToGroup)
}

// AdminRemoveUserFromGroup removes the user from the group; removing a
// user who is not in it succeeds (the group and the user must exist).
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *GroupMemberInput) (*Empty, error) {
	return s.changeMembership(ctx, in, store.Store.RemoveUserFromGroup)
}

// changeMembership resolves the group and the user and applies change
// (a store method) to them, in one transaction.
func (s *Service) changeMembership(ctx context.Context, in *GroupMemberInput,
	change func(st store.Store, ctx context.Context, poolID, group, username string) error) (*Empty, error) {
	err := s.store.Tx(ctx, func(tx store.Store) error {
		u, err := s.memberAt(ctx, tx, in)
		if err != nil {
			return err
		}
		return change(tx, ctx, in.UserPoolId, in.GroupName, u.Username)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// AdminListGroupsForUserInput is the AdminListGroupsForUser request.
type AdminListGroupsForUserInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Limit      int32  `json:"Limit"`
	NextToken  string `json:"NextToken"`
}

// AdminListGroupsForUser pages through the user's groups in name order
// (Cognito documents no order; name order keeps the cursor stable).
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *AdminListGroupsForUserInput) (*GroupsOutput, error) {
	_, u, err := s.poolUser(ctx, s.store, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return listGroupPage(in.Limit, in.NextToken, func(after string, n int) ([]*store.Group, error) {
		return s.store.ListUserGroups(ctx, in.UserPoolId, u.Username, after, n)
	})
}

// ListUsersInGroupInput is the ListUsersInGroup request.
type ListUsersInGroupInput struct {
	UserPoolId string `json:"UserPoolId"`
	GroupName  string `json:"GroupName"`
	Limit      int32  `json:"Limit"`
	NextToken  string `json:"NextToken"`
}

// ListUsersInGroupOutput is the ListUsersInGroup response.
type ListUsersInGroupOutput struct {
	Users     []*UserType `json:"Users"`
	NextToken string      `json:"NextToken,omitempty"`
}

// ListUsersInGroup pages through the group's members in username order,
// each as ListUsers shows a user.
func (s *Service) ListUsersInGroup(ctx context.Context, in *ListUsersInGroupInput) (*ListUsersInGroupOutput, error) {
	if _, err := s.groupAt(ctx, s.store, in.UserPoolId, in.GroupName); err != nil {
		return nil, err
	}
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	n := pageLimit(in.Limit, defaultGroupLimit)
	users, err := s.store.ListGroupUsers(ctx, in.UserPoolId, in.GroupName, after, n+1)
	if err != nil {
		return nil, err
	}
	users, next := page(users, n, func(u *store.User) string { return u.Username })
	out := &ListUsersInGroupOutput{Users: []*UserType{}, NextToken: next}
	for _, u := range users {
		out.Users = append(out.Users, userType(u))
	}
	return out, nil
}
