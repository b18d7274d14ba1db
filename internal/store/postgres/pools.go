// Pools and their app clients.

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

const poolColumns = "id, name, config, created_at, updated_at"

func scanPool(row pgx.Row) (*store.Pool, error) {
	var (
		p                store.Pool
		created, updated int64
	)
	if err := row.Scan(&p.ID, &p.Name, &p.Config, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// CreatePool inserts p; a duplicate ID is store.ErrConflict.
func (s *Store) CreatePool(ctx context.Context, p *store.Pool) error {
	_, err := s.execOne(ctx,
		"INSERT INTO pools ("+poolColumns+") VALUES ($1, $2, $3, $4, $5)",
		p.ID, p.Name, notNullBytes(p.Config), ms(p.CreatedAt), ms(p.UpdatedAt))
	return translate(err, "create pool "+p.ID)
}

// GetPool returns the pool with the given ID.
func (s *Store) GetPool(ctx context.Context, id string) (*store.Pool, error) {
	p, err := scanPool(s.q().QueryRow(ctx,
		"SELECT "+poolColumns+" FROM pools WHERE id = $1", id))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("pool %q", id))
	}
	return p, nil
}

// UpdatePool replaces the pool's Name, Config and UpdatedAt; CreatedAt is
// left as stored.
func (s *Store) UpdatePool(ctx context.Context, p *store.Pool) error {
	tag, err := s.q().Exec(ctx,
		"UPDATE pools SET name = $1, config = $2, updated_at = $3 WHERE id = $4",
		p.Name, notNullBytes(p.Config), ms(p.UpdatedAt), p.ID)
	if err != nil {
		return translate(err, "update pool "+p.ID)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: pool %q: %w", p.ID, store.ErrNotFound)
	}
	return nil
}

// DeletePool deletes the pool; the schema's ON DELETE CASCADE chains remove
// its clients, users (and with them their keys, refresh tokens and codes),
// signing key and attempts in the same statement. Messages have no foreign
// key and stay.
func (s *Store) DeletePool(ctx context.Context, id string) error {
	tag, err := s.q().Exec(ctx, "DELETE FROM pools WHERE id = $1", id)
	if err != nil {
		return translate(err, "delete pool "+id)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: pool %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// ListPools returns up to limit pools with ID > afterID in ID (byte) order;
// the id column is COLLATE "C".
func (s *Store) ListPools(ctx context.Context, afterID string, limit int) ([]*store.Pool, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.q().Query(ctx,
		"SELECT "+poolColumns+" FROM pools WHERE id > $1 ORDER BY id LIMIT $2", afterID, limit)
	if err != nil {
		return nil, translate(err, "list pools")
	}
	defer rows.Close()
	var out []*store.Pool
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return nil, translate(err, "list pools")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "list pools")
	}
	return out, nil
}

const clientColumns = "id, pool_id, name, secret, config, created_at, updated_at"

func scanClient(row pgx.Row) (*store.Client, error) {
	var (
		c                store.Client
		created, updated int64
	)
	err := row.Scan(&c.ID, &c.PoolID, &c.Name, &c.Secret, &c.Config, &created, &updated)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

// CreateClient inserts c. A duplicate ID is store.ErrConflict; a pool that
// does not exist fails the foreign key, which translate makes store.ErrNotFound.
func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	_, err := s.execOne(ctx,
		"INSERT INTO clients ("+clientColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7)",
		c.ID, c.PoolID, c.Name, c.Secret, notNullBytes(c.Config), ms(c.CreatedAt), ms(c.UpdatedAt))
	return translate(err, "create client "+c.ID)
}

// GetClient returns the client with the given (globally unique) ID.
func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	c, err := scanClient(s.q().QueryRow(ctx,
		"SELECT "+clientColumns+" FROM clients WHERE id = $1", id))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("client %q", id))
	}
	return c, nil
}

// UpdateClient replaces the client's Name, Config and UpdatedAt. PoolID,
// Secret and CreatedAt are left as stored: the contract lists what changes.
func (s *Store) UpdateClient(ctx context.Context, c *store.Client) error {
	tag, err := s.q().Exec(ctx,
		"UPDATE clients SET name = $1, config = $2, updated_at = $3 WHERE id = $4",
		c.Name, notNullBytes(c.Config), ms(c.UpdatedAt), c.ID)
	if err != nil {
		return translate(err, "update client "+c.ID)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: client %q: %w", c.ID, store.ErrNotFound)
	}
	return nil
}

// DeleteClient deletes the client.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	tag, err := s.q().Exec(ctx, "DELETE FROM clients WHERE id = $1", id)
	if err != nil {
		return translate(err, "delete client "+id)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: client %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// ListClients returns up to limit clients of poolID with ID > afterID in ID
// (byte) order. An unknown pool simply has no clients.
func (s *Store) ListClients(ctx context.Context, poolID, afterID string, limit int) ([]*store.Client, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.q().Query(ctx,
		"SELECT "+clientColumns+" FROM clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		poolID, afterID, limit)
	if err != nil {
		return nil, translate(err, "list clients")
	}
	defer rows.Close()
	var out []*store.Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, translate(err, "list clients")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "list clients")
	}
	return out, nil
}
