// A pool's groups and their members (store.Groups).

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

const groupColumns = "g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, g.updated_at"

// scanGroup reads groupColumns; the description is BYTEA (any string, NUL
// included: 0008_groups.sql) and a NULL precedence is a nil Precedence.
func scanGroup(row pgx.Row) (*store.Group, error) {
	var (
		g                store.Group
		created, updated int64
	)
	err := row.Scan(&g.PoolID, &g.Name, textOf{&g.Description}, &g.RoleArn, &g.Precedence, &created, &updated)
	if err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	return &g, nil
}

// CreateGroup inserts g under a savepoint of its own (execOne): a taken
// name (unique violation) or a missing pool (foreign key) must leave a
// caller's transaction usable.
func (s *Store) CreateGroup(ctx context.Context, g *store.Group) error {
	_, err := s.execOne(ctx, `INSERT INTO groups (pool_id, name, description, role_arn, precedence,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		g.PoolID, g.Name, bin(g.Description), g.RoleArn, g.Precedence, ms(g.CreatedAt), ms(g.UpdatedAt))
	return translate(err, "create group "+g.Name)
}

// GetGroup returns the pool's group.
func (s *Store) GetGroup(ctx context.Context, poolID, name string) (*store.Group, error) {
	g, err := scanGroup(s.q().QueryRow(ctx,
		"SELECT "+groupColumns+" FROM groups g WHERE g.pool_id = $1 AND g.name = $2", poolID, name))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("group %q", name))
	}
	return g, nil
}

// UpdateGroup replaces what UpdateGroup may change; CreatedAt stays.
func (s *Store) UpdateGroup(ctx context.Context, g *store.Group) error {
	tag, err := s.q().Exec(ctx, `UPDATE groups SET description = $1, role_arn = $2, precedence = $3,
		updated_at = $4 WHERE pool_id = $5 AND name = $6`,
		bin(g.Description), g.RoleArn, g.Precedence, ms(g.UpdatedAt), g.PoolID, g.Name)
	return affectedOne(tag.RowsAffected(), err, "update group", g.Name)
}

// DeleteGroup deletes the group; ON DELETE CASCADE removes its memberships.
func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	tag, err := s.q().Exec(ctx, "DELETE FROM groups WHERE pool_id = $1 AND name = $2", poolID, name)
	return affectedOne(tag.RowsAffected(), err, "delete group", name)
}

// affectedOne turns a statement that matched no row into not-found.
func affectedOne(n int64, err error, what, name string) error {
	if err != nil {
		return translate(err, what+" "+name)
	}
	if n == 0 {
		return fmt.Errorf("postgres: %s %q: %w", what, name, store.ErrNotFound)
	}
	return nil
}

// ListGroups pages through the pool's groups in name (byte) order.
func (s *Store) ListGroups(ctx context.Context, poolID, afterName string, limit int) ([]*store.Group, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.queryGroups(ctx, "list groups", "SELECT "+groupColumns+
		" FROM groups g WHERE g.pool_id = $1 AND g.name > $2 ORDER BY g.name LIMIT $3", poolID, afterName, limit)
}

// AddUserToGroup inserts the membership. ON CONFLICT DO NOTHING makes an
// existing one no error; a missing group or user fails the foreign key
// (not-found), under execOne's savepoint.
func (s *Store) AddUserToGroup(ctx context.Context, poolID, group, username string) error {
	_, err := s.execOne(ctx, `INSERT INTO group_members (pool_id, group_name, username)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, poolID, group, username)
	return translate(err, "add "+username+" to group "+group)
}

// RemoveUserFromGroup deletes the membership, if any.
func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, group, username string) error {
	_, err := s.q().Exec(ctx,
		"DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username = $3", poolID, group, username)
	return translate(err, "remove "+username+" from group "+group)
}

// ListUserGroups pages through the user's groups in name order, through
// the group_members_user index.
func (s *Store) ListUserGroups(ctx context.Context, poolID, username, afterName string, limit int) ([]*store.Group, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.queryGroups(ctx, "list user groups", "SELECT "+groupColumns+` FROM group_members m
		JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
		WHERE m.pool_id = $1 AND m.username = $2 AND m.group_name > $3
		ORDER BY m.group_name LIMIT $4`, poolID, username, afterName, limit)
}

func (s *Store) queryGroups(ctx context.Context, what, sql string, args ...any) ([]*store.Group, error) {
	rows, err := s.q().Query(ctx, sql, args...)
	if err != nil {
		return nil, translate(err, what)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*store.Group, error) { return scanGroup(r) })
	if err != nil {
		return nil, translate(err, what)
	}
	return out, nil
}

// ListGroupUsers pages through the group's members in username order,
// each with its keys (userSelect/userKeys, as ListUsers).
func (s *Store) ListGroupUsers(ctx context.Context, poolID, group, afterUsername string, limit int) ([]*store.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.q().Query(ctx, userSelect+`group_members m
		JOIN users u ON u.pool_id = m.pool_id AND u.username = m.username`+userKeys+`
		WHERE m.pool_id = $1 AND m.group_name = $2 AND m.username > $3
		ORDER BY m.username LIMIT $4`, poolID, group, afterUsername, limit)
	if err != nil {
		return nil, translate(err, "list group users")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*store.User, error) { return scanUser(r) })
	if err != nil {
		return nil, translate(err, "list group users")
	}
	return out, nil
}
