// Pool items and domains (store.Federation).

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

const poolItemColumns = "pool_id, kind, name, config, created_at, updated_at"

func scanPoolItem(row pgx.Row) (*store.PoolItem, error) {
	var (
		it               store.PoolItem
		created, updated int64
	)
	if err := row.Scan(&it.PoolID, &it.Kind, &it.Name, &it.Config, &created, &updated); err != nil {
		return nil, err
	}
	it.CreatedAt, it.UpdatedAt = fromMS(created), fromMS(updated)
	return &it, nil
}

func itemID(poolID, kind, name string) string { return poolID + "/" + kind + "/" + name }

// CreatePoolItem inserts it under a savepoint (execOne): a duplicate or a
// missing pool must not abort the caller's transaction.
func (s *Store) CreatePoolItem(ctx context.Context, it *store.PoolItem) error {
	_, err := s.execOne(ctx, "INSERT INTO pool_items ("+poolItemColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
		it.PoolID, it.Kind, it.Name, notNullBytes(it.Config), ms(it.CreatedAt), ms(it.UpdatedAt))
	return translate(err, "create pool item "+itemID(it.PoolID, it.Kind, it.Name))
}

// GetPoolItem returns the item.
func (s *Store) GetPoolItem(ctx context.Context, poolID, kind, name string) (*store.PoolItem, error) {
	it, err := scanPoolItem(s.q().QueryRow(ctx,
		"SELECT "+poolItemColumns+" FROM pool_items WHERE pool_id = $1 AND kind = $2 AND name = $3", poolID, kind, name))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("pool item %q", itemID(poolID, kind, name)))
	}
	return it, nil
}

// UpdatePoolItem replaces Config and UpdatedAt.
func (s *Store) UpdatePoolItem(ctx context.Context, it *store.PoolItem) error {
	tag, err := s.q().Exec(ctx,
		"UPDATE pool_items SET config = $1, updated_at = $2 WHERE pool_id = $3 AND kind = $4 AND name = $5",
		notNullBytes(it.Config), ms(it.UpdatedAt), it.PoolID, it.Kind, it.Name)
	return affectedOne(tag.RowsAffected(), err, "pool item", itemID(it.PoolID, it.Kind, it.Name))
}

// DeletePoolItem deletes the item.
func (s *Store) DeletePoolItem(ctx context.Context, poolID, kind, name string) error {
	tag, err := s.q().Exec(ctx, "DELETE FROM pool_items WHERE pool_id = $1 AND kind = $2 AND name = $3", poolID, kind, name)
	return affectedOne(tag.RowsAffected(), err, "pool item", itemID(poolID, kind, name))
}

// ListPoolItems pages through the pool's items of kind in name (byte) order;
// the name column is COLLATE "C".
func (s *Store) ListPoolItems(ctx context.Context, poolID, kind, afterName string, limit int) ([]*store.PoolItem, error) {
	if limit <= 0 {
		return nil, nil
	}
	return collect(ctx, s, "list pool items", scanPoolItem,
		"SELECT "+poolItemColumns+" FROM pool_items WHERE pool_id = $1 AND kind = $2 AND name > $3 ORDER BY name LIMIT $4",
		poolID, kind, afterName, limit)
}

const domainColumns = "name, pool_id, config, created_at, updated_at"

func scanDomain(row pgx.Row) (*store.Domain, error) {
	var (
		d                store.Domain
		created, updated int64
	)
	if err := row.Scan(&d.Name, &d.PoolID, &d.Config, &created, &updated); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = fromMS(created), fromMS(updated)
	return &d, nil
}

// CreateDomain inserts d under a savepoint; the name is the primary key
// across every pool.
func (s *Store) CreateDomain(ctx context.Context, d *store.Domain) error {
	_, err := s.execOne(ctx, "INSERT INTO domains ("+domainColumns+") VALUES ($1, $2, $3, $4, $5)",
		d.Name, d.PoolID, notNullBytes(d.Config), ms(d.CreatedAt), ms(d.UpdatedAt))
	return translate(err, "create domain "+d.Name)
}

// GetDomain returns the domain by name.
func (s *Store) GetDomain(ctx context.Context, name string) (*store.Domain, error) {
	d, err := scanDomain(s.q().QueryRow(ctx, "SELECT "+domainColumns+" FROM domains WHERE name = $1", name))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("domain %q", name))
	}
	return d, nil
}

// UpdateDomain replaces Config and UpdatedAt.
func (s *Store) UpdateDomain(ctx context.Context, d *store.Domain) error {
	tag, err := s.q().Exec(ctx, "UPDATE domains SET config = $1, updated_at = $2 WHERE name = $3",
		notNullBytes(d.Config), ms(d.UpdatedAt), d.Name)
	return affectedOne(tag.RowsAffected(), err, "domain", d.Name)
}

// DeleteDomain deletes the domain.
func (s *Store) DeleteDomain(ctx context.Context, name string) error {
	tag, err := s.q().Exec(ctx, "DELETE FROM domains WHERE name = $1", name)
	return affectedOne(tag.RowsAffected(), err, "domain", name)
}

// ListDomains returns the pool's domains through the domains_pool index.
func (s *Store) ListDomains(ctx context.Context, poolID string) ([]*store.Domain, error) {
	return collect(ctx, s, "list domains", scanDomain,
		"SELECT "+domainColumns+" FROM domains WHERE pool_id = $1 ORDER BY name", poolID)
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, s *Store, op string, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := s.q().Query(ctx, sql, args...)
	if err != nil {
		return nil, translate(err, op)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, translate(err, op)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, op)
	}
	return out, nil
}
