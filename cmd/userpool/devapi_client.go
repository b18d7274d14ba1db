package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// devAPI calls a --dev server's development API (/_userpool/...), for
// `userpool messages`.
type devAPI struct {
	base string // the server's URL, without a trailing slash
	key  string // AKID:SECRET for a --dev-listen-public server, or ""
}

// call sends method path and returns the body of a 200 answer; any other
// answer is an error that quotes it. wait is how long the server may hold
// a long poll, on top of the usual timeout.
func (d devAPI) call(ctx context.Context, method, path string, wait time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+30*time.Second)
	defer cancel()
	u := d.base + path
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	if d.key != "" {
		req.Header.Set("Authorization", "Bearer "+d.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && !strings.Contains(string(body), `"error"`) {
		return nil, fmt.Errorf("%s has no development API: start it with --dev", u)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// newestID returns the ID of the newest message in the whole inbox (0 when
// it is empty). IDs grow with every message and are never reused, so any
// message above it was written after this call.
func (d devAPI) newestID(ctx context.Context) (int64, error) {
	body, err := d.call(ctx, http.MethodGet, "/_userpool/messages?limit=1", 0)
	if err != nil {
		return 0, err
	}
	var doc struct {
		Messages []struct {
			ID int64 `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return 0, fmt.Errorf("unexpected answer from %s: %w", d.base, err)
	}
	if len(doc.Messages) == 0 {
		return 0, nil
	}
	return doc.Messages[0].ID, nil
}
