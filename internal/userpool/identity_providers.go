package userpool

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/userpool/userpool/internal/store"
)

// Identity providers of a pool (issue 16): stored as Cognito answers them
// (idp_details.go); federation itself is issue 17's.

// idpMembers are what requests set and responses answer of a provider.
type idpMembers struct {
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers"`
}

// idpDoc is the stored identity provider.
type idpDoc struct {
	ProviderType string `json:"ProviderType"`
	idpMembers
}

// IdentityProviderType is an identity provider as Cognito describes it.
type IdentityProviderType struct {
	UserPoolId   string `json:"UserPoolId"`
	ProviderName string `json:"ProviderName"`
	ProviderType string `json:"ProviderType"`
	idpMembers
	LastModifiedDate *Timestamp `json:"LastModifiedDate"`
	CreationDate     *Timestamp `json:"CreationDate"`
}

// IdentityProviderOutput is the response of every operation that returns
// one provider.
type IdentityProviderOutput struct {
	IdentityProvider *IdentityProviderType `json:"IdentityProvider"`
}

func idpType(it *store.PoolItem, d *idpDoc) *IdentityProviderOutput {
	details := maps.Clone(d.ProviderDetails)
	for _, k := range hiddenDetails[d.ProviderType] {
		delete(details, k)
	}
	ids := d.IdpIdentifiers
	if ids == nil {
		ids = []string{}
	}
	return &IdentityProviderOutput{IdentityProvider: &IdentityProviderType{UserPoolId: it.PoolID, ProviderName: it.Name,
		ProviderType: d.ProviderType, idpMembers: idpMembers{ProviderDetails: details, AttributeMapping: d.AttributeMapping, IdpIdentifiers: ids},
		LastModifiedDate: ts(it.UpdatedAt), CreationDate: ts(it.CreatedAt)}}
}

// CreateIdentityProviderInput is the CreateIdentityProvider request.
type CreateIdentityProviderInput struct {
	UserPoolId   string `json:"UserPoolId"`
	ProviderName string `json:"ProviderName"`
	ProviderType string `json:"ProviderType"`
	idpMembers
}

// CreateIdentityProvider adds a provider to a pool. Names are unique in the
// pool, and so are identifiers across its providers (DuplicateProviderException).
func (s *Service) CreateIdentityProvider(ctx context.Context, in *CreateIdentityProviderInput) (*IdentityProviderOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	if socialTypes[in.ProviderType] && in.ProviderName != in.ProviderType {
		return nil, errProviderNameType(in.ProviderName, in.ProviderType)
	}
	now := s.now()
	doc := &idpDoc{ProviderType: in.ProviderType, idpMembers: idpMembers{ProviderDetails: storedDetails(in.ProviderDetails),
		AttributeMapping: withUsernameMapping(in.ProviderType, in.AttributeMapping), IdpIdentifiers: in.IdpIdentifiers}}
	it, err := newItem(in.UserPoolId, kindIdP, in.ProviderName, doc, now)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(st store.Store) error {
		if err := checkIdentifiers(ctx, st, in.UserPoolId, in.ProviderName, in.IdpIdentifiers); err != nil {
			return err
		}
		err := st.CreatePoolItem(ctx, it)
		if errors.Is(err, store.ErrConflict) {
			return errProviderExists(in.ProviderName, in.UserPoolId)
		}
		return notFoundAs(err, errPoolNotFound(in.UserPoolId))
	})
	if err != nil {
		return nil, err
	}
	return idpType(it, doc), nil
}

// checkIdentifiers refuses identifiers another provider of the pool holds.
func checkIdentifiers(ctx context.Context, st store.Store, poolID, name string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	recs, docs, err := allItems[idpDoc](ctx, st, poolID, kindIdP)
	if err != nil {
		return err
	}
	for i, d := range docs {
		if recs[i].Name == name {
			continue
		}
		for _, id := range ids {
			if slices.Contains(d.IdpIdentifiers, id) {
				return errIdentifierExists(id, poolID)
			}
		}
	}
	return nil
}

// IdentityProviderInput names one provider (Describe, Delete).
type IdentityProviderInput struct {
	UserPoolId   string `json:"UserPoolId"`
	ProviderName string `json:"ProviderName"`
}

// loadIdP returns a pool's provider, or the pool's or the provider's
// ResourceNotFoundException.
func (s *Service) loadIdP(ctx context.Context, st store.Store, poolID, name string) (*store.PoolItem, *idpDoc, error) {
	if _, err := s.loadPool(ctx, st, poolID); err != nil {
		return nil, nil, err
	}
	it, doc, err := getItem[idpDoc](ctx, st, poolID, kindIdP, name)
	return it, doc, notFoundAs(err, errProviderNotFound(name))
}

// DescribeIdentityProvider returns a provider.
func (s *Service) DescribeIdentityProvider(ctx context.Context, in *IdentityProviderInput) (*IdentityProviderOutput, error) {
	it, doc, err := s.loadIdP(ctx, s.store, in.UserPoolId, in.ProviderName)
	if err != nil {
		return nil, err
	}
	return idpType(it, doc), nil
}

// DeleteIdentityProvider removes a provider.
func (s *Service) DeleteIdentityProvider(ctx context.Context, in *IdentityProviderInput) (*Empty, error) {
	if _, _, err := s.loadIdP(ctx, s.store, in.UserPoolId, in.ProviderName); err != nil {
		return nil, err
	}
	err := s.store.DeletePoolItem(ctx, in.UserPoolId, kindIdP, in.ProviderName)
	return &Empty{}, notFoundAs(err, errProviderNotFound(in.ProviderName))
}
