// One-time codes: the one outstanding code of each (user, purpose).

package sqlite

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

const codeColumns = "pool_id, username, purpose, mac, attribute, created_at, expires_at"

func scanCode(sc scanner) (*store.Code, error) {
	var (
		c                store.Code
		created, expires int64
	)
	err := sc.Scan(&c.PoolID, &c.Username, &c.Purpose, &c.MAC, &c.Attribute, &created, &expires)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.ExpiresAt = fromMS(created), fromMS(expires)
	return &c, nil
}

// codeID names a code in errors.
func codeID(poolID, username, purpose string) string {
	return poolID + "/" + username + "/" + purpose
}

// PutCode stores c, replacing the user's earlier code of the same purpose:
// one upsert on the primary key, so concurrent puts cannot leave two codes.
// A user that does not exist fails the foreign key: store.ErrNotFound.
func (s *Store) PutCode(ctx context.Context, c *store.Code) error {
	_, err := s.writes().ExecContext(ctx, "INSERT INTO codes ("+codeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (pool_id, username, purpose) DO UPDATE SET
			mac = excluded.mac, attribute = excluded.attribute,
			created_at = excluded.created_at, expires_at = excluded.expires_at`,
		c.PoolID, c.Username, c.Purpose, blob(c.MAC), c.Attribute, ms(c.CreatedAt), ms(c.ExpiresAt))
	return translate("put code "+codeID(c.PoolID, c.Username, c.Purpose), err)
}

const getCodeQuery = "SELECT " + codeColumns + " FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?"

// GetCode returns the outstanding code, whether or not it has expired:
// expiry is the caller's rule.
func (s *Store) GetCode(ctx context.Context, poolID, username, purpose string) (*store.Code, error) {
	return getOne(ctx, s.reads(), "code", codeID(poolID, username, purpose), scanCode,
		getCodeQuery, poolID, username, purpose)
}

// ConsumeCode deletes the code if its MAC equals mac. The MAC is part of the
// DELETE's condition, so checking and deleting are one statement: of
// concurrent consumers exactly one deletes the row, and the others find
// nothing to delete. A wrong MAC deletes nothing either, and leaves the code.
//
// The comparison is SQLite's memcmp, not constant-time; mac is a keyed MAC
// of the guess, so its timing tells a guesser nothing about the code.
func (s *Store) ConsumeCode(ctx context.Context, poolID, username, purpose string, mac []byte) error {
	id := codeID(poolID, username, purpose)
	res, err := s.writes().ExecContext(ctx,
		"DELETE FROM codes WHERE pool_id = ? AND username = ? AND purpose = ? AND mac = ?",
		poolID, username, purpose, blob(mac))
	if err != nil {
		return translate("consume code "+id, err)
	}
	return mustAffect(res, "code with that MAC", id)
}
