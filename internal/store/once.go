package store

import (
	"context"
	"time"
)

// Once is the part of the Store contract that makes a token single-use
// across every process on the database: an SRP secret block or a sign-in
// challenge session (stateless, authenticated strings) must be answered at
// most once, as Cognito's are. Every Store implements it.
type Once interface {
	// UseOnce marks token of poolID as used, to be remembered until
	// expiresAt, and returns ErrConflict if it is marked already. Of
	// concurrent callers with the same token exactly one succeeds. Inside
	// a Tx the mark commits with the rest; a failed Tx leaves the token
	// unused. The pool need not exist. Callers check a token's own expiry
	// first and pass it as expiresAt, so that a mark PruneUsed discarded
	// belongs to a token nobody can use any more.
	UseOnce(ctx context.Context, poolID, token string, expiresAt time.Time) error
	// PruneUsed deletes the marks that expired at or before before, in
	// every pool, in small batches, and returns how many.
	PruneUsed(ctx context.Context, before time.Time) (int64, error)
}
