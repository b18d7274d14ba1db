package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/userpool/userpool/internal/store"
)

// poolView is a loaded pool with its decoded settings document.
type poolView struct {
	ID  string
	rec *store.Pool
	doc *poolDoc
}

func (s *Service) decodePool(rec *store.Pool) (*poolView, error) {
	doc, err := s.poolDocs.get(rec.ID, rec.Config)
	if err != nil {
		return nil, fmt.Errorf("pool %s: corrupt settings: %w", rec.ID, err)
	}
	return &poolView{ID: rec.ID, rec: rec, doc: doc}, nil
}

// loadPool returns the pool or ResourceNotFoundException.
func (s *Service) loadPool(ctx context.Context, st store.Store, id string) (*poolView, error) {
	rec, err := st.GetPool(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errPoolNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return s.decodePool(rec)
}

func (s *Service) poolArn(id string) string {
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", s.cfg.Region, s.cfg.AccountID, id)
}

// UserPoolType is the pool as DescribeUserPool and CreateUserPool return it.
type UserPoolType struct {
	Id                     string     `json:"Id"`
	Name                   string     `json:"Name"`
	Arn                    string     `json:"Arn"`
	CreationDate           *Timestamp `json:"CreationDate"`
	LastModifiedDate       *Timestamp `json:"LastModifiedDate"`
	EstimatedNumberOfUsers int64      `json:"EstimatedNumberOfUsers"`
	// Domain and CustomDomain are the pool's domains (domains.go).
	Domain       string `json:"Domain,omitempty"`
	CustomDomain string `json:"CustomDomain,omitempty"`
	PoolSettings
	ImmutablePoolSettings
}

func (s *Service) describe(ctx context.Context, st store.Store, p *poolView) (*UserPoolType, error) {
	n, err := st.CountUsers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	prefix, custom, err := poolDomains(ctx, st, p.ID)
	if err != nil {
		return nil, err
	}
	return &UserPoolType{Id: p.ID, Name: p.rec.Name, Arn: s.poolArn(p.ID),
		CreationDate: ts(p.rec.CreatedAt), LastModifiedDate: ts(p.rec.UpdatedAt),
		EstimatedNumberOfUsers: n, Domain: prefix, CustomDomain: custom, PoolSettings: p.doc.PoolSettings, ImmutablePoolSettings: p.doc.ImmutablePoolSettings}, nil
}

// DescribeUserPoolInput is the DescribeUserPool request.
type DescribeUserPoolInput struct {
	UserPoolId string `json:"UserPoolId"`
}

// DescribeUserPoolOutput is the DescribeUserPool response.
type DescribeUserPoolOutput struct {
	UserPool *UserPoolType `json:"UserPool"`
}

// DescribeUserPool returns a pool's settings with Cognito's defaults filled in.
func (s *Service) DescribeUserPool(ctx context.Context, in *DescribeUserPoolInput) (*DescribeUserPoolOutput, error) {
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	up, err := s.describe(ctx, s.store, p)
	if err != nil {
		return nil, err
	}
	return &DescribeUserPoolOutput{UserPool: up}, nil
}

// DeleteUserPoolInput is the DeleteUserPool request.
type DeleteUserPoolInput struct {
	UserPoolId string `json:"UserPoolId"`
}

// DeleteUserPool removes a pool with everything in it, unless deletion
// protection is on (InvalidParameterException, as Cognito).
func (s *Service) DeleteUserPool(ctx context.Context, in *DeleteUserPoolInput) (*Empty, error) {
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.doc.DeletionProtection == "ACTIVE" {
		return nil, errDeletionProtected
	}
	if prefix, custom, err := poolDomains(ctx, s.store, p.ID); err != nil {
		return nil, err
	} else if prefix != "" || custom != "" {
		return nil, errPoolHasDomainOnDelete
	}
	if err := s.store.DeletePool(ctx, p.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &Empty{}, nil
}

// ListUserPoolsInput is the ListUserPools request.
type ListUserPoolsInput struct {
	MaxResults int32  `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

// UserPoolDescriptionType is one entry of ListUserPools.
type UserPoolDescriptionType struct {
	Id               string          `json:"Id"`
	Name             string          `json:"Name"`
	LambdaConfig     json.RawMessage `json:"LambdaConfig,omitempty"`
	LastModifiedDate *Timestamp      `json:"LastModifiedDate"`
	CreationDate     *Timestamp      `json:"CreationDate"`
}

// ListUserPoolsOutput is the ListUserPools response.
type ListUserPoolsOutput struct {
	UserPools []UserPoolDescriptionType `json:"UserPools"`
	NextToken string                    `json:"NextToken,omitempty"`
}

// ListUserPools pages through pools in ID order.
func (s *Service) ListUserPools(ctx context.Context, in *ListUserPoolsInput) (*ListUserPoolsOutput, error) {
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	recs, err := s.store.ListPools(ctx, after, int(in.MaxResults)+1)
	if err != nil {
		return nil, err
	}
	out := &ListUserPoolsOutput{UserPools: []UserPoolDescriptionType{}}
	recs, next := page(recs, int(in.MaxResults), func(p *store.Pool) string { return p.ID })
	out.NextToken = next
	for _, rec := range recs {
		p, err := s.decodePool(rec)
		if err != nil {
			return nil, err
		}
		out.UserPools = append(out.UserPools, UserPoolDescriptionType{Id: p.ID, Name: rec.Name,
			LambdaConfig: p.doc.LambdaConfig, LastModifiedDate: ts(rec.UpdatedAt), CreationDate: ts(rec.CreatedAt)})
	}
	return out, nil
}

// savePoolDoc stores a pool's document with rec's other columns as they
// are: the risk and log delivery configurations do not move the pool's
// LastModifiedDate; the operations that change the pool's own settings
// set rec.UpdatedAt first.
func (s *Service) savePoolDoc(ctx context.Context, tx store.Store, rec *store.Pool, doc *poolDoc) error {
	cfg, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	r := *rec
	r.Config = cfg
	return tx.UpdatePool(ctx, &r)
}

// saveClientDoc is savePoolDoc for a client's document.
func (s *Service) saveClientDoc(ctx context.Context, tx store.Store, rec *store.Client, doc *clientDoc) error {
	cfg, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	r := *rec
	r.Config = cfg
	return tx.UpdateClient(ctx, &r)
}
