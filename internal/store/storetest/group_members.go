package storetest

import (
	"context"
	"testing"

	"github.com/userpool/userpool/internal/store"
)

// Memberships: adding and removing are idempotent, both lists page in byte
// order, and the members come back as whole users with their keys.
func testMemberships(t *testing.T, ctx context.Context, s store.Store) {
	createPool(t, ctx, s, "p1")
	createPool(t, ctx, s, "p2")
	alice := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
	bob := createUser(t, ctx, s, "p1", "bob")
	carol := createUser(t, ctx, s, "p1", "Carol")
	createUser(t, ctx, s, "p2", "alice")
	admins := createGroup(t, ctx, s, newGroup("p1", "admins", prec(1)))
	readers := createGroup(t, ctx, s, newGroup("p1", "readers", nil))
	writers := createGroup(t, ctx, s, newGroup("p1", "Writers", prec(0)))
	createGroup(t, ctx, s, newGroup("p2", "admins", nil))

	for _, g := range []string{"readers", "admins", "Writers", "admins"} { // the second admins changes nothing
		must(t, s.AddUserToGroup(ctx, "p1", g, "alice"), "AddUserToGroup alice "+g)
	}
	for _, u := range []string{"bob", "Carol"} {
		must(t, s.AddUserToGroup(ctx, "p1", "admins", u), "AddUserToGroup "+u)
	}
	sameList(t, groupView, userGroups(t, ctx, s, "p1", "alice"), []*store.Group{writers, admins, readers},
		"alice's groups in byte order")
	sameList(t, userView, groupUsers(t, ctx, s, "p1", "admins"), []*store.User{carol, alice, bob},
		"the admins in byte order, with their keys")
	if gs := userGroups(t, ctx, s, "p2", "alice"); len(gs) != 0 {
		t.Errorf("alice of p2 is in %d groups, want none (memberships are per pool)", len(gs))
	}

	page, err := s.ListUserGroups(ctx, "p1", "alice", "Writers", 1)
	must(t, err, "ListUserGroups after Writers")
	sameList(t, groupView, page, []*store.Group{admins}, "ListUserGroups page")
	users, err := s.ListGroupUsers(ctx, "p1", "admins", "Carol", 1)
	must(t, err, "ListGroupUsers after Carol")
	sameList(t, userView, users, []*store.User{alice}, "ListGroupUsers page")

	wantErr(t, s.AddUserToGroup(ctx, "p1", "missing", "alice"), store.ErrNotFound, "add to a missing group")
	wantErr(t, s.AddUserToGroup(ctx, "p1", "admins", "nobody"), store.ErrNotFound, "add a missing user")
	wantErr(t, s.AddUserToGroup(ctx, "p2", "readers", "alice"), store.ErrNotFound, "add to another pool's group")

	must(t, s.RemoveUserFromGroup(ctx, "p1", "admins", "alice"), "RemoveUserFromGroup")
	must(t, s.RemoveUserFromGroup(ctx, "p1", "admins", "alice"), "RemoveUserFromGroup again")
	must(t, s.RemoveUserFromGroup(ctx, "p1", "missing", "nobody"), "RemoveUserFromGroup of nothing")
	sameList(t, groupView, userGroups(t, ctx, s, "p1", "alice"), []*store.Group{writers, readers}, "after the removal")
	sameList(t, userView, groupUsers(t, ctx, s, "p1", "admins"), []*store.User{carol, bob}, "admins after the removal")
	if us := groupUsers(t, ctx, s, "p1", "missing"); len(us) != 0 {
		t.Errorf("a missing group has %d members", len(us))
	}
}

// Memberships go with the user, the group and the pool: a user or group
// created again under the same name starts with none.
func testMembershipCascades(t *testing.T, ctx context.Context, s store.Store) {
	createPool(t, ctx, s, "p1")
	createPool(t, ctx, s, "p2")
	for _, p := range []string{"p1", "p2"} {
		createUser(t, ctx, s, p, "alice")
		createUser(t, ctx, s, p, "bob")
		createGroup(t, ctx, s, newGroup(p, "admins", nil))
		createGroup(t, ctx, s, newGroup(p, "readers", nil))
		for _, g := range []string{"admins", "readers"} {
			for _, u := range []string{"alice", "bob"} {
				must(t, s.AddUserToGroup(ctx, p, g, u), "AddUserToGroup")
			}
		}
	}

	must(t, s.DeleteUser(ctx, "p1", "alice"), "DeleteUser")
	alice := createUser(t, ctx, s, "p1", "alice")
	if gs := userGroups(t, ctx, s, "p1", "alice"); len(gs) != 0 {
		t.Errorf("a re-created user is in %d groups, want none", len(gs))
	}
	bob, err := s.GetUserByKey(ctx, "p1", "username", "bob")
	must(t, err, "GetUserByKey bob")
	sameList(t, userView, groupUsers(t, ctx, s, "p1", "admins"), []*store.User{bob}, "admins after DeleteUser")

	must(t, s.DeleteGroup(ctx, "p1", "admins"), "DeleteGroup")
	wantErr(t, s.DeleteGroup(ctx, "p1", "admins"), store.ErrNotFound, "DeleteGroup again")
	_, err = s.GetGroup(ctx, "p1", "admins")
	wantErr(t, err, store.ErrNotFound, "GetGroup after DeleteGroup")
	createGroup(t, ctx, s, newGroup("p1", "admins", nil))
	if us := groupUsers(t, ctx, s, "p1", "admins"); len(us) != 0 {
		t.Errorf("a re-created group has %d members, want none", len(us))
	}
	sameList(t, groupView, userGroups(t, ctx, s, "p1", "bob"), []*store.Group{newGroup("p1", "readers", nil)},
		"bob's groups after DeleteGroup")
	must(t, s.AddUserToGroup(ctx, "p1", "admins", "alice"), "the re-created user joins the re-created group")
	sameList(t, userView, groupUsers(t, ctx, s, "p1", "admins"), []*store.User{alice}, "the new membership")

	must(t, s.DeletePool(ctx, "p1"), "DeletePool")
	createPool(t, ctx, s, "p1")
	if gs, err := s.ListGroups(ctx, "p1", "", 10); err != nil || len(gs) != 0 {
		t.Errorf("a re-created pool has groups %v (%v), want none", gs, err)
	}
	createUser(t, ctx, s, "p1", "bob")
	if gs := userGroups(t, ctx, s, "p1", "bob"); len(gs) != 0 {
		t.Errorf("a user of a re-created pool is in %d groups, want none", len(gs))
	}
	if us := groupUsers(t, ctx, s, "p2", "admins"); len(us) != 2 {
		t.Errorf("p2's admins have %d members after p1 was deleted, want 2", len(us))
	}
}
