package userpool

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/userpool/userpool/internal/store"
)

// CreateUserPoolInput is the CreateUserPool request.
type CreateUserPoolInput struct {
	PoolName              string                     `json:"PoolName"`
	Schema                []SchemaAttributeType      `json:"Schema"`
	AliasAttributes       []string                   `json:"AliasAttributes"`
	UsernameAttributes    []string                   `json:"UsernameAttributes"`
	UsernameConfiguration *UsernameConfigurationType `json:"UsernameConfiguration"`
	PoolSettings
}

// CreateUserPoolOutput is the CreateUserPool response.
type CreateUserPoolOutput struct {
	UserPool *UserPoolType `json:"UserPool"`
}

// CreateUserPool creates a pool with Cognito's defaults for every omitted member.
func (s *Service) CreateUserPool(ctx context.Context, in *CreateUserPoolInput) (*CreateUserPoolOutput, error) {
	if len(in.AliasAttributes) > 0 && len(in.UsernameAttributes) > 0 {
		return nil, errAliasAndUsername
	}
	if err := checkPoolSettings(&in.PoolSettings); err != nil {
		return nil, err
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	doc := &poolDoc{PoolSettings: in.PoolSettings, ImmutablePoolSettings: ImmutablePoolSettings{
		SchemaAttributes: schema, AliasAttributes: in.AliasAttributes,
		UsernameAttributes: in.UsernameAttributes, UsernameConfiguration: in.UsernameConfiguration}}
	doc.applyDefaults()
	if err := doc.settleMfa(nil); err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec := &store.Pool{ID: s.newPoolID(), Name: in.PoolName, Config: cfg, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreatePool(ctx, rec); err != nil {
		return nil, err
	}
	up, err := s.describe(ctx, s.store, &poolView{ID: rec.ID, rec: rec, doc: doc})
	if err != nil {
		return nil, err
	}
	return &CreateUserPoolOutput{UserPool: up}, nil
}

// checkPoolSettings applies the cross-member rules the model cannot express.
func checkPoolSettings(p *PoolSettings) error {
	if rs := p.AccountRecoverySetting; rs != nil {
		names := []string{}
		prios := []int32{}
		for _, m := range rs.RecoveryMechanisms {
			if slices.Contains(names, m.Name) || slices.Contains(prios, m.Priority) {
				return errRecoveryDuplicates
			}
			names, prios = append(names, m.Name), append(prios, m.Priority)
		}
		// spec §2.4: admin_only cannot be combined with anything else (DOC).
		if slices.Contains(names, "admin_only") && len(names) > 1 {
			return errAdminOnlyCombined
		}
	}
	for _, a := range p.AutoVerifiedAttributes {
		if a != "email" && a != "phone_number" {
			return errAutoVerifiedAttribute(a)
		}
	}
	return nil
}
