package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestHealthcheck: `userpool healthcheck` succeeds only when the server
// answers /healthz with 200 "ok", finds it through USERPOOL_ADDR as serve
// does (an unspecified host meaning loopback), and fails — main then exits
// 1, Docker's "unhealthy" — on a refused connection, a wrong answer or a
// server that does not answer in time; --wait probes again until healthy
// or out of time. The exit statuses of the real
// binary are checked in TestStaticBinaryAsNonRoot.
func TestHealthcheck(t *testing.T) {
	u, err := url.Parse(startServe(t))
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(u.Host)
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	wrong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "starting", http.StatusServiceUnavailable)
	}))
	defer wrong.Close()
	// Not ready for its first three probes, then healthy: --wait rides it out.
	var probes atomic.Int32
	starting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if probes.Add(1) <= 3 {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}))
	defer starting.Close()
	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()

	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string // "" means healthy
	}{
		{"flag", []string{"--addr", u.Host}, nil, ""},
		{"USERPOOL_ADDR, all interfaces", nil, map[string]string{"USERPOOL_ADDR": "0.0.0.0:" + port}, ""},
		{"USERPOOL_ADDR, empty host", nil, map[string]string{"USERPOOL_ADDR": ":" + port}, ""},
		{"flag wins over USERPOOL_ADDR", []string{"--addr", u.Host}, map[string]string{"USERPOOL_ADDR": refused}, ""},
		{"url", []string{"--url", u.String() + "/healthz"}, nil, ""},
		{"wait until healthy", []string{"--url", starting.URL + "/healthz", "--wait", "10s"}, nil, ""},
		{"wait, still refused", []string{"--addr", refused, "--wait", "300ms"}, nil, "connection refused"},
		{"nothing listening", []string{"--addr", refused}, nil, "connection refused"},
		{"not ok", []string{"--url", wrong.URL + "/healthz"}, nil, `answered 503 "starting"`},
		{"no answer in time", []string{"--url", hang.URL + "/healthz", "--timeout", "100ms"}, nil, "deadline exceeded"},
		{"bad addr", []string{"--addr", "nocolon"}, nil, `--addr "nocolon": want host:port`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			err := run(t.Context(), append([]string{"healthcheck"}, c.args...), env(c.env), &out, &out)
			if c.want == "" {
				if err != nil || !strings.HasPrefix(out.String(), "healthy: http://") {
					t.Fatalf("got %v, output %q; want healthy", err, out.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
