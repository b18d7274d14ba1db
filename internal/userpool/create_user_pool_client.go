package userpool

import (
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/store"
)

// CreateUserPoolClientInput is the CreateUserPoolClient request.
type CreateUserPoolClientInput struct {
	UserPoolId     string `json:"UserPoolId"`
	ClientName     string `json:"ClientName"`
	GenerateSecret bool   `json:"GenerateSecret"`
	ClientSecret   string `json:"ClientSecret"`
	ClientSettings
}

// UserPoolClientType is an app client as Cognito describes it.
type UserPoolClientType struct {
	UserPoolId       string     `json:"UserPoolId"`
	ClientName       string     `json:"ClientName"`
	ClientId         string     `json:"ClientId"`
	ClientSecret     string     `json:"ClientSecret,omitempty"`
	LastModifiedDate *Timestamp `json:"LastModifiedDate"`
	CreationDate     *Timestamp `json:"CreationDate"`
	ClientSettings
}

// CreateUserPoolClientOutput is the CreateUserPoolClient response.
type CreateUserPoolClientOutput struct {
	UserPoolClient *UserPoolClientType `json:"UserPoolClient"`
}

func clientType(rec *store.Client, doc *ClientSettings, secret string) *UserPoolClientType {
	return &UserPoolClientType{UserPoolId: rec.PoolID, ClientName: rec.Name, ClientId: rec.ID,
		ClientSecret: secret, LastModifiedDate: ts(rec.UpdatedAt), CreationDate: ts(rec.CreatedAt),
		ClientSettings: *doc}
}

// CreateUserPoolClient creates an app client, with a generated secret when
// GenerateSecret is true (or the given ClientSecret).
func (s *Service) CreateUserPoolClient(ctx context.Context, in *CreateUserPoolClientInput) (*CreateUserPoolClientOutput, error) {
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	in.ClientSettings.applyDefaults()
	if err := in.ClientSettings.checkValidity(); err != nil {
		return nil, err
	}
	if err := s.checkOAuth(ctx, in.UserPoolId, &in.ClientSettings); err != nil {
		return nil, err
	}
	if err := p.doc.checkClientAttributes(&in.ClientSettings, clientCreating); err != nil {
		return nil, err
	}
	secret := ""
	switch {
	case in.ClientSecret != "":
		secret = in.ClientSecret
	case in.GenerateSecret:
		secret = newClientSecret()
	}
	cfg, err := json.Marshal(&in.ClientSettings)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec := &store.Client{ID: newClientID(), PoolID: in.UserPoolId, Name: in.ClientName, Secret: secret,
		Config: cfg, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateClient(ctx, rec); err != nil {
		return nil, err
	}
	return &CreateUserPoolClientOutput{UserPoolClient: clientType(rec, &in.ClientSettings, secret)}, nil
}

// Which client operation checks its attributes, for the error text.
const (
	clientCreating = "creating"
	clientUpdating = "updating"
)

// checkClientAttributes: a client's ReadAttributes and WriteAttributes
// name attributes of the pool's schema (OBS: "Invalid read attributes
// specified while creating a client" and its write/updating twin).
func (d *poolDoc) checkClientAttributes(c *ClientSettings, action string) error {
	for _, n := range c.ReadAttributes {
		if d.schemaAttr(n) == nil {
			return errClientAttributes("read", action)
		}
	}
	for _, n := range c.WriteAttributes {
		if d.schemaAttr(n) == nil {
			return errClientAttributes("write", action)
		}
	}
	return nil
}
