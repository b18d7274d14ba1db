package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The admin key the test servers trust (AWS's documentation example); the
// AWS CLI and SDK clients in these tests sign with it.
const (
	testKeyID   = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	adminKeyArg = testKeyID + ":" + testSecret
)

// startServe runs `userpool serve` in-process on a free port and returns its
// base URL; the server stops when the test ends.
func startServe(t *testing.T, extra ...string) string {
	t.Helper()
	return startServeLogging(t, io.Discard, extra...)
}

// startServeLogging is startServe with the server's log written to logw.
func startServeLogging(t *testing.T, logw io.Writer, extra ...string) string {
	t.Helper()
	url, _ := startServeStop(t, logw, extra...)
	return url
}

// startServeStop is startServeLogging that also returns stop, which shuts
// the server down and waits until serve has returned (so every log line it
// wrote is in logw); the server also stops when the test ends.
func startServeStop(t *testing.T, logw io.Writer, extra ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "u.db"),
		"--argon2-memory", "8", "--argon2-iterations", "1", "--log-level", "error", "--admin-keys", adminKeyArg,
		"--metrics-addr", "127.0.0.1:0"}, extra...)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, pw, logw) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	t.Cleanup(stop)
	return waitListening(t, pr), stop
}

var (
	// The start lines in text, or as JSON records with --log-format json.
	listening      = regexp.MustCompile(`listening on (https?://\S+)|"msg":"userpool listening","url":"(https?://[^"]+)"`)
	metricsAt      = regexp.MustCompile(`metrics on (http://\S+)/metrics|"msg":"userpool metrics","url":"(http://[^"]+)/metrics"`)
	metricsByServe sync.Map // API URL → metrics URL, for scrape
)

// waitListening reads the server's stdout until it announces its address
// (after its metrics address, which it remembers for scrape).
func waitListening(t *testing.T, r io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		metrics := ""
		for sc.Scan() {
			if m := metricsAt.FindStringSubmatch(sc.Text()); m != nil {
				metrics = m[1] + m[2]
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				metricsByServe.Store(m[1]+m[2], metrics)
				found <- m[1] + m[2]
				break
			}
		}
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(20 * time.Second):
		t.Fatal("server did not announce its address")
	}
	return ""
}

func TestVersionAndUsage(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), []string{"version"}, os.Getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "userpool ") {
		t.Fatalf("version printed %q", out.String())
	}
	if err := run(t.Context(), []string{"frobnicate"}, os.Getenv, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %v", err)
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad db scheme", []string{"--db", "mysql://x"}, nil, `--db "mysql://x": want sqlite:<file>`},
		{"db is a directory", []string{"--db", "sqlite:" + dir}, nil, "--db sqlite:" + dir},
		{"db is not a database", []string{"--db", "sqlite:" + garbage}, nil, "--db sqlite:" + garbage},
		{"bad addr", []string{"--addr", "nocolon"}, nil, `--addr "nocolon": want host:port`},
		{"unknown flag", []string{"--nope"}, nil, "flag provided but not defined: -nope"},
		{"bad env value", nil, map[string]string{"USERPOOL_DEV": "maybe"}, `invalid value "maybe" for USERPOOL_DEV`},
		{"bad log level from env", nil, map[string]string{"USERPOOL_LOG_LEVEL": "loud"}, `--log-level "loud"`},
		{"weak argon2", []string{"--argon2-memory", "1"}, nil, "argon2 memory must be at least 8 KiB per lane"},
		{"first lockout beyond the longest", []string{"--limit-signin-lockout", "20m"}, nil, "--limit-signin-lockout must be from 1ms to --limit-signin-window"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--admin-keys", adminKeyArg}, c.args...)
			err := run(t.Context(), args, func(k string) string { return c.env[k] }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{"USERPOOL_REGION": "eu-west-1", "USERPOOL_ADDR": "127.0.0.1:1", "USERPOOL_ADMIN_KEYS": adminKeyArg}
	c, err := parseServe([]string{"--region", "ap-south-1"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "ap-south-1" || c.Addr != "127.0.0.1:1" || c.AdminKeys[testKeyID] != testSecret {
		t.Fatalf("region %q addr %q: flag must win, env must apply", c.Region, c.Addr)
	}
}

// awsCLI runs the AWS CLI against url and returns stdout, stderr and the exit code.
func awsCLI(t *testing.T, url string, args ...string) (string, string, int) {
	t.Helper()
	return awsCLIEnv(t, url, nil, args...)
}

// awsCLIEnv is awsCLI with extra environment entries (which win).
func awsCLIEnv(t *testing.T, url string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json", "cognito-idp"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+testKeyID, "AWS_SECRET_ACCESS_KEY="+testSecret,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	cmd.Env = append(cmd.Env, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws: %v", err)
	}
	return out.String(), errb.String(), code
}

// needAWSCLI fails in CI (which must install it) and skips elsewhere.
func needAWSCLI(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the AWS CLI is not installed; .ci/run must install it")
		}
		t.Skip("the AWS CLI is not installed: the AWS CLI end-to-end tests did NOT run (apt-get install awscli)")
	}
}

// cli returns ok and fail runners of the AWS CLI against url: ok fails the
// test unless the command succeeds and returns its stdout; fail expects a
// non-zero exit whose stderr contains want.
func cli(t *testing.T, url string) (ok func(...string) string, fail func(want string, args ...string)) {
	ok = func(args ...string) string {
		t.Helper()
		out, errOut, code := awsCLI(t, url, args...)
		if code != 0 {
			t.Fatalf("aws %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
		}
		return out
	}
	fail = func(want string, args ...string) {
		t.Helper()
		_, errOut, code := awsCLI(t, url, args...)
		if code == 0 || !strings.Contains(errOut, want) {
			t.Fatalf("aws %s: exit %d, stderr %q, want it to contain %q", strings.Join(args, " "), code, errOut, want)
		}
	}
	return ok, fail
}
