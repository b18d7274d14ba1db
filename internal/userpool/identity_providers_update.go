package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// UpdateIdentityProvider, ListIdentityProviders and
// GetIdentityProviderByIdentifier.

// UpdateIdentityProviderInput is the UpdateIdentityProvider request.
type UpdateIdentityProviderInput struct {
	UserPoolId   string `json:"UserPoolId"`
	ProviderName string `json:"ProviderName"`
	idpMembers
}

// UpdateIdentityProvider replaces the members the request gives and keeps
// the others (Terraform sends only what changed). Cognito's own details
// come back as on create; a SAML provider keeps its encryption certificate
// and Apple its private key when the request does not repeat them.
func (s *Service) UpdateIdentityProvider(ctx context.Context, in *UpdateIdentityProviderInput) (*IdentityProviderOutput, error) {
	var (
		it  *store.PoolItem
		doc *idpDoc
	)
	err := s.store.Tx(ctx, func(st store.Store) error {
		var err error
		if it, doc, err = s.loadIdP(ctx, st, in.UserPoolId, in.ProviderName); err != nil {
			return err
		}
		if in.ProviderDetails != nil {
			doc.ProviderDetails = updatedDetails(doc, in.ProviderDetails)
		}
		if in.AttributeMapping != nil {
			doc.AttributeMapping = withUsernameMapping(doc.ProviderType, in.AttributeMapping)
		}
		if in.IdpIdentifiers != nil {
			if err := checkIdentifiers(ctx, st, in.UserPoolId, in.ProviderName, in.IdpIdentifiers); err != nil {
				return err
			}
			doc.IdpIdentifiers = in.IdpIdentifiers
		}
		return notFoundAs(saveItem(ctx, st, it, doc, s.now()), errProviderNotFound(in.ProviderName))
	})
	if err != nil {
		return nil, err
	}
	return idpType(it, doc), nil
}

// updatedDetails are the given details as stored, keeping the stored
// values of the keys never answered (a client cannot send back what it
// never saw).
func updatedDetails(doc *idpDoc, given map[string]string) map[string]string {
	out := storedDetails(given)
	for _, k := range hiddenDetails[doc.ProviderType] {
		if v, had := doc.ProviderDetails[k]; had && given[k] == "" {
			out[k] = v
		}
	}
	return out
}

// ListIdentityProvidersInput is the ListIdentityProviders request.
type ListIdentityProvidersInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int32  `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

// ProviderDescription is one entry of ListIdentityProviders.
type ProviderDescription struct {
	ProviderName     string     `json:"ProviderName"`
	ProviderType     string     `json:"ProviderType"`
	LastModifiedDate *Timestamp `json:"LastModifiedDate"`
	CreationDate     *Timestamp `json:"CreationDate"`
}

// ListIdentityProvidersOutput is the ListIdentityProviders response.
type ListIdentityProvidersOutput struct {
	Providers []ProviderDescription `json:"Providers"`
	NextToken string                `json:"NextToken,omitempty"`
}

// ListIdentityProviders pages through a pool's providers in name order
// (MaxResults up to 60, the default).
func (s *Service) ListIdentityProviders(ctx context.Context, in *ListIdentityProvidersInput) (*ListIdentityProvidersOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	recs, next, err := pageItems(ctx, s.store, in.UserPoolId, kindIdP, in.NextToken, in.MaxResults, 60)
	if err != nil {
		return nil, err
	}
	out := &ListIdentityProvidersOutput{Providers: []ProviderDescription{}, NextToken: next}
	for _, it := range recs {
		doc, err := decodeItem[idpDoc](it)
		if err != nil {
			return nil, err
		}
		out.Providers = append(out.Providers, ProviderDescription{ProviderName: it.Name, ProviderType: doc.ProviderType,
			LastModifiedDate: ts(it.UpdatedAt), CreationDate: ts(it.CreatedAt)})
	}
	return out, nil
}

// GetIdentityProviderByIdentifierInput is the GetIdentityProviderByIdentifier request.
type GetIdentityProviderByIdentifierInput struct {
	UserPoolId    string `json:"UserPoolId"`
	IdpIdentifier string `json:"IdpIdentifier"`
}

// GetIdentityProviderByIdentifier finds the provider holding an identifier.
func (s *Service) GetIdentityProviderByIdentifier(ctx context.Context, in *GetIdentityProviderByIdentifierInput) (*IdentityProviderOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	recs, docs, err := allItems[idpDoc](ctx, s.store, in.UserPoolId, kindIdP)
	if err != nil {
		return nil, err
	}
	for i, d := range docs {
		for _, id := range d.IdpIdentifiers {
			if id == in.IdpIdentifier {
				return idpType(recs[i], d), nil
			}
		}
	}
	return nil, errIdentifierNotFound(in.IdpIdentifier)
}
