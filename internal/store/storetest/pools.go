package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// byteOrderIDs are IDs whose byte order differs from case-insensitive,
// numeric and locale-aware orders, in shuffled order.
var byteOrderIDs = []string{"b", "B", "a0", "é", "A", "a", "Z", "ab", "10", "9", "a-b", "a_b"}

func sortedIDs() []string {
	ids := slices.Clone(byteOrderIDs)
	slices.Sort(ids) // Go compares strings bytewise
	return ids
}

var poolTests = []testCase{
	{"CreateGet", func(t *testing.T, ctx context.Context, s store.Store) {
		want := createPool(t, ctx, s, "eu-west-1_abc")
		got, err := s.GetPool(ctx, want.ID)
		must(t, err, "GetPool")
		same(t, poolView, got, want, "GetPool")
	}},
	{"GetMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		_, err := s.GetPool(ctx, "p2")
		wantErr(t, err, store.ErrNotFound, "GetPool of a missing pool")
	}},
	{"CreateDuplicate", func(t *testing.T, ctx context.Context, s store.Store) {
		want := createPool(t, ctx, s, "p1")
		dup := newPool("p1")
		dup.Name = "other"
		wantErr(t, s.CreatePool(ctx, dup), store.ErrConflict, "CreatePool with a taken ID")
		got, err := s.GetPool(ctx, "p1")
		must(t, err, "GetPool")
		same(t, poolView, got, want, "pool after the failed duplicate create")
	}},
	{"Update", func(t *testing.T, ctx context.Context, s store.Store) {
		p := createPool(t, ctx, s, "p1")
		upd := &store.Pool{ID: "p1", Name: "renamed", Config: []byte(`{"v":2}`),
			CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(2 * time.Hour)}
		must(t, s.UpdatePool(ctx, upd), "UpdatePool")
		want := *upd
		want.CreatedAt = p.CreatedAt // UpdatePool must not change CreatedAt
		got, err := s.GetPool(ctx, "p1")
		must(t, err, "GetPool")
		same(t, poolView, got, &want, "pool after UpdatePool")
	}},
	{"UpdateMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		wantErr(t, s.UpdatePool(ctx, newPool("nope")), store.ErrNotFound, "UpdatePool of a missing pool")
		_, err := s.GetPool(ctx, "nope")
		wantErr(t, err, store.ErrNotFound, "GetPool after UpdatePool of a missing pool")
	}},
	{"Delete", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		keep := createPool(t, ctx, s, "p2")
		must(t, s.DeletePool(ctx, "p1"), "DeletePool")
		_, err := s.GetPool(ctx, "p1")
		wantErr(t, err, store.ErrNotFound, "GetPool after DeletePool")
		wantErr(t, s.DeletePool(ctx, "p1"), store.ErrNotFound, "second DeletePool")
		got, err := s.GetPool(ctx, "p2")
		must(t, err, "GetPool of the other pool")
		same(t, poolView, got, keep, "other pool")
	}},
	{"DeleteCascades", testDeletePoolCascades},
	{"ListPagination", func(t *testing.T, ctx context.Context, s store.Store) {
		for _, id := range byteOrderIDs {
			createPool(t, ctx, s, id)
		}
		want := sortedIDs()
		var got []string
		after := ""
		for page := 0; ; page++ {
			ps, err := s.ListPools(ctx, after, 5)
			must(t, err, "ListPools")
			if len(ps) > 5 {
				t.Fatalf("ListPools(limit 5) returned %d pools", len(ps))
			}
			for _, p := range ps {
				same(t, poolView, p, newPool(p.ID), "listed pool")
				got = append(got, p.ID)
			}
			if len(ps) < 5 {
				break
			}
			after = ps[len(ps)-1].ID
			if page > len(want) {
				t.Fatalf("ListPools does not terminate: after %q", after)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged ListPools IDs = %q, want byte order %q", got, want)
		}
		// afterID need not exist; "a+" sorts between "a" and "a-b".
		ps, err := s.ListPools(ctx, "a+", 2)
		must(t, err, "ListPools after a missing ID")
		if len(ps) != 2 || ps[0].ID != "a-b" || ps[1].ID != "a0" {
			t.Errorf("ListPools(after %q, 2) = %v, want [a-b a0]", "a+", poolIDs(ps))
		}
		ps, err = s.ListPools(ctx, want[len(want)-1], 5)
		must(t, err, "ListPools after the last ID")
		if len(ps) != 0 {
			t.Errorf("ListPools after the last ID = %v, want none", poolIDs(ps))
		}
	}},
	{"ReturnsCopies", func(t *testing.T, ctx context.Context, s store.Store) {
		in := newPool("p1")
		must(t, s.CreatePool(ctx, in), "CreatePool")
		in.Config[0] = 'X' // the store must not have kept the caller's slice
		got, err := s.GetPool(ctx, "p1")
		must(t, err, "GetPool")
		got.Config[0] = 'Y'
		again, err := s.GetPool(ctx, "p1")
		must(t, err, "GetPool")
		same(t, poolView, again, newPool("p1"), "pool after modifying input and output")
	}},
}

func poolIDs(ps []*store.Pool) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// populate fills a pool with two clients, two users with tokens and a
// signing key, returning one user and one token to probe.
func populate(t *testing.T, ctx context.Context, s store.Store, poolID string) (*store.User, *store.RefreshToken) {
	t.Helper()
	createPool(t, ctx, s, poolID)
	createClient(t, ctx, s, poolID, poolID+"-c1")
	createClient(t, ctx, s, poolID, poolID+"-c2")
	u := createUser(t, ctx, s, poolID, "alice", email("alice@example.com"))
	createUser(t, ctx, s, poolID, "bob")
	tok := putToken(t, ctx, s, poolID, poolID+"-c1", "alice", poolID+"-t1")
	putToken(t, ctx, s, poolID, poolID+"-c1", "bob", poolID+"-t2")
	must(t, s.CreateSigningKey(ctx, &store.SigningKey{PoolID: poolID, KeyID: poolID + "-k",
		PrivateKey: []byte("der " + poolID), CreatedAt: t0}), "CreateSigningKey")
	return u, tok
}

func testDeletePoolCascades(t *testing.T, ctx context.Context, s store.Store) {
	u, tok := populate(t, ctx, s, "doomed")
	keepUser, keepTok := populate(t, ctx, s, "kept")
	must(t, s.DeletePool(ctx, "doomed"), "DeletePool")

	for _, id := range []string{"doomed-c1", "doomed-c2"} {
		_, err := s.GetClient(ctx, id)
		wantErr(t, err, store.ErrNotFound, "GetClient "+id+" after DeletePool")
	}
	for _, k := range u.Keys {
		gone(t, ctx, s, "doomed", k)
	}
	if n, err := s.CountUsers(ctx, "doomed"); err != nil || n != 0 {
		t.Errorf("CountUsers after DeletePool = %d, %v; want 0, nil", n, err)
	}
	if us, err := s.ListUsers(ctx, "doomed", "", 10); err != nil || len(us) != 0 {
		t.Errorf("ListUsers after DeletePool = %d users, %v; want none", len(us), err)
	}
	if cs, err := s.ListClients(ctx, "doomed", "", 10); err != nil || len(cs) != 0 {
		t.Errorf("ListClients after DeletePool = %d clients, %v; want none", len(cs), err)
	}
	_, err := s.GetRefreshToken(ctx, tok.ID)
	wantErr(t, err, store.ErrNotFound, "GetRefreshToken after DeletePool")
	_, err = s.GetRefreshTokenByHash(ctx, tok.Hash)
	wantErr(t, err, store.ErrNotFound, "GetRefreshTokenByHash after DeletePool")
	_, err = s.GetSigningKey(ctx, "doomed")
	wantErr(t, err, store.ErrNotFound, "GetSigningKey after DeletePool")

	// The other pool is untouched.
	lookup(t, ctx, s, keepUser)
	gotTok, err := s.GetRefreshToken(ctx, keepTok.ID)
	must(t, err, "GetRefreshToken in the kept pool")
	same(t, tokenView, gotTok, keepTok, "token in the kept pool")
	_, err = s.GetSigningKey(ctx, "kept")
	must(t, err, "GetSigningKey of the kept pool")

	// Nothing was left behind: the same IDs and keys can be used again.
	populate(t, ctx, s, "doomed")
	lookup(t, ctx, s, u)
}

var clientTests = []testCase{
	{"CreateGet", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		want := createClient(t, ctx, s, "p1", "c1")
		public := newClient("p1", "c2")
		public.Secret = "" // a client without a secret
		must(t, s.CreateClient(ctx, public), "CreateClient without secret")
		for _, w := range []*store.Client{want, public} {
			got, err := s.GetClient(ctx, w.ID)
			must(t, err, "GetClient")
			same(t, clientView, got, w, "GetClient")
		}
	}},
	{"GetMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createClient(t, ctx, s, "p1", "c1")
		_, err := s.GetClient(ctx, "c2")
		wantErr(t, err, store.ErrNotFound, "GetClient of a missing client")
	}},
	{"CreateDuplicate", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		want := createClient(t, ctx, s, "p1", "c1")
		// Client IDs are globally unique, not per pool.
		wantErr(t, s.CreateClient(ctx, newClient("p2", "c1")), store.ErrConflict, "CreateClient with a taken ID")
		got, err := s.GetClient(ctx, "c1")
		must(t, err, "GetClient")
		same(t, clientView, got, want, "client after the failed duplicate create")
	}},
	{"CreateInMissingPool", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		wantErr(t, s.CreateClient(ctx, newClient("nope", "c1")), store.ErrNotFound, "CreateClient in a missing pool")
		_, err := s.GetClient(ctx, "c1")
		wantErr(t, err, store.ErrNotFound, "GetClient after a failed create")
	}},
	{"Update", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		c := createClient(t, ctx, s, "p1", "c1")
		upd := *c
		upd.Name, upd.Config = "renamed", []byte(`{"v":2}`)
		upd.CreatedAt, upd.UpdatedAt = t0.Add(time.Hour), t0.Add(2*time.Hour)
		must(t, s.UpdateClient(ctx, &upd), "UpdateClient")
		want := upd
		want.CreatedAt = c.CreatedAt
		got, err := s.GetClient(ctx, "c1")
		must(t, err, "GetClient")
		same(t, clientView, got, &want, "client after UpdateClient")
	}},
	{"UpdateKeepsSecret", func(t *testing.T, ctx context.Context, s store.Store) {
		// UpdateClient replaces Name, Config and UpdatedAt only.
		createPool(t, ctx, s, "p1")
		c := createClient(t, ctx, s, "p1", "c1")
		upd := *c
		upd.Secret = "changed"
		upd.Name = "renamed"
		must(t, s.UpdateClient(ctx, &upd), "UpdateClient")
		got, err := s.GetClient(ctx, "c1")
		must(t, err, "GetClient")
		if got.Secret != c.Secret || got.Name != "renamed" {
			t.Errorf("after UpdateClient: Secret %q, Name %q; want Secret %q kept, Name %q", got.Secret, got.Name, c.Secret, "renamed")
		}
	}},
	{"UpdateMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		wantErr(t, s.UpdateClient(ctx, newClient("p1", "nope")), store.ErrNotFound, "UpdateClient of a missing client")
	}},
	{"Delete", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createClient(t, ctx, s, "p1", "c1")
		keep := createClient(t, ctx, s, "p1", "c2")
		must(t, s.DeleteClient(ctx, "c1"), "DeleteClient")
		_, err := s.GetClient(ctx, "c1")
		wantErr(t, err, store.ErrNotFound, "GetClient after DeleteClient")
		wantErr(t, s.DeleteClient(ctx, "c1"), store.ErrNotFound, "second DeleteClient")
		got, err := s.GetClient(ctx, "c2")
		must(t, err, "GetClient of the other client")
		same(t, clientView, got, keep, "other client")
		if _, err := s.GetPool(ctx, "p1"); err != nil {
			t.Errorf("GetPool after DeleteClient: %v", err)
		}
	}},
	{"ListPagination", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		for _, id := range rand.Perm(len(byteOrderIDs)) {
			createClient(t, ctx, s, "p1", byteOrderIDs[id])
			createClient(t, ctx, s, "p2", "other-"+byteOrderIDs[id])
		}
		var got []*store.Client
		after := ""
		for range len(byteOrderIDs) + 1 {
			cs, err := s.ListClients(ctx, "p1", after, 4)
			must(t, err, "ListClients")
			if len(cs) > 4 {
				t.Fatalf("ListClients(limit 4) returned %d clients", len(cs))
			}
			got = append(got, cs...)
			if len(cs) < 4 {
				break
			}
			after = cs[len(cs)-1].ID
		}
		var want []*store.Client
		for _, id := range sortedIDs() {
			want = append(want, newClient("p1", id))
		}
		sameList(t, clientView, got, want, "paged ListClients of p1")
		cs, err := s.ListClients(ctx, "missing-pool", "", 10)
		must(t, err, "ListClients of a missing pool")
		if len(cs) != 0 {
			t.Errorf("ListClients of a missing pool returned %d clients", len(cs))
		}
	}},
	{"ReturnsCopies", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		in := newClient("p1", "c1")
		must(t, s.CreateClient(ctx, in), "CreateClient")
		in.Config[0] = 'X'
		got, err := s.GetClient(ctx, "c1")
		must(t, err, "GetClient")
		got.Config[0] = 'Y'
		again, err := s.GetClient(ctx, "c1")
		must(t, err, "GetClient")
		same(t, clientView, again, newClient("p1", "c1"), "client after modifying input and output")
	}},
}
