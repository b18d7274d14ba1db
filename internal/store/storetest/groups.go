package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// groupTests state the groups and memberships contract (store.Groups).

func prec(n int64) *int64 { return &n }

func newGroup(poolID, name string, precedence *int64) *store.Group {
	return &store.Group{PoolID: poolID, Name: name, Description: "the " + name,
		RoleArn: "arn:aws:iam::123456789012:role/" + name, Precedence: precedence,
		CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}
}

func groupView(g *store.Group) string {
	p := "null"
	if g.Precedence != nil {
		p = fmt.Sprint(*g.Precedence)
	}
	return fmt.Sprintf("Group{PoolID:%q Name:%q Description:%q RoleArn:%q Precedence:%s CreatedAt:%s UpdatedAt:%s}",
		g.PoolID, g.Name, g.Description, g.RoleArn, p, timeView(g.CreatedAt), timeView(g.UpdatedAt))
}

func createGroup(t *testing.T, ctx context.Context, s store.Store, g *store.Group) *store.Group {
	t.Helper()
	must(t, s.CreateGroup(ctx, g), "CreateGroup "+g.Name)
	return g
}

// userGroups lists every group the user belongs to.
func userGroups(t *testing.T, ctx context.Context, s store.Store, poolID, username string) []*store.Group {
	t.Helper()
	gs, err := s.ListUserGroups(ctx, poolID, username, "", 100)
	must(t, err, "ListUserGroups "+username)
	return gs
}

// groupUsers lists every member of the group.
func groupUsers(t *testing.T, ctx context.Context, s store.Store, poolID, group string) []*store.User {
	t.Helper()
	us, err := s.ListGroupUsers(ctx, poolID, group, "", 100)
	must(t, err, "ListGroupUsers "+group)
	return us
}

var groupTests = []testCase{
	{"RoundTrip", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		for _, g := range []*store.Group{newGroup("p1", "admins", prec(3)), newGroup("p1", "zero", prec(0)),
			newGroup("p1", "null", nil), {PoolID: "p1", Name: "bare", CreatedAt: t0, UpdatedAt: t0}} {
			createGroup(t, ctx, s, g)
			got, err := s.GetGroup(ctx, "p1", g.Name)
			must(t, err, "GetGroup "+g.Name)
			same(t, groupView, got, g, "GetGroup "+g.Name)
		}
		_, err := s.GetGroup(ctx, "p1", "missing")
		wantErr(t, err, store.ErrNotFound, "GetGroup of a missing group")
		_, err = s.GetGroup(ctx, "p2", "admins")
		wantErr(t, err, store.ErrNotFound, "GetGroup in another pool")
	}},
	{"UpdateReplacesFields", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		g := createGroup(t, ctx, s, newGroup("p1", "admins", prec(3)))
		upd := &store.Group{PoolID: "p1", Name: "admins", Description: "changed", RoleArn: "",
			Precedence: nil, CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(time.Minute)}
		must(t, s.UpdateGroup(ctx, upd), "UpdateGroup")
		got, err := s.GetGroup(ctx, "p1", "admins")
		must(t, err, "GetGroup")
		upd.CreatedAt = g.CreatedAt // CreatedAt is not the update's to change
		same(t, groupView, got, upd, "after UpdateGroup")
		upd.Precedence = prec(0)
		must(t, s.UpdateGroup(ctx, upd), "UpdateGroup to precedence 0")
		got, err = s.GetGroup(ctx, "p1", "admins")
		must(t, err, "GetGroup")
		same(t, groupView, got, upd, "precedence 0 is not null")
		wantErr(t, s.UpdateGroup(ctx, newGroup("p1", "missing", nil)), store.ErrNotFound, "UpdateGroup of a missing group")
	}},
	{"CreateConflictsAndMissingPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		createGroup(t, ctx, s, newGroup("p1", "admins", prec(1)))
		wantErr(t, s.CreateGroup(ctx, newGroup("p1", "admins", nil)), store.ErrConflict, "a second group of the name")
		createGroup(t, ctx, s, newGroup("p1", "Admins", nil)) // names are compared byte for byte
		createGroup(t, ctx, s, newGroup("p2", "admins", nil)) // and per pool
		wantErr(t, s.CreateGroup(ctx, newGroup("nope", "admins", nil)), store.ErrNotFound, "a group of a missing pool")
		got, err := s.GetGroup(ctx, "p1", "admins")
		must(t, err, "GetGroup")
		same(t, groupView, got, newGroup("p1", "admins", prec(1)), "the conflict changed nothing")
	}},
	{"ListGroupsPages", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		var want []*store.Group
		for _, n := range []string{"b", "B", "a", "é", "a b", "c"} {
			want = append(want, createGroup(t, ctx, s, newGroup("p1", n, nil)))
		}
		createGroup(t, ctx, s, newGroup("p2", "other", nil))
		byName := map[string]*store.Group{}
		for _, g := range want {
			byName[g.Name] = g
		}
		order := []string{"B", "a", "a b", "b", "c", "é"} // byte order
		var all []*store.Group
		after := ""
		for {
			page, err := s.ListGroups(ctx, "p1", after, 4)
			must(t, err, "ListGroups")
			if len(page) == 0 {
				break
			}
			all = append(all, page...)
			after = page[len(page)-1].Name
		}
		var wantAll []*store.Group
		for _, n := range order {
			wantAll = append(wantAll, byName[n])
		}
		sameList(t, groupView, all, wantAll, "ListGroups pages")
		none, err := s.ListGroups(ctx, "p1", "", 0)
		must(t, err, "ListGroups limit 0")
		if len(none) != 0 {
			t.Errorf("ListGroups with limit 0 returned %d groups", len(none))
		}
	}},
	{"Memberships", testMemberships},
	{"DeletesRemoveMemberships", testMembershipCascades},
	{"FailuresInTx", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		createGroup(t, ctx, s, newGroup("p1", "admins", nil))
		must(t, s.Tx(ctx, func(tx store.Store) error {
			wantErr(t, tx.CreateGroup(ctx, newGroup("p1", "admins", nil)), store.ErrConflict, "duplicate in a Tx")
			wantErr(t, tx.AddUserToGroup(ctx, "p1", "missing", "alice"), store.ErrNotFound, "missing group in a Tx")
			wantErr(t, tx.AddUserToGroup(ctx, "p1", "admins", "nobody"), store.ErrNotFound, "missing user in a Tx")
			if err := tx.CreateGroup(ctx, newGroup("p1", "readers", nil)); err != nil {
				return err
			}
			return tx.AddUserToGroup(ctx, "p1", "readers", "alice")
		}), "Tx with failures handled")
		sameList(t, groupView, userGroups(t, ctx, s, "p1", "alice"), []*store.Group{newGroup("p1", "readers", nil)},
			"the writes after the failures committed")
		boom := errors.New("boom")
		wantErr(t, s.Tx(ctx, func(tx store.Store) error {
			must(t, tx.AddUserToGroup(ctx, "p1", "admins", "alice"), "add in a failing Tx")
			must(t, tx.DeleteGroup(ctx, "p1", "readers"), "delete in a failing Tx")
			return boom
		}), boom, "failing Tx")
		sameList(t, groupView, userGroups(t, ctx, s, "p1", "alice"), []*store.Group{newGroup("p1", "readers", nil)},
			"a failed Tx changed no membership")
	}},
	{"Strings", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		for i, v := range textSamples {
			g := newGroup("p1", fmt.Sprintf("g%d", i), nil)
			g.Description = v
			createGroup(t, ctx, s, g)
			got, err := s.GetGroup(ctx, "p1", g.Name)
			must(t, err, "GetGroup")
			same(t, groupView, got, g, fmt.Sprintf("description sample %d", i))
		}
		for i, v := range nameSamples() {
			createGroup(t, ctx, s, newGroup("p1", v, nil))
			got, err := s.GetGroup(ctx, "p1", v)
			must(t, err, "GetGroup")
			same(t, groupView, got, newGroup("p1", v, nil), fmt.Sprintf("name sample %d", i))
		}
	}},
}
