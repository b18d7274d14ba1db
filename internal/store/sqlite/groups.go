// A pool's groups and their members (store.Groups).

package sqlite

import (
	"context"
	"database/sql"

	"github.com/userpool/userpool/internal/store"
)

const groupColumns = "g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, g.updated_at"

func scanGroup(sc scanner) (*store.Group, error) {
	var (
		g                store.Group
		precedence       sql.NullInt64
		created, updated int64
	)
	if err := sc.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleArn, &precedence, &created, &updated); err != nil {
		return nil, err
	}
	if precedence.Valid {
		g.Precedence = &precedence.Int64
	}
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	return &g, nil
}

// nullPrecedence binds a nil precedence as NULL (Cognito's null precedence).
func nullPrecedence(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

// CreateGroup inserts g. The primary key makes a taken name a conflict and
// the foreign key a missing pool not-found (translate).
func (s *Store) CreateGroup(ctx context.Context, g *store.Group) error {
	_, err := s.writes().ExecContext(ctx, `INSERT INTO groups (pool_id, name, description, role_arn,
		precedence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.PoolID, g.Name, g.Description, g.RoleArn, nullPrecedence(g.Precedence), ms(g.CreatedAt), ms(g.UpdatedAt))
	return translate("create group "+g.Name, err)
}

// GetGroup returns the pool's group.
func (s *Store) GetGroup(ctx context.Context, poolID, name string) (*store.Group, error) {
	return getOne(ctx, s.reads(), "group", name, scanGroup,
		"SELECT "+groupColumns+" FROM groups g WHERE g.pool_id = ? AND g.name = ?", poolID, name)
}

// UpdateGroup replaces what UpdateGroup may change; CreatedAt stays.
func (s *Store) UpdateGroup(ctx context.Context, g *store.Group) error {
	res, err := s.writes().ExecContext(ctx, `UPDATE groups SET description = ?, role_arn = ?, precedence = ?,
		updated_at = ? WHERE pool_id = ? AND name = ?`,
		g.Description, g.RoleArn, nullPrecedence(g.Precedence), ms(g.UpdatedAt), g.PoolID, g.Name)
	if err != nil {
		return translate("update group "+g.Name, err)
	}
	return mustAffect(res, "group", g.Name)
}

// DeleteGroup deletes the group; ON DELETE CASCADE removes its memberships.
func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	res, err := s.writes().ExecContext(ctx, "DELETE FROM groups WHERE pool_id = ? AND name = ?", poolID, name)
	if err != nil {
		return translate("delete group "+name, err)
	}
	return mustAffect(res, "group", name)
}

// ListGroups pages through the pool's groups in name (byte) order.
func (s *Store) ListGroups(ctx context.Context, poolID, afterName string, limit int) ([]*store.Group, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryAll(ctx, s.reads(), "list groups", scanGroup, "SELECT "+groupColumns+
		" FROM groups g WHERE g.pool_id = ? AND g.name > ? ORDER BY g.name LIMIT ?", poolID, afterName, limit)
}

// AddUserToGroup inserts the membership. OR IGNORE makes an existing one
// no error; it does not cover foreign keys, so a missing group or user
// still fails, as not-found (translate).
func (s *Store) AddUserToGroup(ctx context.Context, poolID, group, username string) error {
	_, err := s.writes().ExecContext(ctx,
		"INSERT OR IGNORE INTO group_members (pool_id, group_name, username) VALUES (?, ?, ?)",
		poolID, group, username)
	return translate("add "+username+" to group "+group, err)
}

// RemoveUserFromGroup deletes the membership, if any.
func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, group, username string) error {
	_, err := s.writes().ExecContext(ctx,
		"DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username = ?", poolID, group, username)
	return translate("remove "+username+" from group "+group, err)
}

// ListUserGroups pages through the user's groups in name order, through
// the group_members_user index.
func (s *Store) ListUserGroups(ctx context.Context, poolID, username, afterName string, limit int) ([]*store.Group, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryAll(ctx, s.reads(), "list user groups", scanGroup, "SELECT "+groupColumns+` FROM group_members m
		JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
		WHERE m.pool_id = ? AND m.username = ? AND m.group_name > ?
		ORDER BY m.group_name LIMIT ?`, poolID, username, afterName, limit)
}

// ListGroupUsers pages through the group's members in username order. As
// in ListUsers, the LIMIT applies to users in the subquery, not to the
// joined key rows.
func (s *Store) ListGroupUsers(ctx context.Context, poolID, group, afterUsername string, limit int) ([]*store.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.reads().QueryContext(ctx, `SELECT `+userColumns+`
		FROM (SELECT m.pool_id, m.username FROM group_members m
		      WHERE m.pool_id = ? AND m.group_name = ? AND m.username > ?
		      ORDER BY m.username LIMIT ?) m
		JOIN users u ON u.pool_id = m.pool_id AND u.username = m.username
		`+userKeysJoin+`
		ORDER BY u.username, k.rowid`, poolID, group, afterUsername, limit)
	if err != nil {
		return nil, translate("list group users", err)
	}
	users, err := scanUsers(rows)
	if err != nil {
		return nil, translate("list group users", err)
	}
	return users, nil
}
