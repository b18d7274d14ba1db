package userpool

import (
	"bytes"
	"encoding/json"
	"sync"
)

// maxDecoded bounds each settings cache; beyond it the cache starts over
// (a server with that many pools or clients pays a decode per miss).
const maxDecoded = 10000

// decoded caches JSON-decoded settings documents (pool and client
// configuration) by owner ID.
//
// Why: decoding the pool and client documents on every request was the
// largest single cost of ForgotPassword after the store (~15% of CPU in a
// profile under load). The rows are still read on every request, and an
// entry is reused only while the stored bytes are identical, so a change
// made through any instance is seen by the next request exactly as
// without the cache. Cached documents are shared between requests and are
// never modified (updates build a new document and store it).
type decoded[T any] struct {
	mu sync.RWMutex
	m  map[string]decodedEntry[T]
}

type decodedEntry[T any] struct {
	raw []byte
	doc *T
}

// get returns the document for raw, decoding it only when id's cached
// bytes differ.
func (d *decoded[T]) get(id string, raw []byte) (*T, error) {
	d.mu.RLock()
	e, ok := d.m[id]
	d.mu.RUnlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e.doc, nil
	}
	doc := new(T)
	if err := json.Unmarshal(raw, doc); err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.m == nil || len(d.m) >= maxDecoded {
		d.m = make(map[string]decodedEntry[T])
	}
	d.m[id] = decodedEntry[T]{raw: bytes.Clone(raw), doc: doc}
	d.mu.Unlock()
	return doc, nil
}
