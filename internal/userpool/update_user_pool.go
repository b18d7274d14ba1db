package userpool

import (
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/store"
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
	// One transaction: a concurrent operation owning part of the document
	// (SetUserPoolMfaConfig, SetRiskConfiguration...) is not lost.
	err := s.store.Tx(ctx, func(tx store.Store) error {
		p, err := s.loadPool(ctx, tx, in.UserPoolId)
		if err != nil {
			return err
		}
		// A shallow copy keeps the immutable settings and what other
		// operations own (MFA factors, risk and log delivery configurations).
		kept := *p.doc
		doc := &kept
		doc.PoolSettings = in.PoolSettings
		if doc.UserPoolTags == nil {
			doc.UserPoolTags = p.doc.UserPoolTags // tags are managed by TagResource, not reset here
		}
		doc.applyDefaults() // idempotent: the store may run this callback twice
		if err := doc.settleMfa(p.doc.MFA); err != nil {
			return err
		}
		cfg, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		rec := *p.rec
		rec.Config, rec.UpdatedAt = cfg, s.now()
		if in.PoolName != "" {
			rec.Name = in.PoolName
		}
		return tx.UpdatePool(ctx, &rec)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}
