// Pools and their app clients.

package sqlite

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

const poolColumns = "id, name, config, created_at, updated_at"

func scanPool(sc scanner) (*store.Pool, error) {
	var (
		p                store.Pool
		created, updated int64
	)
	if err := sc.Scan(&p.ID, &p.Name, &p.Config, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// CreatePool inserts p; a duplicate ID is store.ErrConflict.
func (s *Store) CreatePool(ctx context.Context, p *store.Pool) error {
	_, err := s.writes().ExecContext(ctx,
		"INSERT INTO pools ("+poolColumns+") VALUES (?, ?, ?, ?, ?)",
		p.ID, p.Name, blob(p.Config), ms(p.CreatedAt), ms(p.UpdatedAt))
	return translate("create pool "+p.ID, err)
}

// GetPool returns the pool with the given ID.
func (s *Store) GetPool(ctx context.Context, id string) (*store.Pool, error) {
	return getOne(ctx, s.reads(), "pool", id, scanPool,
		"SELECT "+poolColumns+" FROM pools WHERE id = ?", id)
}

// UpdatePool replaces the pool's Name, Config and UpdatedAt; CreatedAt is
// left as stored.
func (s *Store) UpdatePool(ctx context.Context, p *store.Pool) error {
	res, err := s.writes().ExecContext(ctx,
		"UPDATE pools SET name = ?, config = ?, updated_at = ? WHERE id = ?",
		p.Name, blob(p.Config), ms(p.UpdatedAt), p.ID)
	if err != nil {
		return translate("update pool "+p.ID, err)
	}
	return mustAffect(res, "pool", p.ID)
}

// DeletePool deletes the pool; the schema's ON DELETE CASCADE chains remove
// its clients, users, user keys, refresh tokens and signing key in the same
// statement.
func (s *Store) DeletePool(ctx context.Context, id string) error {
	res, err := s.writes().ExecContext(ctx, "DELETE FROM pools WHERE id = ?", id)
	if err != nil {
		return translate("delete pool "+id, err)
	}
	return mustAffect(res, "pool", id)
}

// ListPools returns up to limit pools with ID > afterID in ID (byte) order.
func (s *Store) ListPools(ctx context.Context, afterID string, limit int) ([]*store.Pool, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryAll(ctx, s.reads(), "list pools", scanPool,
		"SELECT "+poolColumns+" FROM pools WHERE id > ? ORDER BY id LIMIT ?", afterID, limit)
}

const clientColumns = "id, pool_id, name, secret, config, created_at, updated_at"

func scanClient(sc scanner) (*store.Client, error) {
	var (
		c                store.Client
		created, updated int64
	)
	err := sc.Scan(&c.ID, &c.PoolID, &c.Name, &c.Secret, &c.Config, &created, &updated)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

// CreateClient inserts c. A duplicate ID is store.ErrConflict; a pool that
// does not exist fails the foreign key, which translate makes store.ErrNotFound.
func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	_, err := s.writes().ExecContext(ctx,
		"INSERT INTO clients ("+clientColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		c.ID, c.PoolID, c.Name, c.Secret, blob(c.Config), ms(c.CreatedAt), ms(c.UpdatedAt))
	return translate("create client "+c.ID, err)
}

// GetClient returns the client with the given (globally unique) ID.
func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	return getOne(ctx, s.reads(), "client", id, scanClient,
		"SELECT "+clientColumns+" FROM clients WHERE id = ?", id)
}

// UpdateClient replaces the client's Name, Config and UpdatedAt. PoolID,
// Secret and CreatedAt are left as stored: the contract lists what changes.
func (s *Store) UpdateClient(ctx context.Context, c *store.Client) error {
	res, err := s.writes().ExecContext(ctx,
		"UPDATE clients SET name = ?, config = ?, updated_at = ? WHERE id = ?",
		c.Name, blob(c.Config), ms(c.UpdatedAt), c.ID)
	if err != nil {
		return translate("update client "+c.ID, err)
	}
	return mustAffect(res, "client", c.ID)
}

// DeleteClient deletes the client.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	res, err := s.writes().ExecContext(ctx, "DELETE FROM clients WHERE id = ?", id)
	if err != nil {
		return translate("delete client "+id, err)
	}
	return mustAffect(res, "client", id)
}

// ListClients returns up to limit clients of poolID with ID > afterID in ID
// (byte) order. An unknown pool simply has no clients.
func (s *Store) ListClients(ctx context.Context, poolID, afterID string, limit int) ([]*store.Client, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryAll(ctx, s.reads(), "list clients", scanClient,
		"SELECT "+clientColumns+" FROM clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?",
		poolID, afterID, limit)
}
