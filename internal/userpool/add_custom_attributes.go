package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// AddCustomAttributesInput is the AddCustomAttributes request.
type AddCustomAttributesInput struct {
	UserPoolId       string                `json:"UserPoolId"`
	CustomAttributes []SchemaAttributeType `json:"CustomAttributes"`
}

// AddCustomAttributes declares more custom attributes on a pool, under the
// rules of CreateUserPool's Schema (schema_custom.go). It is the only way
// a pool's schema changes; the Terraform provider calls it when schema
// blocks are only added to an aws_cognito_user_pool.
func (s *Service) AddCustomAttributes(ctx context.Context, in *AddCustomAttributesInput) (*Empty, error) {
	err := s.store.Tx(ctx, func(tx store.Store) error {
		p, err := s.loadPool(ctx, tx, in.UserPoolId)
		if err != nil {
			return err
		}
		doc := *p.doc // a shallow copy: cached documents are never modified
		schema, err := addCustom(doc.SchemaAttributes, in.CustomAttributes)
		if err != nil {
			return err
		}
		doc.SchemaAttributes = schema
		rec := *p.rec
		rec.UpdatedAt = s.now() // the schema is the pool's own: LastModifiedDate moves
		return s.savePoolDoc(ctx, tx, &rec, &doc)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errPoolNotFound(in.UserPoolId)
	}
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}
