package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/store/txtwice"
	"github.com/userpool/userpool/internal/userpool"
)

// The admin key every test server trusts; the SDK client signs with it, so
// every admin call in the suite goes through SigV4 verification.
const (
	testKeyID  = "AKIDUSERPOOLTEST"
	testSecret = "userpool-test-secret"
)

// env is one running server on a fresh SQLite file, with a real
// aws-sdk-go-v2 Cognito client pointed at it.
type env struct {
	t     *testing.T
	URL   string
	SDK   *cip.Client
	Clock *userpool.DevClock
}

// envConfig adjusts newEnv.
type envConfig struct {
	dev         bool
	maxInFlight int
	svc         userpool.Config
	keys        map[string]string
	unsigned    bool
	bodyTimeout time.Duration
	bodyMemory  int64
	corsOrigins []string
	log         *slog.Logger
	store       store.Store
}

// withAuth replaces the test key with keys (nil: none) and sets
// AllowUnsigned.
func withAuth(keys map[string]string, unsigned bool) func(*envConfig) {
	return func(c *envConfig) { c.keys, c.unsigned = keys, unsigned }
}

// withMaxInFlight caps concurrent requests.
func withMaxInFlight(n int) func(*envConfig) { return func(c *envConfig) { c.maxInFlight = n } }

// withBodyTimeout sets how long a request body may take to arrive.
func withBodyTimeout(d time.Duration) func(*envConfig) {
	return func(c *envConfig) { c.bodyTimeout = d }
}

// withBodyMemory sets the memory budget of bodies in flight.
func withBodyMemory(n int64) func(*envConfig) { return func(c *envConfig) { c.bodyMemory = n } }

// withCORSOrigins lists origins that may make unsigned admin calls.
func withCORSOrigins(origins ...string) func(*envConfig) {
	return func(c *envConfig) { c.corsOrigins = origins }
}

// withLogEvents sends the message of every debug-or-higher record the
// service logs to events (dropping any the test does not read in time), so
// a test can wait for "inbox long poll waiting" instead of sleeping.
func withLogEvents(events chan<- string) func(*envConfig) {
	return func(c *envConfig) { c.log = slog.New(&eventHandler{events: events}) }
}

type eventHandler struct{ events chan<- string }

func (h *eventHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *eventHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.events <- r.Message:
	default:
	}
	return nil
}
func (h *eventHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *eventHandler) WithGroup(string) slog.Handler      { return h }

// withDev mounts the development API (/_userpool/...) and tells the
// service it runs in development mode, as serve --dev does.
func withDev(c *envConfig) { c.dev, c.svc.Dev = true, true }

// withLimits sets the attempt limits.
func withLimits(requests, confirms int) func(*envConfig) {
	return func(c *envConfig) {
		c.svc.Limits = userpool.Limits{Requests: requests, Confirms: confirms, Window: time.Hour}
	}
}

// withInvoker sends the pools' Lambda triggers to inv (e.g. a
// triggers.LambdaInvoker pointed at a lambdatest server).
func withInvoker(inv userpool.Invoker) func(*envConfig) {
	return func(c *envConfig) { c.svc.Invoker = inv }
}

// withRecoveryRate caps recovery requests per second per pool.
func withRecoveryRate(perSecond float64) func(*envConfig) {
	return func(c *envConfig) { c.svc.RecoveryRate = perSecond }
}

// withFixedCode makes every code the given value.
// withInboxOnly marks media as having no delivery channel.
func withInboxOnly(media ...string) func(*envConfig) {
	return func(c *envConfig) { c.svc.InboxOnly = func(m string) bool { return slices.Contains(media, m) } }
}

func withFixedCode(code string) func(*envConfig) {
	return func(c *envConfig) { c.svc.FixedCode = code }
}

// withStore runs the server on st instead of a fresh SQLite file (wrapped
// in txtwice all the same).
func withStore(st store.Store) func(*envConfig) { return func(c *envConfig) { c.store = st } }

func newEnv(t *testing.T, opts ...func(*envConfig)) *env {
	t.Helper()
	ctx := t.Context()
	cfg := envConfig{svc: userpool.Config{Region: "us-east-1"}, keys: map[string]string{testKeyID: testSecret}}
	for _, o := range opts {
		o(&cfg)
	}
	st := cfg.store
	if st == nil {
		sq, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "userpool.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sq.Close() })
		st = sq
	}
	// Every Tx callback runs twice, the first run rolled back, as a
	// PostgreSQL retry would run it: a callback with an effect outside the
	// store, or with state carried from run to run, fails the tests.
	st = txtwice.Wrap(st)
	hasher, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		t.Fatal(err)
	}
	clock := &userpool.DevClock{}
	// The issuer must be the server's own URL: listen first, then build.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cfg.svc.IssuerBase = url
	svc, err := userpool.New(ctx, st, hasher, clock, cfg.log, cfg.svc)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(server.New(server.Config{Service: svc, Dev: cfg.dev, DevClock: clock,
		MaxInFlight: cfg.maxInFlight, AdminKeys: cfg.keys, AllowUnsigned: cfg.unsigned,
		BodyTimeout: cfg.bodyTimeout, BodyMemory: cfg.bodyMemory, CORSOrigins: cfg.corsOrigins}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	sdk := cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	})
	return &env{t: t, URL: srv.URL, SDK: sdk, Clock: clock}
}

// pool creates a pool with the given tweaks applied to the request.
func (e *env) pool(tweak ...func(*cip.CreateUserPoolInput)) *types.UserPoolType {
	e.t.Helper()
	in := &cip.CreateUserPoolInput{PoolName: aws.String("test")}
	for _, f := range tweak {
		f(in)
	}
	out, err := e.SDK.CreateUserPool(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("CreateUserPool: %v", err)
	}
	return out.UserPool
}

// client creates an app client with USER_PASSWORD_AUTH and admin auth on.
func (e *env) client(poolID string, tweak ...func(*cip.CreateUserPoolClientInput)) *types.UserPoolClientType {
	e.t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}
	for _, f := range tweak {
		f(in)
	}
	out, err := e.SDK.CreateUserPoolClient(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return out.UserPoolClient
}

// confirmedUser creates a CONFIRMED user with a permanent password.
func (e *env) confirmedUser(poolID, username, password string, attrs ...types.AttributeType) {
	e.t.Helper()
	ctx := e.t.Context()
	if _, err := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID),
		Username: aws.String(username), UserAttributes: attrs, MessageAction: types.MessageActionTypeSuppress}); err != nil {
		e.t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := e.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
		Username: aws.String(username), Password: aws.String(password), Permanent: true}); err != nil {
		e.t.Fatalf("AdminSetUserPassword: %v", err)
	}
}

func attr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

// raw posts a raw AWS JSON 1.1 request, signed with the test key by
// aws-sdk-go-v2's SigV4 signer, and returns the response.
func (e *env) raw(target, contentType, body string) *http.Response {
	e.t.Helper()
	req := e.unsignedRequest(target, contentType, body)
	sign(e.t, req, body, testKeyID, testSecret, time.Now())
	return e.do(req)
}

// unsignedRequest builds a POST to the API without an Authorization header.
func (e *env) unsignedRequest(target, contentType, body string) *http.Request {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.URL+"/", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// sign adds a SigV4 Authorization header made by aws-sdk-go-v2's signer.
func sign(t *testing.T, req *http.Request, body, keyID, secret string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]),
		"cognito-idp", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
}

// do sends req and closes the response body when the test ends.
func (e *env) do(req *http.Request) *http.Response {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// withLongLockout turns the sign-in lockout on with the default five free
// attempts and makes every lockout 15 minutes, so that a lockout outlasts
// any test running in real time.
func withLongLockout(c *envConfig) { withLockout(15*time.Minute, 15*time.Minute)(c) }

// withLockout sets the sign-in lockout's first and longest duration, with
// the default five free attempts.
func withLockout(first, longest time.Duration) func(*envConfig) {
	return func(c *envConfig) {
		if c.svc.Limits == (userpool.Limits{}) {
			c.svc.Limits = userpool.DefaultLimits
		}
		c.svc.Limits.SignIns, c.svc.Limits.SignInLockout, c.svc.Limits.SignInWindow = 5, first, longest
	}
}
