package loadgen

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/userpool"
)

const (
	benchKeyID  = "AKIDBENCHTEST"
	benchSecret = "bench-test-secret-123456"
)

// testServer is the full handler on a temp SQLite file, as
// internal/server's benchHandler builds it, served over real HTTP. With
// keys, admin operations need a signature; dev mounts the inbox.
func testServer(t *testing.T, keys map[string]string, dev bool) string {
	t.Helper()
	return testServerConfig(t, server.Config{AdminKeys: keys, AllowUnsigned: len(keys) == 0, Dev: dev})
}

// testServerConfig is testServer with the given server configuration
// (Service and DevClock are filled in).
func testServerConfig(t *testing.T, cfg server.Config) string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bench.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		t.Fatal(err)
	}
	clock := &userpool.DevClock{}
	svc, err := userpool.New(ctx, st, h, clock, nil, userpool.Config{Region: "us-east-1", IssuerBase: "http://bench",
		Limits: userpool.Limits{Requests: 1 << 30, Confirms: 1 << 30, Window: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Service, cfg.DevClock = svc, clock
	srv := httptest.NewServer(server.New(cfg))
	t.Cleanup(srv.Close)
	return srv.URL
}

func baseOptions(endpoint string) Options {
	return Options{Endpoint: endpoint, Op: "setup", Users: 20, Concurrency: 4, Duration: time.Minute,
		Requests: 1_000_000, Password: DefaultPassword}
}

func TestPhasesAgainstServer(t *testing.T) {
	ctx := t.Context()
	o := baseOptions(testServer(t, nil, true))
	rep, err := Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	setup := onlyPhase(t, rep, "setup", 20)
	wantOps(t, setup, map[string]int64{opCreatePool: 1, opCreateClient: 1, opCreateUser: 20, opSetPassword: 20})
	if rep.UserPoolID == "" || rep.ClientID == "" {
		t.Fatalf("setup did not report the pool and client: %+v", rep)
	}

	// --requests bounds the timed phase long before its minute is up.
	o.Op, o.Pool, o.Client, o.Requests = "forgot", rep.UserPoolID, rep.ClientID, 200
	rep, err = Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	wantOps(t, onlyPhase(t, rep, "forgot", 200), map[string]int64{opForgot: 200})

	o.Op, o.Concurrency, o.Requests = "flow", 2, 10
	rep, err = Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	flow := onlyPhase(t, rep, "flow", 10)
	wantOps(t, flow, map[string]int64{opForgot: 10, opMessages: 10, opConfirm: 10, opAuth: 10})

	// Each worker owns ten users and ran at most ten flows, so ten distinct
	// users now have the other password and the rest the old one.
	c, _ := newClient(o)
	changed := 0
	for user := range o.Users {
		oldErr, newErr := signIn(ctx, c, rep.ClientID, user, DefaultPassword), signIn(ctx, c, rep.ClientID, user, AltPassword(DefaultPassword))
		switch {
		case oldErr == nil && newErr != nil && newErr.Type == "NotAuthorizedException":
		case newErr == nil && oldErr != nil && oldErr.Type == "NotAuthorizedException":
			changed++
		default:
			t.Errorf("user%d: old password %v, new password %v; want exactly one to work", user, oldErr, newErr)
		}
	}
	if changed != 10 {
		t.Errorf("%d users have the new password after 10 flows, want 10", changed)
	}
}

func signIn(ctx context.Context, c *client, clientID string, user int, password string) *callErr {
	_, err := c.call(ctx, opAuth, authBody(nil, clientID, user, password), false, false)
	return err
}

// onlyPhase checks the report holds exactly the one phase, error-free,
// with count units and ordered, positive percentiles.
func onlyPhase(t *testing.T, rep *Report, name string, count int64) Phase {
	t.Helper()
	if len(rep.Phases) != 1 || rep.Phases[0].Name != name {
		t.Fatalf("phases %+v, want only %s", rep.Phases, name)
	}
	p := rep.Phases[0]
	if p.Count != count || p.Errors != 0 || len(p.ErrorTypes) != 0 || p.PerSecond <= 0 {
		t.Fatalf("%s: count %d errors %d %v (%s), %.1f/s; want %d without errors", name, p.Count, p.Errors, p.ErrorTypes, p.FirstError, p.PerSecond, count)
	}
	checkLatency(t, name, p.Latency)
	if p.RSSBeforeKiB == nil || p.RSSAfterKiB == nil || *p.RSSAfterKiB <= 0 {
		t.Errorf("%s: RSS not found for the in-process server (pid %d)", name, rep.ServerPID)
	}
	return p
}

func wantOps(t *testing.T, p Phase, want map[string]int64) {
	t.Helper()
	if len(p.Ops) != len(want) {
		t.Fatalf("%s ops %+v, want %v", p.Name, p.Ops, want)
	}
	for _, o := range p.Ops {
		if o.Requests != want[o.Op] || o.Errors != 0 || len(o.ErrorTypes) != 0 {
			t.Errorf("%s %s: %d requests, %d errors %v; want %d without errors", p.Name, o.Op, o.Requests, o.Errors, o.ErrorTypes, want[o.Op])
		}
		checkLatency(t, p.Name+" "+o.Op, o.Latency)
	}
}

func checkLatency(t *testing.T, what string, l Latency) {
	t.Helper()
	if !(l.P50 > 0 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max) {
		t.Errorf("%s: latency %+v not ordered and positive", what, l)
	}
}

// A server with keys refuses unsigned admin operations; setup says so and
// why, instead of reporting an empty pool.
func TestSetupWithAdminKeys(t *testing.T) {
	ctx := t.Context()
	o := baseOptions(testServer(t, map[string]string{benchKeyID: benchSecret}, false))
	o.Users = 5
	if _, err := Run(ctx, o); err == nil || !strings.Contains(err.Error(), "MissingAuthenticationTokenException") ||
		!strings.Contains(err.Error(), "--access-key-id") {
		t.Fatalf("unsigned setup: %v, want MissingAuthenticationTokenException with a hint", err)
	}
	o.AccessKeyID, o.SecretAccessKey = benchKeyID, "wrong-secret"
	if _, err := Run(ctx, o); err == nil || !strings.Contains(err.Error(), "InvalidSignatureException") {
		t.Fatalf("wrong secret: %v, want InvalidSignatureException", err)
	}
	o.SecretAccessKey = benchSecret
	rep, err := Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	onlyPhase(t, rep, "setup", 5)

	// Adding users to that pool without credentials stops at the first
	// refusal and reports it by type.
	o.AccessKeyID, o.SecretAccessKey, o.Pool, o.Client = "", "", rep.UserPoolID, rep.ClientID
	rep, err = Run(ctx, o)
	if err == nil || !strings.Contains(err.Error(), "MissingAuthenticationTokenException") {
		t.Fatalf("unsigned AdminCreateUser: %v", err)
	}
	p := rep.Phases[0]
	if p.Errors == 0 || p.Errors > int64(o.Concurrency) || p.ErrorTypes["MissingAuthenticationTokenException"] != p.Errors {
		t.Fatalf("setup phase after refusal: %d errors %v, want 1..%d MissingAuthenticationTokenException", p.Errors, p.ErrorTypes, o.Concurrency)
	}
}

func TestFlowNeedsDevAPI(t *testing.T) {
	o := baseOptions(testServer(t, nil, false))
	o.Op, o.Users = "all", 2
	_, err := Run(t.Context(), o)
	if err == nil || !strings.Contains(err.Error(), "--dev") {
		t.Fatalf("flow without the development API: %v", err)
	}
}

func TestValidate(t *testing.T) {
	good := baseOptions("http://127.0.0.1:9229")
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		edit func(*Options)
		want string
	}{
		"op":          {func(o *Options) { o.Op = "dance" }, "--op"},
		"concurrency": {func(o *Options) { o.Concurrency = 0 }, "--concurrency"},
		"too many":    {func(o *Options) { o.Concurrency = MaxConcurrency + 1 }, "--concurrency"},
		"users":       {func(o *Options) { o.Users = MaxUsers + 1 }, "--users"},
		"duration":    {func(o *Options) { o.Duration = 2 * time.Hour }, "--duration"},
		"requests":    {func(o *Options) { o.Requests = 0 }, "--requests"},
		"scheme":      {func(o *Options) { o.Endpoint = "ftp://127.0.0.1/" }, "--endpoint"},
		"query":       {func(o *Options) { o.Endpoint = "http://127.0.0.1/?x=1" }, "--endpoint"},
		"half creds":  {func(o *Options) { o.AccessKeyID = "AKID" }, "--secret-access-key"},
		"forgot":      {func(o *Options) { o.Op = "forgot" }, "--client"},
		"flow":        {func(o *Options) { o.Op, o.Client = "flow", "c" }, "--pool"},
	} {
		o := good
		tc.edit(&o)
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, tc.want)
		}
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(nil)
	u := srv.URL
	srv.Close() // nothing listens there now
	if _, err := Run(t.Context(), baseOptions(u)); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("closed port: %v", err)
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 50, 90: 90, 99: 99, 100: 100, 0.5: 1, 1: 1, 99.5: 100} {
		if got := Percentile(s, p); got != want {
			t.Errorf("p%v of 1..100 = %d, want %d", p, got, want)
		}
	}
	ten := s[:10]
	if Percentile(ten, 50) != 5 || Percentile(ten, 90) != 9 || Percentile(ten, 99) != 10 {
		t.Errorf("percentiles of 1..10: %d %d %d", Percentile(ten, 50), Percentile(ten, 90), Percentile(ten, 99))
	}
	if Percentile(s[:1], 50) != 1 || Percentile(nil, 99) != 0 {
		t.Error("one sample or none")
	}
}

func TestServerRSSLookup(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	if pid := FindListenerPID(u); pid != os.Getpid() {
		t.Fatalf("listener of %s: pid %d, want this process %d", srv.URL, pid, os.Getpid())
	}
	if rss := readRSS(os.Getpid()); rss == nil || *rss <= 0 {
		t.Fatalf("own RSS: %v", rss)
	}
	remote, _ := url.Parse("http://192.0.2.1:" + u.Port())
	if FindListenerPID(remote) != 0 || readRSS(0) != nil || readRSS(1<<30) != nil {
		t.Error("a remote server or a missing process must give unknown RSS")
	}
}

func TestBodiesAreJSON(t *testing.T) {
	odd := "a\"b\\c\n\x01é\xff"
	for _, b := range [][]byte{forgotBody(nil, "cli", 7), confirmBody(nil, "cli", 7, "123456", odd), authBody(nil, "cli", 7, odd),
		createUserBody(nil, "us-east-1_abc", 7), setPasswordBody(nil, "us-east-1_abc", 7, odd)} {
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if v["Username"] != nil && v["Username"] != "user7" {
			t.Errorf("%s: username", b)
		}
		if p, ok := v["Password"]; ok && p != "a\"b\\c\n\x01é\uFFFD" {
			t.Errorf("password decoded as %q", p)
		}
	}
	if AltPassword(DefaultPassword) != "Bench-Passw0rd?" || AltPassword("x") != "x?" {
		t.Error("AltPassword")
	}
}

// TestSlowBodiesDuringForgot: with --slow-bodies the run holds that many
// stalled bodies open while it measures; a server that takes in-flight
// slots only for complete bodies serves every normal request.
func TestSlowBodiesDuringForgot(t *testing.T) {
	o := baseOptions(testServerConfig(t, server.Config{AllowUnsigned: true, MaxInFlight: 4}))
	rep, err := Run(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.Op, o.Pool, o.Client, o.Requests, o.SlowBodies = "forgot", rep.UserPoolID, rep.ClientID, 200, 40
	var log strings.Builder
	o.Log = &log
	rep, err = Run(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	p := onlyPhase(t, rep, "forgot", 200)
	if p.Errors != 0 || !strings.Contains(log.String(), "40 slow-body connections open") {
		t.Fatalf("errors %d (%v); log:\n%s", p.Errors, p.ErrorTypes, log.String())
	}
}
