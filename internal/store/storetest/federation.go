package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

func newItem(poolID, kind, name string) *store.PoolItem {
	return &store.PoolItem{PoolID: poolID, Kind: kind, Name: name, Config: []byte(`{"item":"` + name + `"}`),
		CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}
}

func newDomain(poolID, name string) *store.Domain {
	return &store.Domain{Name: name, PoolID: poolID, Config: []byte(`{"domain":"` + name + `"}`),
		CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}
}

func sameItem(t *testing.T, got, want *store.PoolItem) {
	t.Helper()
	if got.PoolID != want.PoolID || got.Kind != want.Kind || got.Name != want.Name || !bytes.Equal(got.Config, want.Config) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("item = %+v, want %+v", got, want)
	}
}

func itemNames(items []*store.PoolItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}

// federationTests state the pool item and domain contract (store.Federation).
var federationTests = []testCase{
	{"PoolItemRoundTrip", func(t *testing.T, ctx context.Context, s store.Store) {
		must(t, s.CreatePool(ctx, newPool("p1")), "create pool")
		it := newItem("p1", "idp", "Google")
		must(t, s.CreatePoolItem(ctx, it), "create item")
		got, err := s.GetPoolItem(ctx, "p1", "idp", "Google")
		must(t, err, "get item")
		sameItem(t, got, it)
		wantErr(t, s.CreatePoolItem(ctx, newItem("p1", "idp", "Google")), store.ErrConflict, "duplicate item")
		must(t, s.CreatePoolItem(ctx, newItem("p1", "resource-server", "Google")), "same name, other kind")
		wantErr(t, s.CreatePoolItem(ctx, newItem("nope", "idp", "Google")), store.ErrNotFound, "item of a missing pool")
		_, err = s.GetPoolItem(ctx, "p1", "idp", "google")
		wantErr(t, err, store.ErrNotFound, "names are case-sensitive")

		it.Config, it.UpdatedAt = []byte(`{"v":2}`), t0.Add(time.Hour)
		must(t, s.UpdatePoolItem(ctx, it), "update item")
		got, err = s.GetPoolItem(ctx, "p1", "idp", "Google")
		must(t, err, "get updated item")
		sameItem(t, got, it)
		wantErr(t, s.UpdatePoolItem(ctx, newItem("p1", "idp", "Other")), store.ErrNotFound, "update a missing item")

		must(t, s.DeletePoolItem(ctx, "p1", "idp", "Google"), "delete item")
		wantErr(t, s.DeletePoolItem(ctx, "p1", "idp", "Google"), store.ErrNotFound, "delete again")
		_, err = s.GetPoolItem(ctx, "p1", "idp", "Google")
		wantErr(t, err, store.ErrNotFound, "get a deleted item")
	}},
	{"PoolItemsListInNameOrder", func(t *testing.T, ctx context.Context, s store.Store) {
		must(t, s.CreatePool(ctx, newPool("p1")), "create pool")
		must(t, s.CreatePool(ctx, newPool("p2")), "create pool 2")
		for _, n := range []string{"b", "a", "C", "c"} {
			must(t, s.CreatePoolItem(ctx, newItem("p1", "rs", n)), "create "+n)
		}
		must(t, s.CreatePoolItem(ctx, newItem("p1", "idp", "x")), "another kind")
		must(t, s.CreatePoolItem(ctx, newItem("p2", "rs", "z")), "another pool")
		got, err := s.ListPoolItems(ctx, "p1", "rs", "", 10)
		must(t, err, "list")
		if names := itemNames(got); !slices.Equal(names, []string{"C", "a", "b", "c"}) {
			t.Fatalf("names = %v, want byte order [C a b c]", names)
		}
		got, err = s.ListPoolItems(ctx, "p1", "rs", "a", 2)
		must(t, err, "list a page")
		if names := itemNames(got); !slices.Equal(names, []string{"b", "c"}) {
			t.Fatalf("page = %v, want [b c]", names)
		}
	}},
	{"DomainsAreGlobal", func(t *testing.T, ctx context.Context, s store.Store) {
		must(t, s.CreatePool(ctx, newPool("p1")), "create pool")
		must(t, s.CreatePool(ctx, newPool("p2")), "create pool 2")
		d := newDomain("p1", "my-prefix")
		must(t, s.CreateDomain(ctx, d), "create domain")
		wantErr(t, s.CreateDomain(ctx, newDomain("p2", "my-prefix")), store.ErrConflict, "another pool takes the name")
		wantErr(t, s.CreateDomain(ctx, newDomain("nope", "other")), store.ErrNotFound, "domain of a missing pool")
		must(t, s.CreateDomain(ctx, newDomain("p1", "auth.example.com")), "a second domain of the pool")
		got, err := s.GetDomain(ctx, "my-prefix")
		must(t, err, "get domain")
		if got.PoolID != "p1" || !bytes.Equal(got.Config, d.Config) || !got.CreatedAt.Equal(t0) {
			t.Fatalf("domain = %+v, want %+v", got, d)
		}
		d.Config, d.UpdatedAt = []byte(`{"v":2}`), t0.Add(time.Hour)
		must(t, s.UpdateDomain(ctx, d), "update domain")
		list, err := s.ListDomains(ctx, "p1")
		must(t, err, "list domains")
		if len(list) != 2 || list[0].Name != "auth.example.com" || !bytes.Equal(list[1].Config, d.Config) ||
			!list[1].UpdatedAt.Equal(d.UpdatedAt) {
			t.Fatalf("domains = %+v", list)
		}
		must(t, s.DeleteDomain(ctx, "my-prefix"), "delete domain")
		wantErr(t, s.DeleteDomain(ctx, "my-prefix"), store.ErrNotFound, "delete again")
		wantErr(t, s.UpdateDomain(ctx, d), store.ErrNotFound, "update a deleted domain")
		must(t, s.CreateDomain(ctx, newDomain("p2", "my-prefix")), "the freed name for another pool")
	}},
	{"GoWithTheirPool", func(t *testing.T, ctx context.Context, s store.Store) {
		must(t, s.CreatePool(ctx, newPool("p1")), "create pool")
		must(t, s.CreatePoolItem(ctx, newItem("p1", "idp", "Google")), "create item")
		must(t, s.CreateDomain(ctx, newDomain("p1", "gone")), "create domain")
		must(t, s.DeletePool(ctx, "p1"), "delete pool")
		must(t, s.CreatePool(ctx, newPool("p1")), "recreate pool")
		_, err := s.GetPoolItem(ctx, "p1", "idp", "Google")
		wantErr(t, err, store.ErrNotFound, "item after its pool was deleted")
		_, err = s.GetDomain(ctx, "gone")
		wantErr(t, err, store.ErrNotFound, "domain after its pool was deleted")
	}},
	{"FailedWriteKeepsTx", func(t *testing.T, ctx context.Context, s store.Store) {
		must(t, s.CreatePool(ctx, newPool("p1")), "create pool")
		must(t, s.CreateDomain(ctx, newDomain("p1", "taken")), "create domain")
		must(t, s.Tx(ctx, func(tx store.Store) error {
			wantErr(t, tx.CreateDomain(ctx, newDomain("p1", "taken")), store.ErrConflict, "taken name in a Tx")
			return tx.CreatePoolItem(ctx, newItem("p1", "idp", "after"))
		}), "Tx with a conflict handled")
		_, err := s.GetPoolItem(ctx, "p1", "idp", "after")
		must(t, err, "the write after the conflict committed")
	}},
}
