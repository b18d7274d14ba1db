package userpool

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// App client secrets: a confidential client has one to two secrets, and a
// SECRET_HASH made with any of them verifies (secret_hash.go), so a secret
// is rotated by adding the new one, moving the callers over, and deleting
// the old one (API reference: AddUserPoolClientSecret "supports up to 2
// active secrets per app client for zero-downtime credential rotation").

// maxClientSecrets is Cognito's limit of secrets per client (DOC).
const maxClientSecrets = 2

// clientSecret is one secret of a client.
type clientSecret struct {
	ID      string    `json:"Id"`
	Value   string    `json:"Value"`
	Created time.Time `json:"Created"`
}

// secretsOf lists a client's secrets, oldest first. A client whose secrets
// were never added or deleted has the one of its row, created with it.
func secretsOf(rec *store.Client, doc *clientDoc) []clientSecret {
	if len(doc.Secrets) > 0 {
		return doc.Secrets
	}
	if rec.Secret == "" {
		return nil
	}
	return []clientSecret{{ID: secretID(rec.ID, rec.CreatedAt), Value: rec.Secret, Created: rec.CreatedAt}}
}

// secretID follows the documented form <client-id>--<epoch-create-time>
// (DOC, ClientSecretDescriptorType); milliseconds, UNVERIFIED.
func secretID(clientID string, created time.Time) string {
	return fmt.Sprintf("%s--%d", clientID, created.UnixMilli())
}

// primarySecret is the secret Create/Describe/UpdateUserPoolClient show:
// the oldest current one (UNVERIFIED which one Cognito shows while a
// client has two).
func (c *clientView) primarySecret() string {
	if len(c.secrets) == 0 {
		return ""
	}
	return c.secrets[0].Value
}

// ClientSecretDescriptorType describes one secret; the value only when
// AddUserPoolClientSecret generated it.
type ClientSecretDescriptorType struct {
	ClientSecretId         string     `json:"ClientSecretId"`
	ClientSecretValue      string     `json:"ClientSecretValue,omitempty"`
	ClientSecretCreateDate *Timestamp `json:"ClientSecretCreateDate"`
}

func (cs clientSecret) descriptor() ClientSecretDescriptorType {
	return ClientSecretDescriptorType{ClientSecretId: cs.ID, ClientSecretCreateDate: ts(cs.Created)}
}

// AddUserPoolClientSecretInput is the AddUserPoolClientSecret request.
type AddUserPoolClientSecretInput struct {
	UserPoolId   string `json:"UserPoolId"`
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// AddUserPoolClientSecretOutput is the AddUserPoolClientSecret response.
type AddUserPoolClientSecretOutput struct {
	ClientSecretDescriptor ClientSecretDescriptorType `json:"ClientSecretDescriptor"`
}

// AddUserPoolClientSecret gives a confidential client one more secret,
// generated unless the caller chose it.
func (s *Service) AddUserPoolClientSecret(ctx context.Context, in *AddUserPoolClientSecretInput) (*AddUserPoolClientSecretOutput, error) {
	var added clientSecret
	err := s.changeSecrets(ctx, in.UserPoolId, in.ClientId, func(secrets []clientSecret) ([]clientSecret, error) {
		switch {
		case len(secrets) == 0:
			return nil, errClientHasNoSecret(in.ClientId)
		case len(secrets) >= maxClientSecrets:
			return nil, errTooManySecrets
		}
		added = clientSecret{Value: in.ClientSecret, Created: s.now().Truncate(time.Millisecond)}
		if added.Value == "" {
			added.Value = newClientSecret()
		}
		// IDs are per millisecond: a secret added in the millisecond of
		// the one before moves to the next.
		if last := secrets[len(secrets)-1].Created.UnixMilli(); added.Created.UnixMilli() <= last {
			added.Created = time.UnixMilli(last + 1)
		}
		added.ID = secretID(in.ClientId, added.Created)
		return append(slices.Clip(secrets), added), nil
	})
	if err != nil {
		return nil, err
	}
	out := &AddUserPoolClientSecretOutput{ClientSecretDescriptor: added.descriptor()}
	if in.ClientSecret == "" {
		out.ClientSecretDescriptor.ClientSecretValue = added.Value
	}
	return out, nil
}

// DeleteUserPoolClientSecretInput is the DeleteUserPoolClientSecret request.
type DeleteUserPoolClientSecretInput struct {
	UserPoolId     string `json:"UserPoolId"`
	ClientId       string `json:"ClientId"`
	ClientSecretId string `json:"ClientSecretId"`
}

// DeleteUserPoolClientSecret removes one secret; the last one cannot go
// (DOC: "You cannot delete the last remaining secret for an app client").
func (s *Service) DeleteUserPoolClientSecret(ctx context.Context, in *DeleteUserPoolClientSecretInput) (*Empty, error) {
	err := s.changeSecrets(ctx, in.UserPoolId, in.ClientId, func(secrets []clientSecret) ([]clientSecret, error) {
		i := slices.IndexFunc(secrets, func(cs clientSecret) bool { return cs.ID == in.ClientSecretId })
		switch {
		case i < 0:
			return nil, errSecretNotFound(in.ClientSecretId)
		case len(secrets) == 1:
			return nil, errLastSecret
		}
		return slices.Delete(slices.Clone(secrets), i, i+1), nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// changeSecrets replaces a client's secrets with what change makes of
// them, in one transaction.
func (s *Service) changeSecrets(ctx context.Context, poolID, clientID string, change func([]clientSecret) ([]clientSecret, error)) error {
	return s.store.Tx(ctx, func(tx store.Store) error {
		c, err := s.loadPoolClientIn(ctx, tx, poolID, clientID)
		if err != nil {
			return err
		}
		secrets, err := change(c.secrets)
		if err != nil {
			return err
		}
		doc := *c.cdoc // a shallow copy: cached documents are never modified
		doc.Secrets = secrets
		rec := *c.rec
		rec.UpdatedAt = s.now()
		return s.saveClientDoc(ctx, tx, &rec, &doc)
	})
}

// ListUserPoolClientSecretsInput is the ListUserPoolClientSecrets request.
type ListUserPoolClientSecretsInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
	NextToken  string `json:"NextToken"`
}

// ListUserPoolClientSecretsOutput is the ListUserPoolClientSecrets response.
type ListUserPoolClientSecretsOutput struct {
	ClientSecrets []ClientSecretDescriptorType `json:"ClientSecrets"`
}

// ListUserPoolClientSecrets describes a client's secrets without their
// values, all in one page (DOC: there are at most two).
func (s *Service) ListUserPoolClientSecrets(ctx context.Context, in *ListUserPoolClientSecretsInput) (*ListUserPoolClientSecretsOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	out := &ListUserPoolClientSecretsOutput{ClientSecrets: []ClientSecretDescriptorType{}}
	for _, cs := range c.secrets {
		out.ClientSecrets = append(out.ClientSecrets, cs.descriptor())
	}
	return out, nil
}
