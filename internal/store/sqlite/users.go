package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// userColumns are the users columns, qualified with the alias u that every
// user query uses, followed by the kind and value of one of the user's keys
// (LEFT JOINed as k). A user with n keys comes back as n rows, in key
// insertion order; scanUsers folds them back into one record. Loading a
// user and its keys in one query keeps the pair consistent without a
// transaction and avoids a query per user in ListUsers.
const userColumns = `u.pool_id, u.username, u.sub, u.status, u.enabled, u.password_hash,
	u.attributes, u.created_at, u.updated_at, u.password_history, u.password_changed_at,
	u.srp_verifier, u.mfa, k.kind, k.value`

const userKeysJoin = `LEFT JOIN user_keys k ON k.pool_id = u.pool_id AND k.username = u.username`

// CreateUser inserts u and its keys. Keys are checked before anything is
// written, so the conflict names the key that is taken.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	attrs, err := encodeAttributes(u.Attributes)
	if err != nil {
		return err
	}
	history, err := encodeHistory(u.PasswordHistory)
	if err != nil {
		return err
	}
	keys := uniqueKeys(u.Keys)
	return s.atomic(ctx, func(q querier) error {
		if err := checkKeys(ctx, q, u.PoolID, keys, u.Username, true); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `INSERT INTO users (pool_id, username, sub, status,
			enabled, password_hash, attributes, created_at, updated_at,
			password_history, password_changed_at, srp_verifier, mfa)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.PoolID, u.Username, u.Sub, u.Status, u.Enabled, u.PasswordHash, attrs,
			ms(u.CreatedAt), ms(u.UpdatedAt), history, nullMS(u.PasswordChangedAt), u.Verifier, u.MFA)
		if err != nil {
			// A taken username without a colliding key, or a missing pool.
			return translate(fmt.Sprintf("create user %q in pool %q", u.Username, u.PoolID), err)
		}
		return insertKeys(ctx, q, u.PoolID, u.Username, keys)
	})
}

// UpdateUser replaces every field of the user except CreatedAt, and replaces
// its key set: the old keys are deleted and the new ones inserted, all in one
// transaction (or savepoint), so a failure leaves the user as it was.
func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	attrs, err := encodeAttributes(u.Attributes)
	if err != nil {
		return err
	}
	history, err := encodeHistory(u.PasswordHistory)
	if err != nil {
		return err
	}
	keys := uniqueKeys(u.Keys)
	return s.atomic(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE users SET sub = ?, status = ?, enabled = ?,
			password_hash = ?, attributes = ?, updated_at = ?,
			password_history = ?, password_changed_at = ?, srp_verifier = ?, mfa = ?
			WHERE pool_id = ? AND username = ?`,
			u.Sub, u.Status, u.Enabled, u.PasswordHash, attrs, ms(u.UpdatedAt),
			history, nullMS(u.PasswordChangedAt), u.Verifier, u.MFA, u.PoolID, u.Username)
		if err != nil {
			return translate(fmt.Sprintf("update user %q in pool %q", u.Username, u.PoolID), err)
		}
		if err := mustAffect(res, "user", u.Username); err != nil {
			return err
		}
		// The user keeps any key it already holds, so only other users'
		// keys conflict.
		if err := checkKeys(ctx, q, u.PoolID, keys, u.Username, false); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx,
			"DELETE FROM user_keys WHERE pool_id = ? AND username = ?", u.PoolID, u.Username)
		if err != nil {
			return translate("update user keys", err)
		}
		return insertKeys(ctx, q, u.PoolID, u.Username, keys)
	})
}

// GetUserByKey returns the user holding key (kind, value) in the pool, with
// all its keys, in one query.
func (s *Store) GetUserByKey(ctx context.Context, poolID, kind, value string) (*store.User, error) {
	rows, err := s.reads().QueryContext(ctx, `SELECT `+userColumns+`
		FROM user_keys f
		JOIN users u ON u.pool_id = f.pool_id AND u.username = f.username
		`+userKeysJoin+`
		WHERE f.pool_id = ? AND f.kind = ? AND f.value = ?
		ORDER BY k.rowid`, poolID, kind, value)
	if err != nil {
		return nil, translate("get user by key", err)
	}
	users, err := scanUsers(rows)
	if err != nil {
		return nil, translate("get user by key", err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("sqlite: user with %s %q in pool %q: %w", kind, value, poolID, store.ErrNotFound)
	}
	return users[0], nil
}

// DeleteUser deletes the user; ON DELETE CASCADE removes its keys and
// refresh tokens.
func (s *Store) DeleteUser(ctx context.Context, poolID, username string) error {
	res, err := s.writes().ExecContext(ctx,
		"DELETE FROM users WHERE pool_id = ? AND username = ?", poolID, username)
	if err != nil {
		return translate("delete user "+username, err)
	}
	return mustAffect(res, "user", username)
}

// ListUsers returns up to limit users of the pool with Username >
// afterUsername, in byte order (SQLite's BINARY collation). The LIMIT applies
// to users in the subquery, not to the joined key rows.
func (s *Store) ListUsers(ctx context.Context, poolID, afterUsername string, limit int) ([]*store.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.reads().QueryContext(ctx, `SELECT `+userColumns+`
		FROM (SELECT * FROM users WHERE pool_id = ? AND username > ?
		      ORDER BY username LIMIT ?) u
		`+userKeysJoin+`
		ORDER BY u.username, k.rowid`, poolID, afterUsername, limit)
	if err != nil {
		return nil, translate("list users", err)
	}
	users, err := scanUsers(rows)
	if err != nil {
		return nil, translate("list users", err)
	}
	return users, nil
}

// CountUsers returns how many users the pool has; an unknown pool has none.
func (s *Store) CountUsers(ctx context.Context, poolID string) (int64, error) {
	var n int64
	err := s.reads().QueryRowContext(ctx,
		"SELECT count(*) FROM users WHERE pool_id = ?", poolID).Scan(&n)
	if err != nil {
		return 0, translate("count users", err)
	}
	return n, nil
}

// scanUsers reads rows of userColumns, ordered by username and then key, and
// folds each user's key rows into one record. It closes rows.
func scanUsers(rows *sql.Rows) ([]*store.User, error) {
	defer rows.Close()
	var users []*store.User
	for rows.Next() {
		var (
			u                store.User
			attrs, history   string
			created, updated int64
			changed          sql.NullInt64
			kind, value      sql.NullString
		)
		err := rows.Scan(&u.PoolID, &u.Username, &u.Sub, &u.Status, &u.Enabled,
			&u.PasswordHash, &attrs, &created, &updated, &history, &changed, &u.Verifier, &u.MFA, &kind, &value)
		if err != nil {
			return nil, err
		}
		last := len(users) - 1
		if last < 0 || users[last].Username != u.Username {
			if u.Attributes, err = decodeAttributes(attrs); err != nil {
				return nil, err
			}
			if u.PasswordHistory, err = decodeHistory(history); err != nil {
				return nil, err
			}
			u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
			u.PasswordChangedAt = fromNullMS(changed)
			users = append(users, &u)
			last++
		}
		if kind.Valid {
			users[last].Keys = append(users[last].Keys, store.UserKey{Kind: kind.String, Value: value.String})
		}
	}
	return users, rows.Err()
}

// checkKeys reports the first of keys (in the caller's order) that another
// user of the pool holds. With creating set, every holder is another user;
// otherwise keys held by username itself are fine. It runs inside the write
// transaction, so nobody can take a key between the check and the insert.
func checkKeys(ctx context.Context, q querier, poolID string, keys []store.UserKey, username string, creating bool) error {
	if len(keys) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 1+2*len(keys))
	args = append(args, poolID)
	b.WriteString("SELECT kind, value, username FROM user_keys WHERE pool_id = ? AND (kind, value) IN (VALUES ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?)")
		args = append(args, k.Kind, k.Value)
	}
	b.WriteString(")")
	rows, err := q.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return translate("check user keys", err)
	}
	defer rows.Close()
	taken := make(map[store.UserKey]bool)
	for rows.Next() {
		var k store.UserKey
		var owner string
		if err := rows.Scan(&k.Kind, &k.Value, &owner); err != nil {
			return translate("check user keys", err)
		}
		taken[k] = creating || owner != username
	}
	if err := rows.Err(); err != nil {
		return translate("check user keys", err)
	}
	for _, k := range keys {
		if taken[k] {
			return &store.KeyConflictError{Kind: k.Kind, Value: k.Value}
		}
	}
	return nil
}

// insertKeys inserts the user's keys with one multi-row INSERT.
func insertKeys(ctx context.Context, q querier, poolID, username string, keys []store.UserKey) error {
	if len(keys) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 4*len(keys))
	b.WriteString("INSERT INTO user_keys (pool_id, kind, value, username) VALUES ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
		args = append(args, poolID, k.Kind, k.Value, username)
	}
	_, err := q.ExecContext(ctx, b.String(), args...)
	return translate("insert user keys", err)
}

// uniqueKeys drops repeated keys, keeping the first of each, so a caller
// listing the same key twice does not collide with itself.
func uniqueKeys(keys []store.UserKey) []store.UserKey {
	seen := make(map[store.UserKey]bool, len(keys))
	out := make([]store.UserKey, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// encodeAttributes stores attributes as a JSON array of {"Name","Value"}
// objects: an array, not an object, so their order survives the round trip.
func encodeAttributes(attrs []store.Attribute) (string, error) {
	if attrs == nil {
		attrs = []store.Attribute{}
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode attributes: %w", err)
	}
	return string(b), nil
}

func decodeAttributes(s string) ([]store.Attribute, error) {
	var attrs []store.Attribute
	if err := json.Unmarshal([]byte(s), &attrs); err != nil {
		return nil, fmt.Errorf("decode attributes: %w", err)
	}
	if len(attrs) == 0 {
		return nil, nil
	}
	return attrs, nil
}

// encodeHistory stores the password history as a JSON array of strings,
// newest first as the caller gave it.
func encodeHistory(hashes []string) (string, error) {
	if hashes == nil {
		hashes = []string{}
	}
	b, err := json.Marshal(hashes)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode password history: %w", err)
	}
	return string(b), nil
}

func decodeHistory(s string) ([]string, error) {
	if s == "[]" {
		return nil, nil // most users: no JSON decoding needed
	}
	var hashes []string
	if err := json.Unmarshal([]byte(s), &hashes); err != nil {
		return nil, fmt.Errorf("decode password history: %w", err)
	}
	if len(hashes) == 0 {
		return nil, nil
	}
	return hashes, nil
}
