package store

import (
	"context"
	"time"
)

// Group is a group of a user pool (Cognito's GroupType). Name is unique
// within its pool and compared byte for byte. Precedence nil is Cognito's
// null precedence, which is not the same as 0 (the highest one).
type Group struct {
	PoolID      string
	Name        string
	Description string
	RoleArn     string
	Precedence  *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Groups is the part of the Store contract that keeps a pool's groups and
// which users belong to them (issue 16). Memberships name users by their
// stored Username. A membership lives only as long as both ends: deleting
// the user (DeleteUser), the group (DeleteGroup) or the pool (DeletePool)
// removes it, so a user or group created again later under the same name
// starts with no memberships. Every Store implements it.
type Groups interface {
	// CreateGroup inserts g; ErrConflict if the pool has a group of that
	// Name, ErrNotFound if the pool does not exist.
	CreateGroup(ctx context.Context, g *Group) error
	// GetGroup returns the pool's group or ErrNotFound.
	GetGroup(ctx context.Context, poolID, name string) (*Group, error)
	// UpdateGroup replaces Description, RoleArn, Precedence and UpdatedAt
	// of the group (PoolID, Name); ErrNotFound if absent.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup removes the group and its memberships; ErrNotFound if
	// absent.
	DeleteGroup(ctx context.Context, poolID, name string) error
	// ListGroups returns up to limit groups of the pool with Name >
	// afterName, ordered by Name (byte order).
	ListGroups(ctx context.Context, poolID, afterName string, limit int) ([]*Group, error)

	// AddUserToGroup makes the user a member of the group; adding a
	// member again changes nothing and is no error. ErrNotFound if the
	// group or the user does not exist.
	AddUserToGroup(ctx context.Context, poolID, group, username string) error
	// RemoveUserFromGroup ends the user's membership of the group; it is
	// no error if there was none.
	RemoveUserFromGroup(ctx context.Context, poolID, group, username string) error
	// ListUserGroups returns up to limit groups the user belongs to, with
	// Name > afterName, ordered by Name (byte order).
	ListUserGroups(ctx context.Context, poolID, username, afterName string, limit int) ([]*Group, error)
	// ListGroupUsers returns up to limit members of the group, with
	// Username > afterUsername, ordered by Username (byte order), each
	// with its Keys as GetUserByKey returns them.
	ListGroupUsers(ctx context.Context, poolID, group, afterUsername string, limit int) ([]*User, error)
}
