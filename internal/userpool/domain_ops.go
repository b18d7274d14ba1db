package userpool

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain and
// DeleteUserPoolDomain (domains.go has the rules).

// CreateUserPoolDomainInput is the CreateUserPoolDomain request.
type CreateUserPoolDomainInput struct {
	Domain              string                  `json:"Domain"`
	UserPoolId          string                  `json:"UserPoolId"`
	ManagedLoginVersion int32                   `json:"ManagedLoginVersion"`
	CustomDomainConfig  *CustomDomainConfigType `json:"CustomDomainConfig"`
}

// UserPoolDomainOutput is the CreateUserPoolDomain and UpdateUserPoolDomain
// response: the CloudFront target of a custom domain and the branding version.
type UserPoolDomainOutput struct {
	ManagedLoginVersion int32  `json:"ManagedLoginVersion,omitempty"`
	CloudFrontDomain    string `json:"CloudFrontDomain,omitempty"`
}

// CreateUserPoolDomain gives a pool a prefix or (with CustomDomainConfig) a
// custom domain. The branding version defaults to 1, the classic hosted UI.
func (s *Service) CreateUserPoolDomain(ctx context.Context, in *CreateUserPoolDomainInput) (*UserPoolDomainOutput, error) {
	custom := in.CustomDomainConfig != nil
	now := s.now()
	doc := &domainDoc{Custom: custom, CloudFrontDistribution: "d" + randomString(lowerAlnum, 13) + ".cloudfront.net",
		Version: now.Format("20060102150405"), ManagedLoginVersion: in.ManagedLoginVersion}
	if doc.ManagedLoginVersion == 0 {
		doc.ManagedLoginVersion = 1
	}
	if custom {
		doc.CertificateArn = in.CustomDomainConfig.CertificateArn
	}
	cfg, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	rec := &store.Domain{Name: in.Domain, PoolID: in.UserPoolId, Config: cfg, CreatedAt: now, UpdatedAt: now}
	err = s.store.Tx(ctx, func(st store.Store) error {
		if _, err := s.loadPool(ctx, st, in.UserPoolId); err != nil {
			return err
		}
		if err := checkDomainName(in.Domain, custom); err != nil {
			return err
		}
		prefix, customName, err := poolDomains(ctx, st, in.UserPoolId)
		if err != nil {
			return err
		}
		if (custom && customName != "") || (!custom && prefix != "") {
			return errPoolHasDomain
		}
		err = st.CreateDomain(ctx, rec)
		if errors.Is(err, store.ErrConflict) {
			return errDomainTaken
		}
		return notFoundAs(err, errPoolNotFound(in.UserPoolId))
	})
	if err != nil {
		return nil, err
	}
	out := &UserPoolDomainOutput{ManagedLoginVersion: doc.ManagedLoginVersion}
	if custom {
		out.CloudFrontDomain = doc.CloudFrontDistribution
	}
	return out, nil
}

// DescribeUserPoolDomainInput is the DescribeUserPoolDomain request.
type DescribeUserPoolDomainInput struct {
	Domain string `json:"Domain"`
}

// DescribeUserPoolDomainOutput is the DescribeUserPoolDomain response.
type DescribeUserPoolDomainOutput struct {
	DomainDescription *DomainDescriptionType `json:"DomainDescription"`
}

// DescribeUserPoolDomain describes a domain by name alone; an unknown one
// is an empty description, not an error (Terraform's provider waits for
// that after a delete).
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *DescribeUserPoolDomainInput) (*DescribeUserPoolDomainOutput, error) {
	d, err := s.store.GetDomain(ctx, in.Domain)
	if errors.Is(err, store.ErrNotFound) {
		return &DescribeUserPoolDomainOutput{DomainDescription: &DomainDescriptionType{}}, nil
	}
	if err != nil {
		return nil, err
	}
	doc, err := decodeDomain(d)
	if err != nil {
		return nil, err
	}
	return &DescribeUserPoolDomainOutput{DomainDescription: s.domainDescription(d, doc)}, nil
}

// UpdateUserPoolDomainInput is the UpdateUserPoolDomain request.
type UpdateUserPoolDomainInput struct {
	Domain              string                  `json:"Domain"`
	UserPoolId          string                  `json:"UserPoolId"`
	ManagedLoginVersion int32                   `json:"ManagedLoginVersion"`
	CustomDomainConfig  *CustomDomainConfigType `json:"CustomDomainConfig"`
}

// UpdateUserPoolDomain changes a domain's branding version and, for a
// custom domain, its certificate; the name cannot change.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *UpdateUserPoolDomainInput) (*UserPoolDomainOutput, error) {
	var doc *domainDoc
	err := s.store.Tx(ctx, func(st store.Store) error {
		d, loaded, err := s.loadPoolDomain(ctx, st, in.UserPoolId, in.Domain)
		if err != nil {
			return err
		}
		doc = loaded
		if in.ManagedLoginVersion != 0 {
			doc.ManagedLoginVersion = in.ManagedLoginVersion
		}
		if in.CustomDomainConfig != nil && doc.Custom {
			doc.CertificateArn = in.CustomDomainConfig.CertificateArn
		}
		if d.Config, err = json.Marshal(doc); err != nil {
			return err
		}
		d.UpdatedAt = s.now()
		return notFoundAs(st.UpdateDomain(ctx, d), errDomainNotInPool)
	})
	if err != nil {
		return nil, err
	}
	return &UserPoolDomainOutput{ManagedLoginVersion: doc.ManagedLoginVersion, CloudFrontDomain: doc.CloudFrontDistribution}, nil
}

// DeleteUserPoolDomainInput is the DeleteUserPoolDomain request.
type DeleteUserPoolDomainInput struct {
	Domain     string `json:"Domain"`
	UserPoolId string `json:"UserPoolId"`
}

// DeleteUserPoolDomain removes a pool's domain; the name is free again.
func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *DeleteUserPoolDomainInput) (*Empty, error) {
	err := s.store.Tx(ctx, func(st store.Store) error {
		if _, _, err := s.loadPoolDomain(ctx, st, in.UserPoolId, in.Domain); err != nil {
			return err
		}
		return notFoundAs(st.DeleteDomain(ctx, in.Domain), errDomainNotInPool)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}
