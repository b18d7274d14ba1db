package userpool

import (
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/store"
)

// This file holds the small client-administration operations, which differ
// only in what they do with the loaded client.

// DescribeUserPoolClientInput is the DescribeUserPoolClient request.
type DescribeUserPoolClientInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

// DescribeUserPoolClientOutput is the DescribeUserPoolClient response.
type DescribeUserPoolClientOutput struct {
	UserPoolClient *UserPoolClientType `json:"UserPoolClient"`
}

// DescribeUserPoolClient returns a client with its settings and secret.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *DescribeUserPoolClientInput) (*DescribeUserPoolClientOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return &DescribeUserPoolClientOutput{UserPoolClient: clientType(c.rec, c.doc, c.primarySecret())}, nil
}

// UpdateUserPoolClientInput is the UpdateUserPoolClient request.
type UpdateUserPoolClientInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
	ClientName string `json:"ClientName"`
	ClientSettings
}

// UpdateUserPoolClientOutput is the UpdateUserPoolClient response.
type UpdateUserPoolClientOutput struct {
	UserPoolClient *UserPoolClientType `json:"UserPoolClient"`
}

// UpdateUserPoolClient replaces the client's settings; as with
// UpdateUserPool, omitted members return to their defaults (AWS API
// reference). What other operations own (secrets, risk configuration)
// is kept, in the same transaction.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *UpdateUserPoolClientInput) (*UpdateUserPoolClientOutput, error) {
	// Providers and scopes are checked before the transaction: reads of
	// other records, and the answer does not depend on the client's own state.
	if err := s.checkOAuth(ctx, in.UserPoolId, &in.ClientSettings); err != nil {
		return nil, err
	}
	var out *UpdateUserPoolClientOutput
	err := s.store.Tx(ctx, func(tx store.Store) error {
		c, err := s.loadPoolClientIn(ctx, tx, in.UserPoolId, in.ClientId)
		if err != nil {
			return err
		}
		in.ClientSettings.applyDefaults() // idempotent: the store may run this twice
		if err := in.ClientSettings.checkValidity(); err != nil {
			return err
		}
		if err := c.pool.doc.checkClientAttributes(&in.ClientSettings, clientUpdating); err != nil {
			return err
		}
		doc := *c.cdoc
		doc.ClientSettings = in.ClientSettings
		cfg, err := json.Marshal(&doc)
		if err != nil {
			return err
		}
		rec := *c.rec
		rec.Config, rec.UpdatedAt = cfg, s.now()
		if in.ClientName != "" {
			rec.Name = in.ClientName
		}
		out = &UpdateUserPoolClientOutput{UserPoolClient: clientType(&rec, &in.ClientSettings, c.primarySecret())}
		return tx.UpdateClient(ctx, &rec)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPoolClientInput is the DeleteUserPoolClient request.
type DeleteUserPoolClientInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

// DeleteUserPoolClient removes a client.
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *DeleteUserPoolClientInput) (*Empty, error) {
	if _, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	return &Empty{}, s.store.DeleteClient(ctx, in.ClientId)
}

// ListUserPoolClientsInput is the ListUserPoolClients request.
type ListUserPoolClientsInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int32  `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

// UserPoolClientDescription is one entry of ListUserPoolClients.
type UserPoolClientDescription struct {
	ClientId   string `json:"ClientId"`
	UserPoolId string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

// ListUserPoolClientsOutput is the ListUserPoolClients response.
type ListUserPoolClientsOutput struct {
	UserPoolClients []UserPoolClientDescription `json:"UserPoolClients"`
	NextToken       string                      `json:"NextToken,omitempty"`
}

// ListUserPoolClients pages through a pool's clients (MaxResults defaults to 60).
func (s *Service) ListUserPoolClients(ctx context.Context, in *ListUserPoolClientsInput) (*ListUserPoolClientsOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(in.MaxResults)
	if limit == 0 {
		limit = 60
	}
	recs, err := s.store.ListClients(ctx, in.UserPoolId, after, limit+1)
	if err != nil {
		return nil, err
	}
	recs, next := page(recs, limit, func(c *store.Client) string { return c.ID })
	out := &ListUserPoolClientsOutput{UserPoolClients: []UserPoolClientDescription{}, NextToken: next}
	for _, r := range recs {
		out.UserPoolClients = append(out.UserPoolClients, UserPoolClientDescription{ClientId: r.ID, UserPoolId: r.PoolID, ClientName: r.Name})
	}
	return out, nil
}
