package userpool

import (
	"context"
	"encoding/json"
	"maps"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// Tags of user pools (issue 16): TagResource, UntagResource and
// ListTagsForResource on a pool's ARN (pools.go's poolArn). The tags are
// the pool document's UserPoolTags, the very set CreateUserPool and
// UpdateUserPool write and DescribeUserPool returns, so the two views
// cannot disagree. UpdateUserPool without UserPoolTags keeps them
// (update_user_pool.go): the Terraform provider 5.x updates a pool that
// way and sets its tags with TagResource/UntagResource, and it plans clean
// against Cognito, which therefore keeps them too.

// ResourceInput names a tagged resource; ListTagsForResource takes only this.
type ResourceInput struct {
	ResourceArn string `json:"ResourceArn"`
}

// TagResourceInput is the TagResource request.
type TagResourceInput struct {
	ResourceArn string            `json:"ResourceArn"`
	Tags        map[string]string `json:"Tags"`
}

// UntagResourceInput is the UntagResource request.
type UntagResourceInput struct {
	ResourceArn string   `json:"ResourceArn"`
	TagKeys     []string `json:"TagKeys"`
}

// ListTagsForResourceOutput is the ListTagsForResource response; a pool
// without tags has an empty map.
type ListTagsForResourceOutput struct {
	Tags map[string]string `json:"Tags"`
}

// arnPool returns the pool ID of a user pool ARN of this service's region
// and account; any other ARN (another service, resource type, region or
// account) is InvalidParameterException.
func (s *Service) arnPool(arn string) (string, error) {
	id, ok := strings.CutPrefix(arn, s.poolArn(""))
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", errNotPoolArn(arn)
	}
	return id, nil
}

// TagResource adds tags to a pool, replacing the values of keys it has.
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	return s.retag(ctx, in.ResourceArn, func(tags map[string]string) { maps.Copy(tags, in.Tags) })
}

// UntagResource removes tags from a pool; a key it does not have is no error.
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*Empty, error) {
	return s.retag(ctx, in.ResourceArn, func(tags map[string]string) {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
	})
}

// retag changes a pool's tags with fn in one transaction. The pool's
// LastModifiedDate stays: tags are not among its settings (UNVERIFIED).
func (s *Service) retag(ctx context.Context, arn string, fn func(map[string]string)) (*Empty, error) {
	id, err := s.arnPool(arn)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx store.Store) error {
		p, err := s.loadPool(ctx, tx, id)
		if err != nil {
			return err
		}
		doc := *p.doc // the decoded document is shared: change a copy
		doc.UserPoolTags = maps.Clone(p.doc.UserPoolTags)
		if doc.UserPoolTags == nil {
			doc.UserPoolTags = map[string]string{}
		}
		fn(doc.UserPoolTags)
		cfg, err := json.Marshal(&doc)
		if err != nil {
			return err
		}
		rec := *p.rec
		rec.Config = cfg
		return tx.UpdatePool(ctx, &rec)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListTagsForResource returns a pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *ResourceInput) (*ListTagsForResourceOutput, error) {
	id, err := s.arnPool(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, s.store, id)
	if err != nil {
		return nil, err
	}
	tags := maps.Clone(p.doc.UserPoolTags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &ListTagsForResourceOutput{Tags: tags}, nil
}
