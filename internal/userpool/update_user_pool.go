package userpool

import (
	"context"
	"encoding/json"
)

// UpdateUserPoolInput is the UpdateUserPool request.
type UpdateUserPoolInput struct {
	UserPoolId string `json:"UserPoolId"`
	PoolName   string `json:"PoolName"`
	PoolSettings
}

// UpdateUserPool replaces the pool's mutable settings. As in Cognito, every
// member the request omits returns to its default (the AWS API reference
// warns about exactly this); immutable settings (schema, alias and username
// attributes, case sensitivity) are kept.
func (s *Service) UpdateUserPool(ctx context.Context, in *UpdateUserPoolInput) (*Empty, error) {
	if err := checkPoolSettings(&in.PoolSettings); err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	doc := &poolDoc{PoolSettings: in.PoolSettings, ImmutablePoolSettings: p.doc.ImmutablePoolSettings}
	if doc.UserPoolTags == nil {
		doc.UserPoolTags = p.doc.UserPoolTags // tags are managed by TagResource, not reset here
	}
	doc.applyDefaults()
	if err := doc.settleMfa(p.doc.MFA); err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	rec := *p.rec
	rec.Config, rec.UpdatedAt = cfg, s.now()
	if in.PoolName != "" {
		rec.Name = in.PoolName
	}
	return &Empty{}, s.store.UpdatePool(ctx, &rec)
}
