// Command userpool is a self-hosted server that speaks the Amazon Cognito
// user pools API (AWS JSON 1.1), so AWS SDKs, the AWS CLI and Amplify work
// against it unchanged.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/postgres"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/userpool"
)

const usage = `usage: userpool <command> [flags]

commands:
  serve     run the server (userpool serve -h for flags)
  migrate   apply database migrations (--db) and exit
  messages  print messages from a --dev server's inbox (userpool messages -h)
  bench     load-test a running server (userpool bench -h)
  healthcheck  exit 0 if the local server answers /healthz (for container HEALTHCHECKs)
  version   print the module version and VCS revision this binary was built from
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp): // -h/--help printed what was asked for
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "userpool:", err)
		os.Exit(1)
	}
}

// errUsage is returned when no command was given; the usage went to stderr.
var errUsage = errors.New("no command given")

// run is main without the process: tests call it with their own context,
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		cfg, err := parseServe(args[1:], getenv, stdout)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout)
	case "messages":
		return messages(ctx, args[1:], getenv, stdout, stderr)
	case "bench":
		return bench(ctx, args[1:], getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(cfg *config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated already
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens the --db backend. SQLite always migrates (it is one
// process's file); PostgreSQL migrates unless --db-migrate=false, for
// deployments that run `userpool migrate` as a separate step.
func openStore(ctx context.Context, cfg *config) (store.Store, error) {
	if strings.HasPrefix(cfg.DB, "sqlite:") {
		st, err := sqlite.Open(ctx, sqlitePath(cfg.DB))
		if err != nil {
			return nil, fmt.Errorf("--db %s: %w", cfg.DB, err)
		}
		return st, nil
	}
	st, err := postgres.Open(ctx, cfg.DB, postgres.Options{MaxConns: int32(cfg.DBMaxConns), Migrate: cfg.DBMigrate})
	if err != nil {
		return nil, fmt.Errorf("--db %s: %w", redactDSN(cfg.DB), err)
	}
	return st, nil
}

// redactDSN hides a password in a database URL before it is printed.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "(unparsable DSN)"
}

// serve wires the server in dependency order and runs it until ctx ends,
// then lets in-flight requests finish.
func serve(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	log := newLogger(cfg, stderr)
	if cfg.TLSCert != "" {
		// Fail at start, with the file named, rather than at the first handshake.
		if _, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey); err != nil {
			return fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // on every error path below; Serve closes it too once it runs
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	base := cfg.IssuerBase
	if base == "" {
		base = scheme + "://" + ln.Addr().String()
	}
	hasher, err := passhash.New(cfg.Argon2, cfg.HashConcurrency)
	if err != nil {
		return err
	}
	codeKey, err := readSecretKey(cfg.SecretKeyFile)
	if err != nil {
		return err
	}
	// With --dev the clock can be moved through the development API;
	// without it, time is the system's.
	var clock userpool.Clock = userpool.SystemClock{}
	devClock := &userpool.DevClock{}
	if cfg.Dev {
		clock = devClock
	}
	var m *metrics
	if cfg.Metrics {
		m = newMetrics(st)
	}
	worker, err := newWorker(ctx, cfg, st, log, m)
	if err != nil {
		return err
	}
	invoker, err := lambdaInvoker(ctx, cfg)
	if err != nil {
		return err
	}
	svc, err := userpool.New(ctx, st, hasher, clock, log, userpool.Config{Region: cfg.Region, IssuerBase: base, HostedBase: cfg.HostedBase, Invoker: invoker,
		FixedCode: cfg.DevFixedCode, CodeKey: codeKey,
		Limits: userpool.Limits{Requests: cfg.LimitRequests, Confirms: cfg.LimitConfirms, Window: cfg.LimitWindow,
			SignIns: cfg.LimitSignIns, SignInLockout: cfg.SignInLockout, SignInWindow: cfg.SignInWindow},
		Dev: cfg.Dev, MessageRetention: cfg.MessageRetention,
		MessageQueued: messageQueued(worker, m, cfg.Dev), MessageSimulated: messageSimulated(worker, m, cfg.Dev),
		InboxOnly: worker.KeptForInbox, RecoveryRate: cfg.RecoveryRPS})
	if err != nil {
		return err
	}
	scfg := server.Config{Service: svc, Log: log, MaxBody: cfg.MaxBody, BodyTimeout: cfg.BodyTimeout, BodyMemory: cfg.BodyMemory,
		Dev: cfg.Dev, DevClock: devClock, DevPublic: cfg.DevListenPublic, MaxInFlight: cfg.MaxInFlight,
		AdminKeys: cfg.AdminKeys, AllowUnsigned: len(cfg.AdminKeys) == 0, CORSOrigins: cfg.CORSOrigins}
	if m != nil {
		scfg.Observe = m.observeRequest
	}
	handler := server.New(scfg)
	logAdminAuth(log, cfg.AdminKeys)
	if cfg.DevListenPublic {
		log.Warn("DEVELOPMENT API OPEN TO THE NETWORK (--dev-listen-public): anyone holding an admin key can read live reset codes "+
			"and move the clock at /_userpool/; never run this in production", "addr", ln.Addr().String())
	}
	// Slow or oversized clients cannot hold connections or memory: header
	// and whole-request deadlines, a header size cap (431 beyond it), and
	// the body cap and in-flight cap inside the handler.
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: cfg.HeaderTimeout, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// Shutdown waits for requests in flight; inbox long polls (up to 50 s)
	// answer at once instead, so SIGINT ends the server promptly.
	srv.RegisterOnShutdown(svc.EndWaits)
	var metricsSrv *http.Server
	if m != nil {
		if metricsSrv, err = serveMetrics(cfg, m, log, stdout); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey) // HTTP/2 is negotiated by ALPN
			return
		}
		errc <- srv.Serve(ln)
	}()
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan error, 1)
	go func() { workerDone <- worker.Run(wctx) }()
	sweepDone := make(chan struct{})
	go func() { sweep(wctx, svc, log, sweepInterval); close(sweepDone) }()
	announce(cfg, stdout, fmt.Sprintf("userpool listening on %s://%s (db %s, dev %v)", scheme, ln.Addr(), redactDSN(cfg.DB), cfg.Dev),
		"userpool listening", "url", scheme+"://"+ln.Addr().String(), "db", redactDSN(cfg.DB), "dev", cfg.Dev)
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	log.Info("shutting down")
	// HTTP first, so requests in flight can still queue messages; then the
	// worker, which finishes the message in hand (anything left stays in the
	// outbox for the next start).
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && serveErr == nil {
		serveErr = fmt.Errorf("shutdown: %w", err)
	}
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(sctx)
	}
	stopWorker()
	<-sweepDone
	if err := <-workerDone; err != nil && serveErr == nil {
		serveErr = fmt.Errorf("delivery worker: %w", err)
	}
	return serveErr
}

// announce writes one of serve's start lines (where it listens) to stdout:
// text as given, or with --log-format json a JSON record of msg and attrs,
// so that a log collector reading stdout sees one format.
func announce(cfg *config, stdout io.Writer, text, msg string, attrs ...any) {
	if cfg.LogFormat == "json" {
		slog.New(slog.NewJSONHandler(stdout, nil)).Info(msg, attrs...)
		return
	}
	fmt.Fprintln(stdout, text)
}

// messageSimulated counts a simulated answer (PreventUserExistenceErrors=
// ENABLED) as a real message to its medium is counted (outcome). Nothing
// is sent, but the counters must not tell an unknown user from a real one
// (issue 13); they count code requests answered, and the outbox gauges and
// delivery attempts count real deliveries.
func messageSimulated(w *delivery.Worker, m *metrics, dev bool) func(string) {
	if m == nil {
		return nil
	}
	return func(medium string) {
		for _, e := range outcome(w, dev, medium, delivery.OutcomeSent) {
			m.messageEvent(medium, e)
		}
	}
}

// messageQueued wakes the worker and counts the message.
func messageQueued(w *delivery.Worker, m *metrics, dev bool) func(string) {
	return func(medium string) {
		if !w.KeptForInbox(medium) {
			w.Wake()
		}
		if m != nil {
			for _, e := range outcome(w, dev, medium, "") {
				m.messageEvent(medium, e)
			}
		}
	}
}

// outcome is the events a new message to medium counts at once: queued,
// then sent (for a simulated one; a real one is counted sent by the
// worker), or kept for the inbox when the medium has no channel — or only
// dropped when it has none outside --dev, where no message is kept
// (userpool's enqueue).
func outcome(w *delivery.Worker, dev bool, medium, delivered string) []string {
	switch {
	case !w.KeptForInbox(medium) && delivered == "":
		return []string{"queued"}
	case !w.KeptForInbox(medium):
		return []string{"queued", delivered}
	case dev:
		return []string{"queued", delivery.OutcomeInbox}
	}
	return []string{"dropped"}
}
