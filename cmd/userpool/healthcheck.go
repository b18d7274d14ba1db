package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheck implements `userpool healthcheck`: GET /healthz of the server
// on this machine and succeed only on 200 "ok". Images without a shell or
// curl (distroless, scratch) use it as their HEALTHCHECK, so it needs
// nothing but the binary; main turns an error into exit status 1, which is
// what Docker reads as unhealthy.
//
// It reads USERPOOL_ADDR as `serve` does, so a container configured
// through the environment is probed where it listens; an unspecified host
// (0.0.0.0, ::, empty) means this machine's loopback.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("userpool healthcheck", stdout)
	addr := fs.String("addr", "127.0.0.1:9229", "the server's --addr (an unspecified host means loopback)")
	target := fs.String("url", "", "GET this URL instead of http://<addr>/healthz")
	timeout := fs.Duration("timeout", 3*time.Second, "give up on one probe after this long")
	wait := fs.Duration("wait", 0, "probe again until healthy for up to this long (0: probe once)")
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return err
	}
	u, err := healthURL(*addr, *target)
	if err != nil {
		return err
	}
	// --wait: probe until healthy or out of time, for scripts that start a
	// server and go on once it answers.
	deadline := time.Now().Add(*wait)
	for {
		err := probeHealth(ctx, u, *timeout)
		if err == nil {
			break
		}
		if !time.Now().Before(deadline) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	fmt.Fprintf(stdout, "healthy: %s\n", u)
	return nil
}

// healthURL is target if given, else /healthz at addr, where an
// unspecified host (the server listens everywhere) means loopback.
func healthURL(addr, target string) (string, error) {
	if target != "" {
		return target, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: want host:port", addr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// probeHealth GETs u once and succeeds only on 200 "ok".
func probeHealth(ctx context.Context, u string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// Its own transport: no proxy from the environment, no shared state.
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("healthcheck: %s answered %d %q", u, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}
