package store

import (
	"context"
	"time"
)

// PoolItem is a named record a pool owns besides its clients and users: an
// identity provider, a resource server or a UI customization (issue 16).
// Kind names the collection, Name the record within it (a provider name, a
// resource server identifier, a client ID or "ALL"); Config is the record's
// document, owned by the domain layer and kept byte for byte. Rules across
// records of a kind (an IdP identifier unique in its pool) are the domain
// layer's, checked inside a Tx, which is serializable.
type PoolItem struct {
	PoolID    string
	Kind      string
	Name      string
	Config    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Domain is a user pool domain: a Cognito prefix or a custom domain name.
// Names are unique across every pool: one pool's domain cannot be taken by
// another. Config is the domain's document, owned by the domain layer.
type Domain struct {
	Name      string
	PoolID    string
	Config    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Federation is the part of the Store contract that keeps what a pool
// needs to federate and to serve a hosted UI: pool items and domains. Both
// go with their pool (DeletePool removes them). Every Store implements it.
type Federation interface {
	// CreatePoolItem inserts it; ErrConflict if (PoolID, Kind, Name)
	// exists, ErrNotFound if the pool does not.
	CreatePoolItem(ctx context.Context, it *PoolItem) error
	// GetPoolItem returns the item or ErrNotFound.
	GetPoolItem(ctx context.Context, poolID, kind, name string) (*PoolItem, error)
	// UpdatePoolItem replaces Config and UpdatedAt; ErrNotFound if absent.
	UpdatePoolItem(ctx context.Context, it *PoolItem) error
	// DeletePoolItem removes the item; ErrNotFound if absent.
	DeletePoolItem(ctx context.Context, poolID, kind, name string) error
	// ListPoolItems returns up to limit items of the pool's kind with
	// Name > afterName, ordered by Name (byte order).
	ListPoolItems(ctx context.Context, poolID, kind, afterName string, limit int) ([]*PoolItem, error)

	// CreateDomain inserts d; ErrConflict if the name is taken (by any
	// pool), ErrNotFound if the pool does not exist.
	CreateDomain(ctx context.Context, d *Domain) error
	// GetDomain returns the domain by name or ErrNotFound.
	GetDomain(ctx context.Context, name string) (*Domain, error)
	// UpdateDomain replaces Config and UpdatedAt; ErrNotFound if absent.
	UpdateDomain(ctx context.Context, d *Domain) error
	// DeleteDomain removes the domain; ErrNotFound if absent. Its name is
	// free for any pool afterwards.
	DeleteDomain(ctx context.Context, name string) error
	// ListDomains returns every domain of the pool, ordered by name.
	ListDomains(ctx context.Context, poolID string) ([]*Domain, error)
}
