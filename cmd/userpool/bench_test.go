package main

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/userpool/userpool/internal/loadgen"
)

// TestBenchAll runs every phase against a real `serve --dev` with admin
// keys, signing with the flags' credentials.
func TestBenchAll(t *testing.T) {
	t.Parallel()
	url := startServe(t, "--dev", "--limit-requests", "1000000", "--limit-confirms", "1000000")
	var stdout, stderr strings.Builder
	noEnv := func(string) string { return "" }
	err := run(t.Context(), []string{"bench", "--endpoint", url, "--op", "all", "--users", "10", "--concurrency", "2",
		"--duration", "1s", "--json", "--access-key-id", testKeyID, "--secret-access-key", testSecret}, noEnv, &stdout, &stderr)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	var rep loadgen.Report
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
		t.Fatalf("bench --json printed %q: %v", stdout.String(), err)
	}
	if rep.UserPoolID == "" || rep.ClientID == "" || rep.ServerPID != os.Getpid() {
		t.Errorf("pool %q client %q server pid %d (want this process, %d)", rep.UserPoolID, rep.ClientID, rep.ServerPID, os.Getpid())
	}
	var names []string
	for _, p := range rep.Phases {
		names = append(names, p.Name)
		if p.Count == 0 || p.PerSecond <= 0 || p.Errors != 0 || len(p.ErrorTypes) != 0 {
			t.Errorf("%s: count %d, %.1f/s, errors %d %v (%s)", p.Name, p.Count, p.PerSecond, p.Errors, p.ErrorTypes, p.FirstError)
		}
		if p.RSSBeforeKiB == nil || p.RSSAfterKiB == nil {
			t.Errorf("%s: server RSS not detected", p.Name)
		}
		for _, o := range p.Ops {
			if o.Errors != 0 || o.Requests == 0 {
				t.Errorf("%s %s: %d requests, %d errors %v", p.Name, o.Op, o.Requests, o.Errors, o.ErrorTypes)
			}
		}
	}
	if strings.Join(names, ",") != "setup,forgot,flow" || rep.Phases[0].Count != 10 {
		t.Fatalf("phases %v (setup count %d), want setup of 10 users, forgot, flow", names, rep.Phases[0].Count)
	}

	// The text report names the IDs to reuse; signing falls back to the
	// SDK's environment variables. The users exist already: AdminCreateUser
	// says so, and their passwords are set all the same.
	stdout.Reset()
	env := map[string]string{"AWS_ACCESS_KEY_ID": testKeyID, "AWS_SECRET_ACCESS_KEY": testSecret}
	err = run(t.Context(), []string{"bench", "--endpoint", url, "--op", "setup", "--users", "3", "--pool", rep.UserPoolID,
		"--client", rep.ClientID}, func(k string) string { return env[k] }, &stdout, io.Discard)
	if err != nil || !strings.Contains(stdout.String(), "--pool "+rep.UserPoolID+" --client "+rep.ClientID) ||
		!strings.Contains(stdout.String(), "errors: AdminCreateUser UsernameExistsException=3\n") {
		t.Fatalf("setup on the existing pool: %v\n%s", err, stdout.String())
	}
}

func TestBenchBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--op", "nap"}, `--op "nap"`},
		{[]string{"--concurrency", "0"}, "--concurrency 0"},
		{[]string{"--endpoint", "ftp://127.0.0.1:21"}, "http:// or https://"},
		{[]string{"--duration", "2h"}, "--duration"},
		{[]string{"--op", "forgot"}, "needs --client"},
		{[]string{"--frobnicate"}, "flag provided but not defined"},
		// Nothing listens on port 1: the run fails at the start.
		{[]string{"--endpoint", "http://127.0.0.1:1", "--op", "setup"}, "unreachable"},
	} {
		err := run(t.Context(), append([]string{"bench"}, tc.args...), func(string) string { return "" }, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bench %v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}
