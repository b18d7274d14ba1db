package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Identity providers, resource servers and UI customizations are pool items
// (store.Federation): a JSON document per (pool, kind, name).
const (
	kindIdP            = "idp"
	kindResourceServer = "resource-server"
	kindUI             = "ui"
)

// getItem loads and decodes an item; the store's ErrNotFound is returned
// as it is, for the caller to answer with its own text.
func getItem[T any](ctx context.Context, st store.Store, poolID, kind, name string) (*store.PoolItem, *T, error) {
	it, err := st.GetPoolItem(ctx, poolID, kind, name)
	if err != nil {
		return nil, nil, err
	}
	doc, err := decodeItem[T](it)
	if err != nil {
		return nil, nil, err
	}
	return it, doc, nil
}

// decodeItem decodes an item's document.
func decodeItem[T any](it *store.PoolItem) (*T, error) {
	doc := new(T)
	if err := json.Unmarshal(it.Config, doc); err != nil {
		return nil, fmt.Errorf("%s %s of pool %s: corrupt document: %w", it.Kind, it.Name, it.PoolID, err)
	}
	return doc, nil
}

// allItems returns every item of a kind in the pool, in name order. Pools
// hold few of each (Cognito's quotas: 300 IdPs, 25 resource servers), so
// rules across items (an IdP identifier unique in its pool) read them all.
func allItems[T any](ctx context.Context, st store.Store, poolID, kind string) ([]*store.PoolItem, []*T, error) {
	var (
		recs  []*store.PoolItem
		docs  []*T
		after string
	)
	for {
		batch, err := st.ListPoolItems(ctx, poolID, kind, after, 100)
		if err != nil {
			return nil, nil, err
		}
		for _, it := range batch {
			doc, err := decodeItem[T](it)
			if err != nil {
				return nil, nil, err
			}
			recs, docs = append(recs, it), append(docs, doc)
		}
		if len(batch) < 100 {
			return recs, docs, nil
		}
		after = batch[len(batch)-1].Name
	}
}

// newItem encodes doc as a new item created at now.
func newItem(poolID, kind, name string, doc any, now time.Time) (*store.PoolItem, error) {
	cfg, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return &store.PoolItem{PoolID: poolID, Kind: kind, Name: name, Config: cfg, CreatedAt: now, UpdatedAt: now}, nil
}

// saveItem re-encodes doc into it, modified at now, and writes it.
func saveItem(ctx context.Context, st store.Store, it *store.PoolItem, doc any, now time.Time) error {
	cfg, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	it.Config, it.UpdatedAt = cfg, now
	return st.UpdatePoolItem(ctx, it)
}

// notFoundAs answers the store's ErrNotFound with the operation's own error.
func notFoundAs(err error, e *Error) error {
	if errors.Is(err, store.ErrNotFound) {
		return e
	}
	return err
}

// pageItems pages a kind's items for a List operation: max is the page
// size (def when 0), token the NextToken.
func pageItems(ctx context.Context, st store.Store, poolID, kind, token string, max, def int32) ([]*store.PoolItem, string, error) {
	after, err := decodePageToken(token)
	if err != nil {
		return nil, "", err
	}
	limit := int(max)
	if limit == 0 {
		limit = int(def)
	}
	recs, err := st.ListPoolItems(ctx, poolID, kind, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	recs, next := page(recs, limit, func(it *store.PoolItem) string { return it.Name })
	return recs, next, nil
}
