package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/userpool"
)

// config is everything `userpool serve` can be told; the only place
// configuration is parsed. Every flag can also come from USERPOOL_<NAME>
// (upper case, dashes as underscores); a flag on the command line wins.
type config struct {
	Addr            string
	DB              string
	Region          string
	Dev             bool
	IssuerBase      string
	HostedBase      string
	MaxBody         int64
	BodyTimeout     time.Duration
	BodyMemory      int64
	LogLevel        string
	LogFormat       string
	Argon2          passhash.Params
	HashConcurrency int
	ShutdownTimeout time.Duration
	HeaderTimeout   time.Duration
	DevFixedCode    string
	SecretKeyFile   string
	LimitRequests   int
	LimitConfirms   int
	LimitWindow     time.Duration
	RecoveryRPS     float64
	LimitSignIns    int
	SignInLockout   time.Duration
	SignInWindow    time.Duration
	// MessageRetention is how long finished outbox messages are kept.
	MessageRetention time.Duration
	Metrics          bool
	MetricsAddr      string
	DevListenPublic  bool
	CORSOrigins      []string
	Delivery         deliveryConfig
	LambdaEndpoint   string
	DBMaxConns       int
	DBMigrate        bool
	MaxInFlight      int
	TLSCert          string
	TLSKey           string
	AdminKeysList    string
	AdminKeysFile    string
	// AdminKeys is the parsed union of the two above.
	AdminKeys map[string]string
}

// deliveryConfig says how outbox messages leave the server.
type deliveryConfig struct {
	SMTPURL     string
	EmailFrom   string
	SMS         string // "", "sns" or "webhook"
	SMSWebhook  string
	SNSEndpoint string
	SNSRegion   string
	MaxAttempts int
	Lease       time.Duration
	Poll        time.Duration
	Backoff     time.Duration
}

func parseServe(args []string, getenv func(string) string, out io.Writer) (*config, error) {
	c := &config{Argon2: passhash.OWASP}
	fs := newFlagSet("userpool serve", out)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:9229", "listen address (host:port)")
	fs.StringVar(&c.DB, "db", "sqlite:userpool.db", "database: sqlite:<file> or postgres://user:pass@host:port/db?sslmode=...")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", 16, "PostgreSQL: connections in the pool")
	fs.BoolVar(&c.DBMigrate, "db-migrate", true, "apply pending database migrations at start (else run userpool migrate first)")
	fs.StringVar(&c.Region, "region", "us-east-1", "region used in pool IDs, ARNs and issuer URLs")
	fs.BoolVar(&c.Dev, "dev", false, "enable the development API under /_userpool/ (loopback --addr only, unless --dev-listen-public)")
	fs.BoolVar(&c.DevListenPublic, "dev-listen-public", false, "with --dev on a non-loopback --addr: serve the development API (live codes, the clock) to the network, to admin keys only")
	corsOrigins := fs.String("cors-origins", "", "browser origins (e.g. http://localhost:3000, comma-separated) that may make unsigned admin calls with --dev and no keys")
	fs.StringVar(&c.IssuerBase, "issuer-base", "", "token issuer base URL (default http://<addr>); iss = <base>/<poolId>")
	fs.StringVar(&c.HostedBase, "hosted-ui-base", "", "base URL of the hosted UI and OAuth endpoints (default: the issuer base); a domain's are <base>/_domain/<domain>/...")
	fs.Int64Var(&c.MaxBody, "max-body", server.DefaultMaxBody, "request body limit in bytes")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", server.DefaultBodyTimeout, "how long a request body may take to arrive after its headers (slow-client protection)")
	fs.Int64Var(&c.BodyMemory, "max-body-memory", server.DefaultBodyMemory, "bytes all request bodies in flight may hold beyond 16 KiB each; a body that does not fit is refused")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	mem := fs.Uint("argon2-memory", uint(passhash.OWASP.Memory), "argon2id memory in KiB (OWASP: 19456)")
	iter := fs.Uint("argon2-iterations", uint(passhash.OWASP.Iterations), "argon2id iterations (OWASP: 2)")
	par := fs.Uint("argon2-parallelism", uint(passhash.OWASP.Parallelism), "argon2id lanes (OWASP: 1)")
	fs.IntVar(&c.HashConcurrency, "hash-concurrency", 0, "password hashes run at once (default GOMAXPROCS); bounds memory")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long in-flight requests may take to finish on shutdown")
	fs.DurationVar(&c.HeaderTimeout, "header-timeout", 10*time.Second, "how long a client may take to send request headers (slow-client protection)")
	fs.StringVar(&c.DevFixedCode, "dev-fixed-code", "", "with --dev: every code is this 6-digit value")
	fs.StringVar(&c.SecretKeyFile, "secret-key-file", "", "file holding the key codes are HMACed with (default: generated once, kept in the database)")
	fs.IntVar(&c.LimitRequests, "limit-requests", 5, "code requests per user per --limit-window (ForgotPassword, resends)")
	fs.IntVar(&c.LimitConfirms, "limit-confirms", 5, "code entries per user per --limit-window (ConfirmForgotPassword, ...)")
	fs.DurationVar(&c.LimitWindow, "limit-window", time.Hour, "rolling window of the attempt limits")
	fs.IntVar(&c.LimitSignIns, "limit-signins", 5, "failed password sign-ins in a row before the first lockout, \"Password attempts exceeded\" (0: no lockout)")
	fs.DurationVar(&c.SignInLockout, "limit-signin-lockout", time.Second, "the first sign-in lockout; it doubles with each further failure up to --limit-signin-window")
	fs.DurationVar(&c.SignInWindow, "limit-signin-window", 15*time.Minute, "the longest sign-in lockout, and how long without any attempt starts the count over")
	fs.DurationVar(&c.MessageRetention, "message-retention", userpool.DefaultMessageRetention,
		"how long sent, dead, inbox and suppressed messages are kept (never pending ones); the sweep deletes older ones every minute")
	fs.Float64Var(&c.RecoveryRPS, "limit-recovery-rps", 0, "ForgotPassword+ConfirmForgotPassword requests/s per pool and process (0: off; Cognito's quota is 30/s per account)")
	fs.BoolVar(&c.Metrics, "metrics", true, "serve Prometheus metrics at /metrics on --metrics-addr")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "127.0.0.1:9230", "listen address of /metrics (host:port; not the API's: its counters are for operators only)")
	fs.IntVar(&c.MaxInFlight, "max-inflight", 512, "requests handled at once; more are answered TooManyRequestsException (0: no cap)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "serve HTTPS (and HTTP/2) with this PEM certificate chain (with --tls-key)")
	fs.StringVar(&c.TLSKey, "tls-key", "", "PEM private key for --tls-cert")
	fs.StringVar(&c.AdminKeysList, "admin-keys", "", "SigV4 keys for admin operations: AKID:SECRET[,AKID:SECRET...]")
	fs.StringVar(&c.AdminKeysFile, "admin-keys-file", "", "file with one AKID:SECRET per line (# comments) for admin operations")
	fs.StringVar(&c.LambdaEndpoint, "lambda-endpoint", "", "AWS Lambda Invoke API endpoint for triggers (default: the AWS endpoint of --region; e.g. sam local start-lambda's http://127.0.0.1:3001)")
	d := &c.Delivery
	fs.StringVar(&d.SMTPURL, "smtp-url", "", "send email through this SMTP server: smtp://user:pass@host:port?tls=starttls|implicit|none")
	fs.StringVar(&d.EmailFrom, "email-from", "no-reply@verificationemail.com", "From address when the pool's EmailConfiguration has none")
	fs.StringVar(&d.SMS, "sms", "", "send SMS through: sns (Amazon SNS Publish) or webhook (--sms-webhook)")
	fs.StringVar(&d.SMSWebhook, "sms-webhook", "", "POST SMS as JSON to this URL (implies --sms webhook)")
	fs.StringVar(&d.SNSEndpoint, "sns-endpoint", "", "SNS endpoint URL (default: the AWS endpoint of --sns-region)")
	fs.StringVar(&d.SNSRegion, "sns-region", "", "SNS region (default --region)")
	fs.IntVar(&d.MaxAttempts, "delivery-max-attempts", 8, "attempts before a message is marked dead")
	fs.DurationVar(&d.Lease, "delivery-lease", 30*time.Second, "how long a worker holds a message it is sending")
	fs.DurationVar(&d.Poll, "delivery-poll", time.Second, "how often the outbox is checked when idle")
	fs.DurationVar(&d.Backoff, "delivery-backoff", 2*time.Second, "first retry delay; it doubles per attempt (with jitter) up to 10m")
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return nil, err
	}
	for _, o := range strings.Split(*corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if d.SMSWebhook != "" && d.SMS == "" {
		d.SMS = "webhook"
	}
	if d.SNSRegion == "" {
		d.SNSRegion = c.Region
	}
	if *mem > 1<<22 || *iter > 1<<16 || *par > 255 {
		return nil, errors.New("argon2 parameters out of range")
	}
	c.Argon2 = passhash.Params{Memory: uint32(*mem), Iterations: uint32(*iter), Parallelism: uint8(*par)}
	return c, c.validate()
}

// parseWithEnv applies USERPOOL_<NAME> environment values first, then the
// command line, so flags win.
func parseWithEnv(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if v := getenv(name); v != "" && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("invalid value %q for %s: %v", v, name, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w (%s -h lists the flags)", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// validate reports every problem at once.
func (c *config) validate() error {
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Addr == "" || !strings.Contains(c.Addr, ":"), "--addr %q: want host:port", c.Addr)
	if err := checkDB(c.DB); err != nil {
		errs = append(errs, err)
	}
	check(c.Region == "" || strings.ContainsAny(c.Region, "_ /"), "--region %q: want a region name such as us-east-1", c.Region)
	check(c.HeaderTimeout < 100*time.Millisecond, "--header-timeout must be at least 100ms")
	check(c.MaxInFlight < 0, "--max-inflight must not be negative")
	check((c.TLSCert == "") != (c.TLSKey == ""), "--tls-cert and --tls-key go together")
	check(c.DBMaxConns < 1 || c.DBMaxConns > 10000, "--db-max-conns must be from 1 to 10000")
	check(c.MaxBody < 1024, "--max-body %d: must be at least 1024", c.MaxBody)
	check(c.BodyTimeout < 100*time.Millisecond, "--body-timeout must be at least 100ms")
	check(c.BodyMemory < c.MaxBody, "--max-body-memory must be at least --max-body")
	check(!oneOf(c.LogLevel, "debug", "info", "warn", "error"), "--log-level %q: want debug, info, warn or error", c.LogLevel)
	check(!oneOf(c.LogFormat, "text", "json"), "--log-format %q: want text or json", c.LogFormat)
	check(c.DevFixedCode != "" && !c.Dev, "--dev-fixed-code needs --dev")
	check(c.DevFixedCode != "" && !sixDigits(c.DevFixedCode), "--dev-fixed-code %q: want 6 digits", c.DevFixedCode)
	check(c.LimitRequests < 1 || c.LimitConfirms < 1, "--limit-requests and --limit-confirms must be at least 1")
	check(c.LimitWindow < time.Second, "--limit-window must be at least 1s")
	check(c.LimitSignIns < 0, "--limit-signins must not be negative (0 turns the lockout off)")
	check(c.SignInWindow < time.Second, "--limit-signin-window must be at least 1s")
	check(c.SignInLockout < time.Millisecond || c.SignInLockout > c.SignInWindow, "--limit-signin-lockout must be from 1ms to --limit-signin-window")
	check(c.MessageRetention < time.Minute, "--message-retention must be at least 1m")
	check(c.RecoveryRPS < 0 || c.RecoveryRPS > 1e6, "--limit-recovery-rps must be from 0 (off) to 1000000")
	d := c.Delivery
	check(!oneOf(d.SMS, "", "sns", "webhook"), "--sms %q: want sns or webhook", d.SMS)
	check(d.SMS == "webhook" && !strings.HasPrefix(d.SMSWebhook, "http://") && !strings.HasPrefix(d.SMSWebhook, "https://"),
		"--sms webhook needs --sms-webhook http(s)://...")
	check(d.MaxAttempts < 1, "--delivery-max-attempts must be at least 1")
	check(d.Backoff < time.Millisecond, "--delivery-backoff must be at least 1ms")
	check(d.Lease < time.Second || d.Poll < 10*time.Millisecond, "--delivery-lease must be at least 1s and --delivery-poll at least 10ms")
	if err := c.Argon2.Validate(); err != nil {
		errs = append(errs, err)
	}
	keys, err := adminKeys(c.AdminKeysList, c.AdminKeysFile)
	if err != nil {
		errs = append(errs, err)
	}
	c.AdminKeys = keys
	check(err == nil && len(keys) == 0 && !(c.Dev && loopback(c.Addr) && !c.DevListenPublic), errNoAdminKeys)
	check(c.Dev && !loopback(c.Addr) && !c.DevListenPublic, errDevNotLoopback, c.Addr)
	check(c.DevListenPublic && !c.Dev, "--dev-listen-public needs --dev")
	check(c.Metrics && (c.MetricsAddr == "" || !strings.Contains(c.MetricsAddr, ":")), "--metrics-addr %q: want host:port", c.MetricsAddr)
	for _, o := range c.CORSOrigins {
		u, perr := url.Parse(o)
		check(perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "", "--cors-origins %q: want scheme://host[:port]", o)
	}
	return errors.Join(errs...)
}

// checkDB checks the form of a --db value (serve and migrate).
func checkDB(db string) error {
	switch {
	case !strings.HasPrefix(db, "sqlite:") && !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://"):
		return fmt.Errorf("--db %q: want sqlite:<file> or postgres://...", db)
	case strings.HasPrefix(db, "sqlite:") && sqlitePath(db) == "":
		return fmt.Errorf("--db %q: missing file name", db)
	}
	return nil
}

func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "sqlite:")
	if strings.HasPrefix(p, "///") {
		return p[2:] // sqlite:///abs/path
	}
	return strings.TrimPrefix(p, "//")
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// readSecretKey reads --secret-key-file: at least 32 bytes of key material
// (surrounding whitespace ignored), so that codes' HMACs cannot be brute
// forced offline from a stolen database.
func readSecretKey(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--secret-key-file: %w", err)
	}
	b = bytes.TrimSpace(b)
	if len(b) < 32 {
		return nil, fmt.Errorf("--secret-key-file %s: want at least 32 bytes of key material, got %d", path, len(b))
	}
	return b, nil
}
