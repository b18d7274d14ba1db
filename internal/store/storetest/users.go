package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

var userTests = []testCase{
	{"CredentialDocumentsRoundTrip", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := newUser("p1", "alice")
		u.Verifier = []byte{0, 1, 2, 0xff, 0}
		must(t, s.CreateUser(ctx, u), "CreateUser")
		got, err := s.GetUserByKey(ctx, "p1", "username", "alice")
		must(t, err, "GetUserByKey")
		if !bytes.Equal(got.Verifier, u.Verifier) || got.MFA != nil {
			t.Fatalf("after create: %s", userView(got))
		}
		got.Verifier, got.MFA = nil, []byte(`{"totp":"\u0000x"}`)
		must(t, s.UpdateUser(ctx, got), "UpdateUser")
		users, err := s.ListUsers(ctx, "p1", "", 10)
		must(t, err, "ListUsers")
		if len(users) != 1 || users[0].Verifier != nil || string(users[0].MFA) != `{"totp":"\u0000x"}` {
			t.Fatalf("after update: %v", users)
		}
	}},
	{"CreateGetByEachKey", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		want := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"),
			key("phone_number", "+15550100"), key("preferred_username", "ally"))
		createUser(t, ctx, s, "p1", "bob", email("bob@example.com"))
		lookup(t, ctx, s, want) // every key resolves to the full user, keys included
	}},
	{"GetByKeyMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
		gone(t, ctx, s, "p1", email("nobody@example.com"))
		gone(t, ctx, s, "p1", key("phone_number", "alice@example.com")) // right value, wrong kind
		gone(t, ctx, s, "p2", email("alice@example.com"))               // right key, wrong pool
		gone(t, ctx, s, "p1", key("username", "Alice"))                 // values are matched exactly
	}},
	{"KeysAreScopedByKindAndPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		// The same value under another kind, or in another pool, is another key.
		a := createUser(t, ctx, s, "p1", "alice", email("x"))
		b := createUser(t, ctx, s, "p1", "bob", key("preferred_username", "x"))
		c := createUser(t, ctx, s, "p2", "alice", email("x"))
		lookup(t, ctx, s, a)
		lookup(t, ctx, s, b)
		lookup(t, ctx, s, c)
	}},
	{"CreateKeyConflict", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		alice := createUser(t, ctx, s, "p1", "alice", email("shared@example.com"))
		bob := newUser("p1", "bob", key("phone_number", "+1555"), email("shared@example.com"))
		err := s.CreateUser(ctx, bob)
		wantKeyConflict(t, err, email("shared@example.com"), "CreateUser with a taken email")
		// Nothing of bob was written.
		for _, k := range bob.Keys {
			if k != email("shared@example.com") {
				gone(t, ctx, s, "p1", k)
			}
		}
		lookup(t, ctx, s, alice)
		if n, err := s.CountUsers(ctx, "p1"); err != nil || n != 1 {
			t.Errorf("CountUsers = %d, %v; want 1", n, err)
		}
	}},
	{"CreateDuplicateUsername", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		alice := createUser(t, ctx, s, "p1", "alice")
		dup := newUser("p1", "alice")
		dup.Keys = []store.UserKey{key("sub", "another-sub")}
		wantErr(t, s.CreateUser(ctx, dup), store.ErrConflict, "CreateUser with a taken username")
		gone(t, ctx, s, "p1", key("sub", "another-sub"))
		lookup(t, ctx, s, alice)
	}},
	{"CreateInMissingPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := newUser("nope", "alice")
		wantErr(t, s.CreateUser(ctx, u), store.ErrNotFound, "CreateUser in a missing pool")
		gone(t, ctx, s, "nope", u.Keys[0])
	}},
	{"Update", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
		upd := &store.User{
			PoolID: "p1", Username: "alice", Sub: "new-sub", Status: "RESET_REQUIRED",
			Enabled: false, PasswordHash: "new-hash",
			Attributes: []store.Attribute{{Name: "name", Value: "Alice"}},
			Keys:       u.Keys,
			CreatedAt:  t0.Add(time.Hour), UpdatedAt: t0.Add(2 * time.Hour),
		}
		must(t, s.UpdateUser(ctx, upd), "UpdateUser")
		want := *upd
		want.CreatedAt = u.CreatedAt // never changed by UpdateUser
		lookup(t, ctx, s, &want)
	}},
	{"UpdateSwapsKeys", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := createUser(t, ctx, s, "p1", "alice", email("old@example.com"), key("phone_number", "+1555"))
		upd := *u
		upd.Keys = []store.UserKey{u.Keys[0], u.Keys[1], email("new@example.com"), key("preferred_username", "ally")}
		must(t, s.UpdateUser(ctx, &upd), "UpdateUser")
		gone(t, ctx, s, "p1", email("old@example.com"))
		gone(t, ctx, s, "p1", key("phone_number", "+1555"))
		lookup(t, ctx, s, &upd)
		// The released key is free for another user.
		createUser(t, ctx, s, "p1", "bob", email("old@example.com"))
	}},
	{"UpdateKeepsOwnKeys", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
		createUser(t, ctx, s, "p1", "bob", email("bob@example.com"))
		// Re-submitting the keys the user already holds is not a conflict.
		u.Status = "ARCHIVED"
		must(t, s.UpdateUser(ctx, u), "UpdateUser with unchanged keys")
		slices.Reverse(u.Keys)
		must(t, s.UpdateUser(ctx, u), "UpdateUser with reordered keys")
		lookup(t, ctx, s, u)
	}},
	{"UpdateKeyConflict", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		alice := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
		bob := createUser(t, ctx, s, "p1", "bob", email("bob@example.com"))
		upd := *alice
		upd.Status = "CHANGED"
		upd.Keys = []store.UserKey{alice.Keys[0], alice.Keys[1], key("phone_number", "+1555"), email("bob@example.com")}
		err := s.UpdateUser(ctx, &upd)
		wantKeyConflict(t, err, email("bob@example.com"), "UpdateUser taking bob's email")
		// The failed update changed nothing.
		lookup(t, ctx, s, alice)
		lookup(t, ctx, s, bob)
		gone(t, ctx, s, "p1", key("phone_number", "+1555"))
	}},
	{"UpdateMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := newUser("p1", "ghost")
		wantErr(t, s.UpdateUser(ctx, u), store.ErrNotFound, "UpdateUser of a missing user")
		gone(t, ctx, s, "p1", u.Keys[0])
	}},
	{"AttributesRoundTrip", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := newUser("p1", "alice")
		// Not sorted, with empty, JSON-special and non-ASCII values: the
		// order and the exact strings must survive.
		u.Attributes = []store.Attribute{
			{Name: "zoneinfo", Value: "Europe/Paris"},
			{Name: "custom:quote", Value: `"}], {\n`},
			{Name: "email", Value: "a@example.com"},
			{Name: "name", Value: "Zoë 名前 🙂"},
			{Name: "custom:empty", Value: ""},
			{Name: "address", Value: "line1\nline2\t<>&"},
		}
		must(t, s.CreateUser(ctx, u), "CreateUser")
		lookup(t, ctx, s, u)
		us, err := s.ListUsers(ctx, "p1", "", 10)
		must(t, err, "ListUsers")
		sameList(t, userView, us, []*store.User{u}, "ListUsers")
		u.Attributes = []store.Attribute{u.Attributes[3], u.Attributes[0]}
		must(t, s.UpdateUser(ctx, u), "UpdateUser")
		lookup(t, ctx, s, u)
		u.Attributes = nil
		must(t, s.UpdateUser(ctx, u), "UpdateUser without attributes")
		lookup(t, ctx, s, u)
	}},
	{"Delete", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createClient(t, ctx, s, "p1", "c1")
		alice := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
		bob := createUser(t, ctx, s, "p1", "bob")
		t1 := putToken(t, ctx, s, "p1", "c1", "alice", "t1")
		t2 := putToken(t, ctx, s, "p1", "c1", "bob", "t2")
		must(t, s.DeleteUser(ctx, "p1", "alice"), "DeleteUser")
		for _, k := range alice.Keys {
			gone(t, ctx, s, "p1", k)
		}
		_, err := s.GetRefreshToken(ctx, t1.ID)
		wantErr(t, err, store.ErrNotFound, "GetRefreshToken of a deleted user's token")
		_, err = s.GetRefreshTokenByHash(ctx, t1.Hash)
		wantErr(t, err, store.ErrNotFound, "GetRefreshTokenByHash of a deleted user's token")
		wantErr(t, s.DeleteUser(ctx, "p1", "alice"), store.ErrNotFound, "second DeleteUser")
		lookup(t, ctx, s, bob)
		got, err := s.GetRefreshToken(ctx, t2.ID)
		must(t, err, "GetRefreshToken of the other user")
		same(t, tokenView, got, t2, "other user's token")
		if n, err := s.CountUsers(ctx, "p1"); err != nil || n != 1 {
			t.Errorf("CountUsers = %d, %v; want 1", n, err)
		}
		// The username and keys are free again.
		again := createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))
		lookup(t, ctx, s, again)
	}},
	{"PasswordHistory", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := newUser("p1", "alice")
		u.PasswordHistory = []string{"h3", "h2", "h1"} // newest first: kept in order
		u.PasswordChangedAt = t0.Add(-24 * time.Hour)
		must(t, s.CreateUser(ctx, u), "CreateUser")
		fresh := newUser("p1", "bob") // no history, unknown change time
		fresh.PasswordHistory, fresh.PasswordChangedAt = nil, time.Time{}
		must(t, s.CreateUser(ctx, fresh), "CreateUser without history")
		lookup(t, ctx, s, u)
		lookup(t, ctx, s, fresh)
		wantUnknownChange(t, ctx, s, fresh)
		us, err := s.ListUsers(ctx, "p1", "", 10)
		must(t, err, "ListUsers")
		sameList(t, userView, us, []*store.User{u, fresh}, "ListUsers")

		// A password change: the old hash goes to the front of the history.
		u.PasswordHistory = append([]string{u.PasswordHash}, u.PasswordHistory...)
		u.PasswordHash, u.PasswordChangedAt = "h5", t0
		must(t, s.UpdateUser(ctx, u), "UpdateUser")
		lookup(t, ctx, s, u)
		fresh.PasswordHistory, fresh.PasswordChangedAt = []string{"x"}, t0.Add(time.Minute)
		must(t, s.UpdateUser(ctx, fresh), "UpdateUser of the user without history")
		lookup(t, ctx, s, fresh)

		// Back to none: an empty history and the zero time round-trip too.
		u.PasswordHistory, u.PasswordChangedAt = []string{}, time.Time{}
		must(t, s.UpdateUser(ctx, u), "UpdateUser clearing the history")
		lookup(t, ctx, s, u)
		wantUnknownChange(t, ctx, s, u)
		us, err = s.ListUsers(ctx, "p1", "", 1)
		must(t, err, "ListUsers")
		if len(us) != 1 || !us[0].PasswordChangedAt.IsZero() || len(us[0].PasswordHistory) != 0 {
			t.Errorf("ListUsers: %v, want alice with no history and a zero PasswordChangedAt", us)
		}
	}},
	{"ListPaginationAndCount", testListUsers},
	{"ReturnsCopies", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		in := newUser("p1", "alice", email("alice@example.com"))
		must(t, s.CreateUser(ctx, in), "CreateUser")
		want := newUser("p1", "alice", email("alice@example.com"))
		in.Attributes[0].Value = "changed input"
		in.Keys[0].Value = "changed input"
		in.PasswordHistory[0] = "changed input"
		got, err := s.GetUserByKey(ctx, "p1", "username", "alice")
		must(t, err, "GetUserByKey")
		got.Attributes[0].Value = "changed output"
		got.Keys[0].Value = "changed output"
		got.PasswordHistory[0] = "changed output"
		lookup(t, ctx, s, want)
	}},
}

func testListUsers(t *testing.T, ctx context.Context, s store.Store) {
	createPool(t, ctx, s, "p1")
	createPool(t, ctx, s, "p2")
	byName := map[string]*store.User{}
	for i, name := range byteOrderIDs {
		byName[name] = createUser(t, ctx, s, "p1", name, email(fmt.Sprintf("u%d@example.com", i)))
		createUser(t, ctx, s, "p2", "other-"+name)
	}
	createPool(t, ctx, s, "empty")
	for pool, want := range map[string]int64{"p1": int64(len(byteOrderIDs)), "p2": int64(len(byteOrderIDs)), "empty": 0, "missing": 0} {
		n, err := s.CountUsers(ctx, pool)
		must(t, err, "CountUsers "+pool)
		if n != want {
			t.Errorf("CountUsers(%s) = %d, want %d", pool, n, want)
		}
	}
	var want []*store.User
	for _, name := range sortedIDs() {
		want = append(want, byName[name])
	}
	var got []*store.User
	after := ""
	for range len(want) + 1 {
		us, err := s.ListUsers(ctx, "p1", after, 5)
		must(t, err, "ListUsers")
		if len(us) > 5 {
			t.Fatalf("ListUsers(limit 5) returned %d users", len(us))
		}
		got = append(got, us...)
		if len(us) < 5 {
			break
		}
		after = us[len(us)-1].Username
	}
	// Listed users come with all their fields and keys.
	sameList(t, userView, got, want, "paged ListUsers of p1 (byte order)")
	us, err := s.ListUsers(ctx, "empty", "", 5)
	must(t, err, "ListUsers of an empty pool")
	if len(us) != 0 {
		t.Errorf("ListUsers of an empty pool returned %d users", len(us))
	}
}

// wantUnknownChange asserts that the user's PasswordChangedAt reads back as
// the zero time.Time, which callers test with IsZero.
func wantUnknownChange(t *testing.T, ctx context.Context, s store.Store, u *store.User) {
	t.Helper()
	got, err := s.GetUserByKey(ctx, u.PoolID, "username", u.Username)
	must(t, err, "GetUserByKey")
	if !got.PasswordChangedAt.IsZero() {
		t.Errorf("PasswordChangedAt of %s = %s, want the zero time", u.Username, timeView(got.PasswordChangedAt))
	}
}
