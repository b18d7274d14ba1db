package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// Groups of a user pool (issue 16): CreateGroup, GetGroup, UpdateGroup,
// DeleteGroup and ListGroups. A group's precedence may be null (absent),
// which ranks after every number; its members are in group_members.go and
// its claims in tokens in group_claims.go.

// GroupType is Cognito's group. Description, RoleArn and Precedence are
// left out when the group has none, as Cognito returns them (the SDKs
// then give nil, and the Terraform provider reads 0 and "").
type GroupType struct {
	GroupName        string     `json:"GroupName"`
	UserPoolId       string     `json:"UserPoolId"`
	Description      string     `json:"Description,omitempty"`
	RoleArn          string     `json:"RoleArn,omitempty"`
	Precedence       *int64     `json:"Precedence,omitempty"`
	LastModifiedDate *Timestamp `json:"LastModifiedDate"`
	CreationDate     *Timestamp `json:"CreationDate"`
}

func groupType(g *store.Group) *GroupType {
	return &GroupType{GroupName: g.Name, UserPoolId: g.PoolID, Description: g.Description, RoleArn: g.RoleArn,
		Precedence: g.Precedence, LastModifiedDate: ts(g.UpdatedAt), CreationDate: ts(g.CreatedAt)}
}

// GroupInput names a group; GetGroup and DeleteGroup take only this.
type GroupInput struct {
	UserPoolId string `json:"UserPoolId"`
	GroupName  string `json:"GroupName"`
}

// CreateGroupInput is the CreateGroup request, and UpdateGroup's: a member
// the request leaves out is nil.
type CreateGroupInput struct {
	GroupInput
	Description *string `json:"Description"`
	RoleArn     *string `json:"RoleArn"`
	Precedence  *int64  `json:"Precedence"`
}

// GroupOutput is the response of CreateGroup, GetGroup and UpdateGroup.
type GroupOutput struct {
	Group *GroupType `json:"Group"`
}

// groupAt loads the pool (ResourceNotFoundException naming it) and then
// the group ("Group not found.").
func (s *Service) groupAt(ctx context.Context, st store.Store, poolID, name string) (*store.Group, error) {
	if _, err := s.loadPool(ctx, st, poolID); err != nil {
		return nil, err
	}
	g, err := st.GetGroup(ctx, poolID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errGroupNotFound
	}
	return g, err
}

// CreateGroup adds a group to a pool; a taken name is GroupExistsException.
func (s *Service) CreateGroup(ctx context.Context, in *CreateGroupInput) (*GroupOutput, error) {
	now := s.now()
	g := &store.Group{PoolID: in.UserPoolId, Name: in.GroupName, Precedence: in.Precedence,
		Description: deref(in.Description), RoleArn: deref(in.RoleArn), CreatedAt: now, UpdatedAt: now}
	err := s.store.Tx(ctx, func(tx store.Store) error {
		if _, err := s.loadPool(ctx, tx, in.UserPoolId); err != nil {
			return err
		}
		err := tx.CreateGroup(ctx, g)
		if errors.Is(err, store.ErrConflict) {
			return errGroupExists(in.GroupName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GroupOutput{Group: groupType(g)}, nil
}

// GetGroup returns one group.
func (s *Service) GetGroup(ctx context.Context, in *GroupInput) (*GroupOutput, error) {
	g, err := s.groupAt(ctx, s.store, in.UserPoolId, in.GroupName)
	if err != nil {
		return nil, err
	}
	return &GroupOutput{Group: groupType(g)}, nil
}

// UpdateGroup changes the members the request carries and keeps the
// others: the Terraform provider sends only what changed, so a member left
// out must not fall back to a default.
func (s *Service) UpdateGroup(ctx context.Context, in *CreateGroupInput) (*GroupOutput, error) {
	now := s.now()
	var out *store.Group
	err := s.store.Tx(ctx, func(tx store.Store) error {
		g, err := s.groupAt(ctx, tx, in.UserPoolId, in.GroupName)
		if err != nil {
			return err
		}
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = *in.RoleArn
		}
		if in.Precedence != nil {
			g.Precedence = in.Precedence
		}
		g.UpdatedAt = now
		out = g
		return tx.UpdateGroup(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return &GroupOutput{Group: groupType(out)}, nil
}

// DeleteGroup removes a group; its members stay, outside it.
func (s *Service) DeleteGroup(ctx context.Context, in *GroupInput) (*Empty, error) {
	err := s.store.Tx(ctx, func(tx store.Store) error {
		if _, err := s.groupAt(ctx, tx, in.UserPoolId, in.GroupName); err != nil {
			return err
		}
		return tx.DeleteGroup(ctx, in.UserPoolId, in.GroupName)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListGroupsInput is the ListGroups request.
type ListGroupsInput struct {
	UserPoolId string `json:"UserPoolId"`
	Limit      int32  `json:"Limit"`
	NextToken  string `json:"NextToken"`
}

// GroupsOutput is the response of ListGroups and AdminListGroupsForUser.
type GroupsOutput struct {
	Groups    []*GroupType `json:"Groups"`
	NextToken string       `json:"NextToken,omitempty"`
}

// defaultGroupLimit is the page size when Limit is absent (0): the
// model's maximum, as ListUsers uses (UNVERIFIED: Cognito documents none).
const defaultGroupLimit = 60

// ListGroups pages through a pool's groups in name (byte) order.
func (s *Service) ListGroups(ctx context.Context, in *ListGroupsInput) (*GroupsOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	return listGroupPage(in.Limit, in.NextToken, func(after string, n int) ([]*store.Group, error) {
		return s.store.ListGroups(ctx, in.UserPoolId, after, n)
	})
}

// listGroupPage reads one page through list (called with the cursor and
// the page size plus one) and shapes it.
func listGroupPage(limit int32, token string, list func(after string, n int) ([]*store.Group, error)) (*GroupsOutput, error) {
	after, err := decodePageToken(token)
	if err != nil {
		return nil, err
	}
	n := pageLimit(limit, defaultGroupLimit)
	recs, err := list(after, n+1)
	if err != nil {
		return nil, err
	}
	recs, next := page(recs, n, func(g *store.Group) string { return g.Name })
	out := &GroupsOutput{Groups: []*GroupType{}, NextToken: next}
	for _, g := range recs {
		out.Groups = append(out.Groups, groupType(g))
	}
	return out, nil
}

// pageLimit is a request's Limit, or def when it is absent (0).
func pageLimit(limit int32, def int) int {
	if limit == 0 {
		return def
	}
	return int(limit)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
