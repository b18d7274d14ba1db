package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// Resource servers (issue 16): custom OAuth scopes "<Identifier>/<ScopeName>"
// that app clients may allow (client_oauth.go) and issue 17 grants.

// ResourceServerScopeType is one custom scope.
type ResourceServerScopeType struct {
	ScopeName        string `json:"ScopeName"`
	ScopeDescription string `json:"ScopeDescription"`
}

// resourceServerDoc is the stored resource server.
type resourceServerDoc struct {
	Name   string                    `json:"Name"`
	Scopes []ResourceServerScopeType `json:"Scopes"`
}

// ResourceServerType is a resource server as Cognito describes it.
type ResourceServerType struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []ResourceServerScopeType `json:"Scopes"`
}

// ResourceServerOutput is the response of the operations on one server.
type ResourceServerOutput struct {
	ResourceServer *ResourceServerType `json:"ResourceServer"`
}

func resourceServerType(it *store.PoolItem, d *resourceServerDoc) *ResourceServerType {
	scopes := d.Scopes
	if scopes == nil {
		scopes = []ResourceServerScopeType{}
	}
	return &ResourceServerType{UserPoolId: it.PoolID, Identifier: it.Name, Name: d.Name, Scopes: scopes}
}

// ResourceServerInput is the Create and Update request.
type ResourceServerInput struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []ResourceServerScopeType `json:"Scopes"`
}

// CreateResourceServer adds a resource server; identifiers are unique in the pool.
func (s *Service) CreateResourceServer(ctx context.Context, in *ResourceServerInput) (*ResourceServerOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	doc := &resourceServerDoc{Name: in.Name, Scopes: in.Scopes}
	it, err := newItem(in.UserPoolId, kindResourceServer, in.Identifier, doc, s.now())
	if err != nil {
		return nil, err
	}
	err = s.store.CreatePoolItem(ctx, it)
	if errors.Is(err, store.ErrConflict) {
		return nil, errResourceServerExists(in.Identifier)
	}
	if err != nil {
		return nil, notFoundAs(err, errPoolNotFound(in.UserPoolId))
	}
	return &ResourceServerOutput{ResourceServer: resourceServerType(it, doc)}, nil
}

// loadResourceServer returns a pool's resource server or the pool's or the
// server's ResourceNotFoundException.
func (s *Service) loadResourceServer(ctx context.Context, st store.Store, poolID, id string) (*store.PoolItem, *resourceServerDoc, error) {
	if _, err := s.loadPool(ctx, st, poolID); err != nil {
		return nil, nil, err
	}
	it, doc, err := getItem[resourceServerDoc](ctx, st, poolID, kindResourceServer, id)
	return it, doc, notFoundAs(err, errResourceServerNotFound(id))
}

// UpdateResourceServer replaces the name and the scopes (omitted scopes:
// none, as the API reference warns).
func (s *Service) UpdateResourceServer(ctx context.Context, in *ResourceServerInput) (*ResourceServerOutput, error) {
	var out *ResourceServerType
	err := s.store.Tx(ctx, func(st store.Store) error {
		it, _, err := s.loadResourceServer(ctx, st, in.UserPoolId, in.Identifier)
		if err != nil {
			return err
		}
		doc := &resourceServerDoc{Name: in.Name, Scopes: in.Scopes}
		if err := saveItem(ctx, st, it, doc, s.now()); err != nil {
			return notFoundAs(err, errResourceServerNotFound(in.Identifier))
		}
		out = resourceServerType(it, doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ResourceServerOutput{ResourceServer: out}, nil
}

// ResourceServerKey names one server (Describe, Delete).
type ResourceServerKey struct {
	UserPoolId string `json:"UserPoolId"`
	Identifier string `json:"Identifier"`
}

// DescribeResourceServer returns a resource server.
func (s *Service) DescribeResourceServer(ctx context.Context, in *ResourceServerKey) (*ResourceServerOutput, error) {
	it, doc, err := s.loadResourceServer(ctx, s.store, in.UserPoolId, in.Identifier)
	if err != nil {
		return nil, err
	}
	return &ResourceServerOutput{ResourceServer: resourceServerType(it, doc)}, nil
}

// DeleteResourceServer removes a resource server. Clients that allowed its
// scopes keep them (Cognito deletes cleanly: cloudformation-coverage-roadmap#173).
func (s *Service) DeleteResourceServer(ctx context.Context, in *ResourceServerKey) (*Empty, error) {
	if _, _, err := s.loadResourceServer(ctx, s.store, in.UserPoolId, in.Identifier); err != nil {
		return nil, err
	}
	err := s.store.DeletePoolItem(ctx, in.UserPoolId, kindResourceServer, in.Identifier)
	if err != nil {
		return nil, notFoundAs(err, errResourceServerNotFound(in.Identifier))
	}
	return &Empty{}, nil
}

// ListResourceServersInput is the ListResourceServers request.
type ListResourceServersInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int32  `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

// ListResourceServersOutput is the ListResourceServers response.
type ListResourceServersOutput struct {
	ResourceServers []*ResourceServerType `json:"ResourceServers"`
	NextToken       string                `json:"NextToken,omitempty"`
}

// ListResourceServers pages through a pool's servers by identifier
// (MaxResults up to 50, the default).
func (s *Service) ListResourceServers(ctx context.Context, in *ListResourceServersInput) (*ListResourceServersOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	recs, next, err := pageItems(ctx, s.store, in.UserPoolId, kindResourceServer, in.NextToken, in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	out := &ListResourceServersOutput{ResourceServers: []*ResourceServerType{}, NextToken: next}
	for _, it := range recs {
		doc, err := decodeItem[resourceServerDoc](it)
		if err != nil {
			return nil, err
		}
		out.ResourceServers = append(out.ResourceServers, resourceServerType(it, doc))
	}
	return out, nil
}
