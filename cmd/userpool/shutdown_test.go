package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestShutdownEndsLongPolls: SIGINT (the serve context cancelled) while a
// test or the inbox page holds a 50-second long poll answers that poll at
// once with what the inbox has, and serve returns nil (exit status 0)
// promptly, instead of waiting out --shutdown-timeout and failing.
func TestShutdownEndsLongPolls(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	logs := newAnnouncer("inbox long poll waiting")
	args := []string{"serve", "--dev", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "u.db"),
		"--argon2-memory", "8", "--argon2-iterations", "1", "--log-level", "debug", "--admin-keys", adminKeyArg,
		"--metrics-addr", "127.0.0.1:0", "--shutdown-timeout", "4s"}
	served := make(chan error, 1)
	go func() { served <- run(ctx, args, func(string) string { return "" }, pw, logs) }()
	url := waitListening(t, pr)

	type answer struct {
		status int
		body   string
		err    error
	}
	polled := make(chan answer, 1)
	go func() {
		resp, err := http.Get(url + "/_userpool/messages?wait=50")
		if err != nil {
			polled <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		polled <- answer{resp.StatusCode, string(b), err}
	}()
	select {
	case <-logs.said: // the server holds the poll
	case a := <-polled:
		t.Fatalf("the long poll returned before the shutdown: %+v", a)
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll never started waiting")
	}

	start := time.Now()
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve returned %v after %v, want nil", err, time.Since(start))
		}
	case <-time.After(3 * time.Second):
		t.Fatal("serve still running 3s after the shutdown began")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("serve took %v to shut down", d)
	}
	a := <-polled
	var doc struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if a.err != nil || a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &doc) != nil || doc.Messages == nil {
		t.Fatalf("long poll answer at shutdown: %+v, want 200 {\"messages\":[]}", a)
	}
}
