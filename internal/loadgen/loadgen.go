// Package loadgen is the load generator behind `userpool bench`: it drives
// a running server over AWS JSON 1.1 with a bounded number of workers and
// reports throughput, exact latency percentiles, errors by type and the
// server's memory for each phase.
//
// It shares the machine with the server it measures, so the hot paths avoid
// encoding/json, reuse buffers and keep connections alive.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// Bounds on the options: every run ends, and a typo cannot open thousands
// of sockets or allocate samples for billions of requests.
const (
	MaxConcurrency = 4096
	MaxUsers       = 10_000_000
	MaxDuration    = time.Hour
	MaxRequests    = 100_000_000

	DefaultPassword = "Bench-Passw0rd!"
)

// Ops names the phases; "all" runs setup, forgot and flow in that order.
var Ops = []string{"setup", "forgot", "flow", "all"}

// Options say what to run against which server.
type Options struct {
	Endpoint    string        // base URL, http or https
	Op          string        // setup, forgot, flow or all
	Users       int           // users user0..user<N-1>
	Concurrency int           // workers
	Duration    time.Duration // per timed phase (forgot, flow)
	Requests    int           // at most this many requests (flows in the flow phase) per phase
	Pool        string        // existing pool ID (setup creates one when empty)
	Client      string        // existing app client ID (setup creates one when empty)
	Password    string        // the users' password; flow alternates it with AltPassword
	// Credentials sign the admin operations; empty means unsigned.
	AccessKeyID, SecretAccessKey, Region string
	// ServerPID is the process whose RSS is reported; 0 detects it from
	// the endpoint's port when the server is on this machine.
	ServerPID int
	// SlowBodies is how many slow-body connections (a request head and part
	// of a body, then nothing) are held open during the timed phases.
	SlowBodies int
	// Log receives progress lines (nil: none).
	Log io.Writer
}

// Validate reports every bad option at once, so one run of the command
// shows all that needs fixing.
func (o *Options) Validate() error {
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	if _, err := parseEndpoint(o.Endpoint); err != nil {
		errs = append(errs, err)
	}
	check(!validOp(o.Op), "--op %q: want one of %s", o.Op, strings.Join(Ops, ", "))
	check(o.Users < 1 || o.Users > MaxUsers, "--users %d: want 1 to %d", o.Users, MaxUsers)
	check(o.Concurrency < 1 || o.Concurrency > MaxConcurrency, "--concurrency %d: want 1 to %d", o.Concurrency, MaxConcurrency)
	check(o.Duration <= 0 || o.Duration > MaxDuration, "--duration %v: want more than 0 and at most %v", o.Duration, MaxDuration)
	check(o.Requests < 1 || o.Requests > MaxRequests, "--requests %d: want 1 to %d", o.Requests, MaxRequests)
	check(o.Password == "", "--password must not be empty")
	check((o.AccessKeyID == "") != (o.SecretAccessKey == ""), "--access-key-id and --secret-access-key go together")
	check(o.ServerPID < 0, "--server-pid %d: want a process ID", o.ServerPID)
	check(o.SlowBodies < 0 || o.SlowBodies > MaxSlowBodies, "--slow-bodies %d: want 0 to %d", o.SlowBodies, MaxSlowBodies)
	check(o.SlowBodies > 0 && !strings.HasPrefix(o.Endpoint, "http://"), "--slow-bodies needs an http:// endpoint")
	check(o.Op == "forgot" && o.Client == "", "--op forgot needs --client (from a setup run)")
	check(o.Op == "flow" && (o.Pool == "" || o.Client == ""), "--op flow needs --pool and --client (from a setup run)")
	return errors.Join(errs...)
}

func validOp(op string) bool {
	for _, o := range Ops {
		if op == o {
			return true
		}
	}
	return false
}

// parseEndpoint accepts only a plain http(s) base URL: the requests and the
// development API URL are both built from it, and nothing else is contacted.
func parseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("--endpoint %q: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--endpoint %q: want an http:// or https:// URL with a host", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--endpoint %q: want no user info, query or fragment", s)
	}
	return u, nil
}

// AltPassword is the second password the flow phase alternates with
// opts.Password; it stays within the default policy (it only swaps or adds
// a symbol).
func AltPassword(p string) string {
	if strings.HasSuffix(p, "!") {
		return p[:len(p)-1] + "?"
	}
	return p + "?"
}

// Run validates opts, checks the endpoint answers, and runs the phases.
// It returns the report so far together with an error when a phase could
// not run at all (setup refused, no development API); errors of single
// requests are only counted in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	defer c.close()
	if err := c.ping(ctx); err != nil {
		return nil, fmt.Errorf("endpoint %s unreachable: %w", opts.Endpoint, err)
	}
	r := &runner{opts: opts, c: c, rep: &Report{Endpoint: opts.Endpoint, Users: opts.Users,
		Concurrency: opts.Concurrency, UserPoolID: opts.Pool, ClientID: opts.Client}}
	r.rep.ServerPID = opts.ServerPID
	if r.rep.ServerPID == 0 {
		u, _ := parseEndpoint(opts.Endpoint)
		r.rep.ServerPID = FindListenerPID(u) // 0 when unknown: RSS is then reported as unknown
	}
	return r.rep, r.run(ctx)
}

// runner holds what the phases share.
type runner struct {
	opts Options
	c    *client
	rep  *Report
}

func (r *runner) run(ctx context.Context) error {
	op := r.opts.Op
	if op == "flow" || op == "all" {
		// Checked first, so a run without --dev fails before minutes of
		// setup and forgot.
		if err := r.c.checkDevAPI(ctx); err != nil {
			return err
		}
	}
	if op == "setup" || op == "all" {
		if err := r.measure(ctx, "setup", "user", r.setup); err != nil {
			return err
		}
	}
	if r.opts.SlowBodies > 0 && op != "setup" {
		u, _ := parseEndpoint(r.opts.Endpoint)
		held := holdSlowBodies(ctx, hostPort(u), r.opts.SlowBodies)
		r.logf("holding %d slow-body connections", r.opts.SlowBodies)
		defer func() { r.logf("slow-body connections: %d opened in all", held.end()) }()
		for i := 0; i < 100 && held.open.Load() < int64(r.opts.SlowBodies); i++ {
			time.Sleep(20 * time.Millisecond) // let them connect before the clock starts (at most 2 s)
		}
		r.logf("%d slow-body connections open", held.open.Load())
	}
	if op == "forgot" || op == "all" {
		if err := r.measure(ctx, "forgot", "request", r.forgot); err != nil {
			return err
		}
	}
	if op == "flow" || op == "all" {
		if err := r.measure(ctx, "flow", "flow", r.flow); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// phaseFunc runs one phase's workers and returns what they recorded: the
// recorder of the phase's unit and one per operation.
type phaseFunc func(ctx context.Context) (unit *recorder, ops []opRecorder, err error)

// measure runs a phase between two RSS readings and appends its section to
// the report, also when the phase stopped with an error.
func (r *runner) measure(ctx context.Context, name, unit string, fn phaseFunc) error {
	r.logf("%s: starting (concurrency %d)", name, r.opts.Concurrency)
	before := readRSS(r.rep.ServerPID)
	start := time.Now()
	u, ops, err := fn(ctx)
	elapsed := time.Since(start)
	p := newPhase(name, unit, elapsed, u, ops)
	p.RSSBeforeKiB, p.RSSAfterKiB = before, readRSS(r.rep.ServerPID)
	r.rep.Phases = append(r.rep.Phases, p)
	r.logf("%s: %d %ss in %.2fs, %d errors", name, p.Count, unit, p.DurationSeconds, p.Errors)
	return err
}

func (r *runner) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, format+"\n", args...)
	}
}
