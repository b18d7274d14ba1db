// Refresh tokens, signing keys and server-wide settings: the records the
// token service keeps.

package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

const tokenColumns = `id, hash, pool_id, client_id, username, auth_time, created_at,
	expires_at, revoked, scopes`

// notNullBytes keeps a nil slice from being sent as NULL to a NOT NULL
// BYTEA column: an empty value round-trips as empty.
func notNullBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func scanToken(row pgx.Row) (*store.RefreshToken, error) {
	var (
		t                         store.RefreshToken
		authTime, created, expire int64
	)
	err := row.Scan(&t.ID, &t.Hash, &t.PoolID, &t.ClientID, &t.Username,
		&authTime, &created, &expire, &t.Revoked, &t.Scopes)
	if err != nil {
		return nil, err
	}
	t.AuthTime, t.CreatedAt, t.ExpiresAt = fromMS(authTime), fromMS(created), fromMS(expire)
	return &t, nil
}

// PutRefreshToken inserts t. A duplicate ID or Hash is store.ErrConflict. The
// token belongs to a user: if (PoolID, Username) is not a user, the foreign
// key fails and the error is store.ErrNotFound.
func (s *Store) PutRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	_, err := s.execOne(ctx,
		"INSERT INTO refresh_tokens ("+tokenColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		t.ID, notNullBytes(t.Hash), t.PoolID, t.ClientID, t.Username,
		ms(t.AuthTime), ms(t.CreatedAt), ms(t.ExpiresAt), t.Revoked, t.Scopes)
	return translate(err, "put refresh token "+t.ID)
}

// GetRefreshToken returns the token family by ID.
func (s *Store) GetRefreshToken(ctx context.Context, id string) (*store.RefreshToken, error) {
	t, err := scanToken(s.q().QueryRow(ctx,
		"SELECT "+tokenColumns+" FROM refresh_tokens WHERE id = $1", id))
	if err != nil {
		return nil, translate(err, "refresh token "+id)
	}
	return t, nil
}

// GetRefreshTokenByHash returns the token whose hash equals hash; the UNIQUE
// constraint on hash doubles as its index.
func (s *Store) GetRefreshTokenByHash(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	t, err := scanToken(s.q().QueryRow(ctx,
		"SELECT "+tokenColumns+" FROM refresh_tokens WHERE hash = $1", notNullBytes(hash)))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("refresh token with hash %x", hash))
	}
	return t, nil
}

// RevokeRefreshToken marks the token revoked. Revoking a revoked token is not
// an error: the row still matches, so it still counts as affected.
func (s *Store) RevokeRefreshToken(ctx context.Context, id string) error {
	tag, err := s.q().Exec(ctx, "UPDATE refresh_tokens SET revoked = TRUE WHERE id = $1", id)
	if err != nil {
		return translate(err, "revoke refresh token "+id)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("refresh token %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// RevokeUserRefreshTokens revokes every token of the user and returns how many
// were still live. An unknown user has no tokens: 0, nil.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, username string) (int64, error) {
	tag, err := s.q().Exec(ctx, `UPDATE refresh_tokens SET revoked = TRUE
		WHERE pool_id = $1 AND username = $2 AND NOT revoked`, poolID, username)
	if err != nil {
		return 0, translate(err, "revoke refresh tokens of "+username)
	}
	return tag.RowsAffected(), nil
}

// Signing keys and settings are create-once records: concurrent creators must
// get one answer, the row written first. INSERT ... ON CONFLICT DO NOTHING
// waits for a concurrent inserter of the same key to finish and then skips,
// so exactly one insert wins across processes.

// CreateSigningKey stores the pool's signing key unless it already has one,
// in which case it returns store.ErrConflict and the first key stays. A pool
// that does not exist fails the foreign key: store.ErrNotFound.
func (s *Store) CreateSigningKey(ctx context.Context, k *store.SigningKey) error {
	tag, err := s.execOne(ctx, `INSERT INTO signing_keys
		(pool_id, key_id, private_key, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (pool_id) DO NOTHING`,
		k.PoolID, k.KeyID, notNullBytes(k.PrivateKey), ms(k.CreatedAt))
	if err != nil {
		return translate(err, "create signing key of pool "+k.PoolID)
	}
	// One statement decides, so the check cannot race: no row inserted
	// means another creator got there first.
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: pool %q already has a signing key: %w", k.PoolID, store.ErrConflict)
	}
	return nil
}

// GetSigningKey returns the pool's signing key.
func (s *Store) GetSigningKey(ctx context.Context, poolID string) (*store.SigningKey, error) {
	var (
		k       store.SigningKey
		created int64
	)
	err := s.q().QueryRow(ctx,
		"SELECT pool_id, key_id, private_key, created_at FROM signing_keys WHERE pool_id = $1", poolID).
		Scan(&k.PoolID, &k.KeyID, &k.PrivateKey, &created)
	if err != nil {
		return nil, translate(err, "signing key of pool "+poolID)
	}
	k.CreatedAt = fromMS(created)
	return &k, nil
}

// GetOrCreateSetting returns the setting, storing value first if it is
// absent. Settings are read far more often than created, so it looks first
// and only inserts when the row is missing.
//
// Outside a Tx the insert and the read are separate autocommit statements:
// the insert either commits our row or (after waiting for any concurrent
// inserter) skips because a row exists, and the read that follows, with a
// fresh snapshot, sees whichever row was committed first. Inside a Tx they
// run in a savepoint; a row committed concurrently but invisible to the
// transaction's snapshot makes the insert fail with a serialization
// failure, and Tx runs the transaction again.
func (s *Store) GetOrCreateSetting(ctx context.Context, name string, value []byte) ([]byte, error) {
	if s.tx == nil {
		v, err := getSetting(ctx, s.pool, name)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, translate(err, "get setting "+name)
		}
		return insertSetting(ctx, s.pool, name, value)
	}
	var stored []byte
	err := s.atomic(ctx, func(q queryer) error {
		var err error
		stored, err = insertSetting(ctx, q, name, value)
		return err
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

func insertSetting(ctx context.Context, q queryer, name string, value []byte) ([]byte, error) {
	_, err := q.Exec(ctx,
		"INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
		name, notNullBytes(value))
	if err != nil {
		return nil, translate(err, "create setting "+name)
	}
	v, err := getSetting(ctx, q, name)
	if err != nil {
		return nil, translate(err, "get setting "+name)
	}
	return v, nil
}

func getSetting(ctx context.Context, q queryer, name string) ([]byte, error) {
	var v []byte
	err := q.QueryRow(ctx, "SELECT value FROM settings WHERE name = $1", name).Scan(&v)
	return v, err
}
