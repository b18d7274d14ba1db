// Pool items and domains (store.Federation).

package sqlite

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

const poolItemColumns = "pool_id, kind, name, config, created_at, updated_at"

func scanPoolItem(sc scanner) (*store.PoolItem, error) {
	var (
		it               store.PoolItem
		created, updated int64
	)
	if err := sc.Scan(&it.PoolID, &it.Kind, &it.Name, &it.Config, &created, &updated); err != nil {
		return nil, err
	}
	it.CreatedAt, it.UpdatedAt = fromMS(created), fromMS(updated)
	return &it, nil
}

func itemID(poolID, kind, name string) string { return poolID + "/" + kind + "/" + name }

// CreatePoolItem inserts it: the primary key makes a duplicate a conflict,
// the foreign key a missing pool not-found.
func (s *Store) CreatePoolItem(ctx context.Context, it *store.PoolItem) error {
	_, err := s.writes().ExecContext(ctx, "INSERT INTO pool_items ("+poolItemColumns+") VALUES (?, ?, ?, ?, ?, ?)",
		it.PoolID, it.Kind, it.Name, blob(it.Config), ms(it.CreatedAt), ms(it.UpdatedAt))
	return translate("create pool item "+itemID(it.PoolID, it.Kind, it.Name), err)
}

// GetPoolItem returns the item.
func (s *Store) GetPoolItem(ctx context.Context, poolID, kind, name string) (*store.PoolItem, error) {
	return getOne(ctx, s.reads(), "pool item", itemID(poolID, kind, name), scanPoolItem,
		"SELECT "+poolItemColumns+" FROM pool_items WHERE pool_id = ? AND kind = ? AND name = ?", poolID, kind, name)
}

// UpdatePoolItem replaces Config and UpdatedAt.
func (s *Store) UpdatePoolItem(ctx context.Context, it *store.PoolItem) error {
	id := itemID(it.PoolID, it.Kind, it.Name)
	res, err := s.writes().ExecContext(ctx,
		"UPDATE pool_items SET config = ?, updated_at = ? WHERE pool_id = ? AND kind = ? AND name = ?",
		blob(it.Config), ms(it.UpdatedAt), it.PoolID, it.Kind, it.Name)
	if err != nil {
		return translate("update pool item "+id, err)
	}
	return mustAffect(res, "pool item", id)
}

// DeletePoolItem deletes the item.
func (s *Store) DeletePoolItem(ctx context.Context, poolID, kind, name string) error {
	id := itemID(poolID, kind, name)
	res, err := s.writes().ExecContext(ctx, "DELETE FROM pool_items WHERE pool_id = ? AND kind = ? AND name = ?",
		poolID, kind, name)
	if err != nil {
		return translate("delete pool item "+id, err)
	}
	return mustAffect(res, "pool item", id)
}

// ListPoolItems pages through the pool's items of kind in name (byte) order.
func (s *Store) ListPoolItems(ctx context.Context, poolID, kind, afterName string, limit int) ([]*store.PoolItem, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryAll(ctx, s.reads(), "list pool items", scanPoolItem,
		"SELECT "+poolItemColumns+" FROM pool_items WHERE pool_id = ? AND kind = ? AND name > ? ORDER BY name LIMIT ?",
		poolID, kind, afterName, limit)
}

const domainColumns = "name, pool_id, config, created_at, updated_at"

func scanDomain(sc scanner) (*store.Domain, error) {
	var (
		d                store.Domain
		created, updated int64
	)
	if err := sc.Scan(&d.Name, &d.PoolID, &d.Config, &created, &updated); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = fromMS(created), fromMS(updated)
	return &d, nil
}

// CreateDomain inserts d; the name is the primary key across every pool.
func (s *Store) CreateDomain(ctx context.Context, d *store.Domain) error {
	_, err := s.writes().ExecContext(ctx, "INSERT INTO domains ("+domainColumns+") VALUES (?, ?, ?, ?, ?)",
		d.Name, d.PoolID, blob(d.Config), ms(d.CreatedAt), ms(d.UpdatedAt))
	return translate("create domain "+d.Name, err)
}

// GetDomain returns the domain by name.
func (s *Store) GetDomain(ctx context.Context, name string) (*store.Domain, error) {
	return getOne(ctx, s.reads(), "domain", name, scanDomain,
		"SELECT "+domainColumns+" FROM domains WHERE name = ?", name)
}

// UpdateDomain replaces Config and UpdatedAt.
func (s *Store) UpdateDomain(ctx context.Context, d *store.Domain) error {
	res, err := s.writes().ExecContext(ctx, "UPDATE domains SET config = ?, updated_at = ? WHERE name = ?",
		blob(d.Config), ms(d.UpdatedAt), d.Name)
	if err != nil {
		return translate("update domain "+d.Name, err)
	}
	return mustAffect(res, "domain", d.Name)
}

// DeleteDomain deletes the domain.
func (s *Store) DeleteDomain(ctx context.Context, name string) error {
	res, err := s.writes().ExecContext(ctx, "DELETE FROM domains WHERE name = ?", name)
	if err != nil {
		return translate("delete domain "+name, err)
	}
	return mustAffect(res, "domain", name)
}

// ListDomains returns the pool's domains through the domains_pool index.
func (s *Store) ListDomains(ctx context.Context, poolID string) ([]*store.Domain, error) {
	return queryAll(ctx, s.reads(), "list domains", scanDomain,
		"SELECT "+domainColumns+" FROM domains WHERE pool_id = ? ORDER BY name", poolID)
}
