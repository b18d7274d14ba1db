// Users and their lookup keys.

package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

// userSelect selects a user (alias u) with all its keys, as two arrays of
// kinds and (BYTEA) values in the caller's order (seq); the FROM clause
// goes between it and userKeys. Loading the user and its keys in one
// statement reads both from one snapshot.
const (
	userSelect = `SELECT u.pool_id, u.username, u.sub, u.status, u.enabled, u.password_hash,
	u.attributes, u.created_at, u.updated_at, u.password_history, u.password_changed_at,
	u.srp_verifier, u.mfa, k.kinds, k.vals FROM `
	userKeys = ` CROSS JOIN LATERAL (
		SELECT COALESCE(array_agg(kind ORDER BY seq), '{}') AS kinds,
		       COALESCE(array_agg(value ORDER BY seq), '{}') AS vals
		FROM user_keys WHERE pool_id = u.pool_id AND username = u.username) AS k`
)

func scanUser(row pgx.Row) (*store.User, error) {
	var (
		u                       store.User
		attrs, history          []byte
		kinds                   []string
		values                  [][]byte
		created, updated, chgAt int64
	)
	err := row.Scan(&u.PoolID, &u.Username, &u.Sub, &u.Status, &u.Enabled, &u.PasswordHash,
		&attrs, &created, &updated, &history, &chgAt, &u.Verifier, &u.MFA, &kinds, &values)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(attrs, &u.Attributes); err != nil {
		return nil, fmt.Errorf("decode attributes: %w", err)
	}
	if len(u.Attributes) == 0 {
		u.Attributes = nil
	}
	if err := json.Unmarshal(history, &u.PasswordHistory); err != nil {
		return nil, fmt.Errorf("decode password history: %w", err)
	}
	if len(u.PasswordHistory) == 0 {
		u.PasswordHistory = nil
	}
	if len(kinds) != len(values) {
		return nil, fmt.Errorf("decode user keys: %d kinds, %d values", len(kinds), len(values))
	}
	for i := range kinds {
		u.Keys = append(u.Keys, store.UserKey{Kind: kinds[i], Value: string(values[i])})
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	u.PasswordChangedAt = fromMS(chgAt)
	return &u, nil
}

// encodeUserJSON encodes the attributes and the password history as JSON
// arrays (never null: nil is stored as []). The attributes column is text,
// not JSONB: JSON writes a NUL in a value as \u0000, which text holds and
// JSONB refuses (0003_nul_safe_text.sql).
func encodeUserJSON(u *store.User) (attrs, history string, err error) {
	a := u.Attributes
	if a == nil {
		a = []store.Attribute{}
	}
	h := u.PasswordHistory
	if h == nil {
		h = []string{}
	}
	ab, err := json.Marshal(a)
	if err != nil {
		return "", "", fmt.Errorf("postgres: encode attributes: %w", err)
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return "", "", fmt.Errorf("postgres: encode password history: %w", err)
	}
	return string(ab), string(hb), nil
}

// CreateUser inserts u and its keys in one atomic unit. Keys held by
// another user are found before anything is written, so the conflict names
// the first taken key in the caller's order; a key taken concurrently is
// caught by the insert itself (see insertUserKeys).
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	attrs, history, err := encodeUserJSON(u)
	if err != nil {
		return err
	}
	kinds, values := splitKeys(u.Keys)
	what := fmt.Sprintf("create user %q in pool %q", u.Username, u.PoolID)
	// Nothing is read before the inserts: under SERIALIZABLE a read of the
	// key index takes a predicate lock on its page, and concurrent
	// creations of neighbouring names (user1, user2, ...) then abort each
	// other, often enough to exhaust Tx's retries (2 of 1,000 AdminCreateUser
	// calls from 32 clients). The unique indexes decide instead: the
	// conflict checks of ON CONFLICT take no predicate locks.
	return s.atomic(ctx, func(q queryer) error {
		tag, err := q.Exec(ctx, `INSERT INTO users (pool_id, username, sub, status, enabled,
			password_hash, attributes, created_at, updated_at, password_history, password_changed_at,
			srp_verifier, mfa)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13)
			ON CONFLICT (pool_id, username) DO NOTHING`,
			u.PoolID, u.Username, u.Sub, u.Status, u.Enabled, u.PasswordHash, attrs,
			ms(u.CreatedAt), ms(u.UpdatedAt), history, ms(u.PasswordChangedAt), u.Verifier, u.MFA)
		if err != nil {
			return translate(err, what) // a missing pool
		}
		if tag.RowsAffected() == 0 {
			// The username is taken; name the first taken key, in the
			// caller's order, as insertUserKeys would.
			if err := checkUserKeys(ctx, q, u.PoolID, u.Username, kinds, values, true); err != nil {
				return err
			}
			return fmt.Errorf("postgres: %s: %w", what, store.ErrConflict)
		}
		return insertUserKeys(ctx, q, u.PoolID, u.Username, kinds, values)
	})
}

// GetUserByKey returns the user holding key (kind, value) in the pool, with
// all its keys.
func (s *Store) GetUserByKey(ctx context.Context, poolID, kind, value string) (*store.User, error) {
	u, err := scanUser(s.q().QueryRow(ctx, userSelect+`user_keys f
		JOIN users u ON u.pool_id = f.pool_id AND u.username = f.username`+userKeys+`
		WHERE f.pool_id = $1 AND f.kind = $2 AND f.value = $3`, poolID, kind, bin(value)))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("user with %s %q in pool %q", kind, value, poolID))
	}
	return u, nil
}

// UpdateUser replaces every field of the user except CreatedAt and replaces
// its key set, all in one atomic unit, so a failure leaves the user as it was.
func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	attrs, history, err := encodeUserJSON(u)
	if err != nil {
		return err
	}
	kinds, values := splitKeys(u.Keys)
	what := fmt.Sprintf("update user %q in pool %q", u.Username, u.PoolID)
	return s.atomic(ctx, func(q queryer) error {
		tag, err := q.Exec(ctx, `UPDATE users SET sub = $1, status = $2, enabled = $3,
			password_hash = $4, attributes = $5, updated_at = $6,
			password_history = $7::jsonb, password_changed_at = $8, srp_verifier = $9, mfa = $10
			WHERE pool_id = $11 AND username = $12`,
			u.Sub, u.Status, u.Enabled, u.PasswordHash, attrs, ms(u.UpdatedAt),
			history, ms(u.PasswordChangedAt), u.Verifier, u.MFA, u.PoolID, u.Username)
		if err != nil {
			return translate(err, what)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("postgres: %s: %w", what, store.ErrNotFound)
		}
		// Most updates (a new password, a status, a non-key attribute)
		// leave the keys as they are; rewriting them anyway made concurrent
		// updates of different users collide on the key index pages under
		// SERIALIZABLE, often enough to exhaust Tx's retries.
		if same, err := keysUnchanged(ctx, q, u.PoolID, u.Username, kinds, values); err != nil || same {
			return err
		}
		// The user keeps any key it already holds: only other users' keys conflict.
		if err := checkUserKeys(ctx, q, u.PoolID, u.Username, kinds, values, false); err != nil {
			return err
		}
		if _, err := q.Exec(ctx,
			"DELETE FROM user_keys WHERE pool_id = $1 AND username = $2", u.PoolID, u.Username); err != nil {
			return translate(err, what)
		}
		return insertUserKeys(ctx, q, u.PoolID, u.Username, kinds, values)
	})
}

// DeleteUser deletes the user; ON DELETE CASCADE removes its keys, refresh
// tokens and codes.
func (s *Store) DeleteUser(ctx context.Context, poolID, username string) error {
	tag, err := s.q().Exec(ctx,
		"DELETE FROM users WHERE pool_id = $1 AND username = $2", poolID, username)
	if err != nil {
		return translate(err, "delete user "+username)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: user %q in pool %q: %w", username, poolID, store.ErrNotFound)
	}
	return nil
}

// ListUsers returns up to limit users of the pool with Username >
// afterUsername, in byte order (username is COLLATE "C").
func (s *Store) ListUsers(ctx context.Context, poolID, afterUsername string, limit int) ([]*store.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.q().Query(ctx, userSelect+"users u"+userKeys+`
		WHERE u.pool_id = $1 AND u.username > $2
		ORDER BY u.username LIMIT $3`, poolID, afterUsername, limit)
	if err != nil {
		return nil, translate(err, "list users")
	}
	defer rows.Close()
	var out []*store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, translate(err, "list users")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "list users")
	}
	return out, nil
}

// CountUsers returns how many users the pool has; an unknown pool has none.
func (s *Store) CountUsers(ctx context.Context, poolID string) (int64, error) {
	var n int64
	err := s.q().QueryRow(ctx, "SELECT count(*) FROM users WHERE pool_id = $1", poolID).Scan(&n)
	if err != nil {
		return 0, translate(err, "count users")
	}
	return n, nil
}

// splitKeys drops repeated keys (keeping the first of each, so a caller
// listing a key twice does not collide with itself) and returns the kinds
// and values as parallel arrays, in the caller's order.
func splitKeys(keys []store.UserKey) (kinds, values []string) {
	seen := make(map[store.UserKey]bool, len(keys))
	kinds = make([]string, 0, len(keys))
	values = make([]string, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k.Kind)
			values = append(values, k.Value)
		}
	}
	return kinds, values
}

// firstTakenKey returns a KeyConflictError for the first key (in the
// caller's order) that is in taken.
func firstTakenKey(kinds, values []string, taken map[store.UserKey]bool) error {
	for i := range kinds {
		k := store.UserKey{Kind: kinds[i], Value: values[i]}
		if taken[k] {
			return &store.KeyConflictError{Kind: k.Kind, Value: k.Value}
		}
	}
	return nil
}

// keysUnchanged reports whether username holds exactly these keys, in
// this order.
func keysUnchanged(ctx context.Context, q queryer, poolID, username string, kinds, values []string) (bool, error) {
	rows, err := q.Query(ctx,
		"SELECT kind, value FROM user_keys WHERE pool_id = $1 AND username = $2 ORDER BY seq", poolID, username)
	if err != nil {
		return false, translate(err, "read user keys")
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var kind, value string
		if err := rows.Scan(&kind, textOf{&value}); err != nil {
			return false, translate(err, "read user keys")
		}
		if i >= len(kinds) || kinds[i] != kind || values[i] != value {
			return false, nil
		}
		i++
	}
	return i == len(kinds), translate(rows.Err(), "read user keys")
}

// checkUserKeys reports the first of the keys that another user of the pool
// holds. With creating set every holder counts; otherwise keys held by
// username itself are fine.
func checkUserKeys(ctx context.Context, q queryer, poolID, username string, kinds, values []string, creating bool) error {
	if len(kinds) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT kind, value FROM user_keys
		WHERE pool_id = $1 AND ($2 OR username <> $3)
		  AND (kind, value) IN (SELECT * FROM unnest($4::text[], $5::bytea[]))`,
		poolID, creating, username, kinds, binStrings(values))
	if err != nil {
		return translate(err, "check user keys")
	}
	defer rows.Close()
	taken := make(map[store.UserKey]bool)
	for rows.Next() {
		var k store.UserKey
		if err := rows.Scan(&k.Kind, textOf{&k.Value}); err != nil {
			return translate(err, "check user keys")
		}
		taken[k] = true
	}
	if err := rows.Err(); err != nil {
		return translate(err, "check user keys")
	}
	return firstTakenKey(kinds, values, taken)
}

// insertUserKeys inserts the user's keys in one statement, numbering them in
// the caller's order. A key another transaction took after checkUserKeys
// ran is skipped by ON CONFLICT DO NOTHING (after waiting for that
// transaction to commit) instead of failing with an untranslated unique
// violation: the skipped key is reported as a KeyConflictError, and the
// enclosing atomic unit rolls everything back. (At SERIALIZABLE, a conflict
// with a row the snapshot cannot see is a serialization failure instead,
// which Tx retries; the retry then finds the key in checkUserKeys.)
func insertUserKeys(ctx context.Context, q queryer, poolID, username string, kinds, values []string) error {
	if len(kinds) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `INSERT INTO user_keys (pool_id, kind, value, username, seq)
		SELECT $1, t.kind, t.value, $2, t.n::integer
		FROM unnest($3::text[], $4::bytea[]) WITH ORDINALITY AS t(kind, value, n)
		ON CONFLICT DO NOTHING
		RETURNING kind, value`, poolID, username, kinds, binStrings(values))
	if err != nil {
		return translate(err, "insert user keys")
	}
	defer rows.Close()
	inserted := make(map[store.UserKey]bool, len(kinds))
	for rows.Next() {
		var k store.UserKey
		if err := rows.Scan(&k.Kind, textOf{&k.Value}); err != nil {
			return translate(err, "insert user keys")
		}
		inserted[k] = true
	}
	if err := rows.Err(); err != nil {
		return translate(err, "insert user keys")
	}
	if len(inserted) == len(kinds) {
		return nil
	}
	taken := make(map[store.UserKey]bool, len(kinds))
	for i := range kinds {
		k := store.UserKey{Kind: kinds[i], Value: values[i]}
		taken[k] = !inserted[k]
	}
	return firstTakenKey(kinds, values, taken)
}
