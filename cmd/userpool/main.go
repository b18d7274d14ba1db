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
	"runtime"
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

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: userpool <command> [flags]

commands:
  serve     run the server (userpool serve -h for flags)
  migrate   apply database migrations (--db) and exit
  messages  print messages from a --dev server's inbox (userpool messages -h)
  bench     load-test a running server (userpool bench -h)
  version   print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "userpool:", err)
		os.Exit(1)
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
}

// run is main without the process: tests call it with their own context,
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		cfg, err := parseServe(args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr)
	case "migrate":
		cfg, err := parseServe(args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		cfg.DBMigrate = true
		st, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrations applied to %s\n", redactDSN(cfg.DB))
		return st.Close()
	case "messages":
		return messages(ctx, args[1:], getenv, stdout, stderr)
	case "bench":
		return bench(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "userpool %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
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
	svc, err := userpool.New(ctx, st, hasher, clock, log, userpool.Config{Region: cfg.Region, IssuerBase: base, Invoker: invoker,
		FixedCode: cfg.DevFixedCode, CodeKey: codeKey,
		Limits: userpool.Limits{Requests: cfg.LimitRequests, Confirms: cfg.LimitConfirms, Window: cfg.LimitWindow,
			SignIns: cfg.LimitSignIns, SignInLockout: cfg.SignInLockout, SignInWindow: cfg.SignInWindow},
		Dev: cfg.Dev, MessageRetention: cfg.MessageRetention,
		MessageQueued: messageQueued(worker, m), MessageSimulated: messageSimulated(worker, m),
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
	var metricsSrv *http.Server
	if m != nil {
		if metricsSrv, err = serveMetrics(cfg.MetricsAddr, m, log, stdout); err != nil {
			ln.Close()
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
	fmt.Fprintf(stdout, "userpool listening on %s://%s (db %s, dev %v)\n", scheme, ln.Addr(), redactDSN(cfg.DB), cfg.Dev)
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

// messageSimulated counts a simulated answer (PreventUserExistenceErrors=
// ENABLED) as a real message to its medium is counted: queued, then kept
// for the inbox or sent. Nothing is sent, but the counters must not tell an
// unknown user from a real one (issue 13); they count code requests
// answered, and the outbox gauges and delivery attempts count real
// deliveries.
func messageSimulated(w *delivery.Worker, m *metrics) func(string) {
	if m == nil {
		return nil
	}
	return func(medium string) {
		m.messageEvent(medium, "queued")
		if w.KeptForInbox(medium) {
			m.messageEvent(medium, delivery.OutcomeInbox)
		} else {
			m.messageEvent(medium, delivery.OutcomeSent)
		}
	}
}

// messageQueued wakes the worker and counts the message.
func messageQueued(w *delivery.Worker, m *metrics) func(string) {
	return func(medium string) {
		inbox := w.KeptForInbox(medium) // queued as kept for the inbox already
		if !inbox {
			w.Wake()
		}
		if m != nil {
			m.messageEvent(medium, "queued")
			if inbox {
				m.messageEvent(medium, delivery.OutcomeInbox)
			}
		}
	}
}
