// Refresh tokens, signing keys and server-wide settings: the records the
// token service keeps.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/userpool/userpool/internal/store"
)

const tokenColumns = `id, hash, pool_id, client_id, username, auth_time, created_at,
	expires_at, revoked, scopes`

func scanToken(sc scanner) (*store.RefreshToken, error) {
	var (
		t                         store.RefreshToken
		authTime, created, expire int64
	)
	err := sc.Scan(&t.ID, &t.Hash, &t.PoolID, &t.ClientID, &t.Username,
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
	_, err := s.writes().ExecContext(ctx,
		"INSERT INTO refresh_tokens ("+tokenColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		t.ID, blob(t.Hash), t.PoolID, t.ClientID, t.Username,
		ms(t.AuthTime), ms(t.CreatedAt), ms(t.ExpiresAt), t.Revoked, t.Scopes)
	return translate("put refresh token "+t.ID, err)
}

// GetRefreshToken returns the token family by ID.
func (s *Store) GetRefreshToken(ctx context.Context, id string) (*store.RefreshToken, error) {
	return getOne(ctx, s.reads(), "refresh token", id, scanToken,
		"SELECT "+tokenColumns+" FROM refresh_tokens WHERE id = ?", id)
}

// GetRefreshTokenByHash returns the token whose hash equals hash; the UNIQUE
// constraint on hash doubles as its index.
func (s *Store) GetRefreshTokenByHash(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	return getOne(ctx, s.reads(), "refresh token with hash", fmt.Sprintf("%x", hash), scanToken,
		"SELECT "+tokenColumns+" FROM refresh_tokens WHERE hash = ?", blob(hash))
}

// RevokeRefreshToken marks the token revoked. Revoking a revoked token is not
// an error: the row still matches, so it still counts as affected.
func (s *Store) RevokeRefreshToken(ctx context.Context, id string) error {
	res, err := s.writes().ExecContext(ctx,
		"UPDATE refresh_tokens SET revoked = 1 WHERE id = ?", id)
	if err != nil {
		return translate("revoke refresh token "+id, err)
	}
	return mustAffect(res, "refresh token", id)
}

// RevokeUserRefreshTokens revokes every token of the user and returns how many
// were still live. An unknown user has no tokens: 0, nil.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, username string) (int64, error) {
	res, err := s.writes().ExecContext(ctx,
		`UPDATE refresh_tokens SET revoked = 1
		 WHERE pool_id = ? AND username = ? AND revoked = 0`, poolID, username)
	if err != nil {
		return 0, translate("revoke refresh tokens of "+username, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate("revoke refresh tokens of "+username, err)
	}
	return n, nil
}

// Signing keys and settings are create-once records. Both must give concurrent creators one answer:
// the row written first wins, and every writer is serialised through the
// single writer connection (and BEGIN IMMEDIATE across processes), so
// "insert unless present" cannot interleave.

func scanSigningKey(sc scanner) (*store.SigningKey, error) {
	var (
		k       store.SigningKey
		created int64
	)
	if err := sc.Scan(&k.PoolID, &k.KeyID, &k.PrivateKey, &created); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMS(created)
	return &k, nil
}

// CreateSigningKey stores the pool's signing key unless it already has one,
// in which case it returns store.ErrConflict and the first key stays. A pool
// that does not exist fails the foreign key: store.ErrNotFound.
func (s *Store) CreateSigningKey(ctx context.Context, k *store.SigningKey) error {
	res, err := s.writes().ExecContext(ctx, `INSERT INTO signing_keys
		(pool_id, key_id, private_key, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (pool_id) DO NOTHING`,
		k.PoolID, k.KeyID, blob(k.PrivateKey), ms(k.CreatedAt))
	if err != nil {
		return translate("create signing key of pool "+k.PoolID, err)
	}
	// One statement decides, so the check cannot race: no row inserted
	// means another creator got there first.
	n, err := res.RowsAffected()
	if err != nil {
		return translate("create signing key of pool "+k.PoolID, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: pool %q already has a signing key: %w", k.PoolID, store.ErrConflict)
	}
	return nil
}

// GetSigningKey returns the pool's signing key.
func (s *Store) GetSigningKey(ctx context.Context, poolID string) (*store.SigningKey, error) {
	return getOne(ctx, s.reads(), "signing key of pool", poolID, scanSigningKey,
		"SELECT pool_id, key_id, private_key, created_at FROM signing_keys WHERE pool_id = ?", poolID)
}

// GetOrCreateSetting returns the setting, storing value first if it is
// absent. Settings are read far more often than created, so it looks on the
// reader pool first and only takes the write lock when the row is missing.
func (s *Store) GetOrCreateSetting(ctx context.Context, name string, value []byte) ([]byte, error) {
	if s.tx == nil {
		v, err := getSetting(ctx, s.reader, name)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, translate("get setting "+name, err)
		}
	}
	var stored []byte
	err := s.atomic(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx,
			"INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
			name, blob(value))
		if err != nil {
			return translate("create setting "+name, err)
		}
		// Inside the same write transaction: whatever is there now is the
		// first value stored, ours or an earlier caller's.
		stored, err = getSetting(ctx, q, name)
		return translate("get setting "+name, err)
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

func getSetting(ctx context.Context, q querier, name string) ([]byte, error) {
	var v []byte
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE name = ?", name).Scan(&v)
	return v, err
}
