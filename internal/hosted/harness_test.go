package hosted_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// The admin key the test servers trust; the SDK client signs with it.
const (
	testKeyID  = "AKIDUSERPOOLTEST"
	testSecret = "userpool-test-secret"
)

// env is one running server (API, development API and hosted domains) on
// a fresh SQLite file, with a real aws-sdk-go-v2 Cognito client.
type env struct {
	t     testing.TB
	URL   string
	SDK   *cip.Client
	Clock *userpool.DevClock
	// Svc is the server's service, for tests that need a step no page or
	// endpoint offers on its own.
	Svc *userpool.Service
}

// newEnv starts a --dev server; tweak adjusts the service's configuration.
// Every Tx callback runs twice, as a PostgreSQL retry would.
func newEnv(t *testing.T, tweak ...func(*userpool.Config)) *env {
	t.Helper()
	ts := startServer(t, true, tweak...)
	return &env{t: t, URL: ts.Server.URL, SDK: ts.SDK, Clock: ts.Clock, Svc: ts.Svc}
}

// testServer is a running --dev server on a fresh SQLite file.
type testServer struct {
	Server *httptest.Server
	Svc    *userpool.Service
	Clock  *userpool.DevClock
	SDK    *cip.Client // signs with the test key
}

// startServer starts a test server; twice wraps the store so that every
// Tx callback runs twice (tests), or not (benchmarks and fuzzing measure
// and explore what production runs).
func startServer(tb testing.TB, twice bool, tweak ...func(*userpool.Config)) *testServer {
	tb.Helper()
	ctx := tb.Context()
	sq, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "userpool.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sq.Close() })
	var st store.Store = sq
	if twice {
		st = txtwice.Wrap(sq)
	}
	hasher, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		tb.Fatal(err)
	}
	// The issuer must be the server's own URL: listen first, then build.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	cfg := userpool.Config{Region: "us-east-1", IssuerBase: "http://" + ln.Addr().String(), Dev: true}
	for _, f := range tweak {
		f(&cfg)
	}
	clock := &userpool.DevClock{}
	svc, err := userpool.New(ctx, st, hasher, clock, nil, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(server.New(server.Config{Service: svc, Dev: true, DevClock: clock,
		AdminKeys: map[string]string{testKeyID: testSecret}}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	tb.Cleanup(srv.Close)
	sdk := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		HTTPClient:  srv.Client(), Retryer: aws.NopRetryer{}})
	return &testServer{Server: srv, Svc: svc, Clock: clock, SDK: sdk}
}

// Callback and sign-out URLs of the app client oauthApp makes.
const (
	callbackURL = "http://localhost:3000/callback"
	logoutURL   = "http://localhost:3000/signed-out"
)

// app is a pool with a domain and an OAuth app client.
type app struct {
	PoolID   string
	Domain   string
	ClientID string
	Secret   string // "" for a public client
	// Base is the domain's hosted base URL: <server>/_domain/<domain>.
	Base string
}

// oauthApp creates a pool (email as username, auto-verified), a prefix
// domain and an app client allowing the code and implicit flows with the
// openid, email, phone and profile scopes. tweak adjusts the pool and the
// client requests before they are sent.
func (e *env) oauthApp(poolTweak func(*cip.CreateUserPoolInput), clientTweak func(*cip.CreateUserPoolClientInput)) *app {
	e.t.Helper()
	ctx := e.t.Context()
	pin := &cip.CreateUserPoolInput{PoolName: aws.String("Acme Staff"),
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}
	if poolTweak != nil {
		poolTweak(pin)
	}
	pool, err := e.SDK.CreateUserPool(ctx, pin)
	if err != nil {
		e.t.Fatalf("CreateUserPool: %v", err)
	}
	domain := "acme-" + randomHex(4)
	if _, err := e.SDK.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pool.UserPool.Id,
		Domain: aws.String(domain)}); err != nil {
		e.t.Fatalf("CreateUserPoolDomain: %v", err)
	}
	cin := &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("web"),
		AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode, types.OAuthFlowTypeImplicit},
		AllowedOAuthScopes:              []string{"openid", "email", "phone", "profile"},
		CallbackURLs:                    []string{callbackURL}, LogoutURLs: []string{logoutURL},
		SupportedIdentityProviders: []string{"COGNITO"}}
	if clientTweak != nil {
		clientTweak(cin)
	}
	c, err := e.SDK.CreateUserPoolClient(ctx, cin)
	if err != nil {
		e.t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return &app{PoolID: *pool.UserPool.Id, Domain: domain, ClientID: *c.UserPoolClient.ClientId,
		Secret: aws.ToString(c.UserPoolClient.ClientSecret), Base: e.URL + "/_domain/" + domain}
}

// confirmedUser creates a CONFIRMED user with a verified email and a
// permanent password.
func (e *env) confirmedUser(poolID, email, password string) {
	e.t.Helper()
	ctx := e.t.Context()
	if _, err := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID),
		Username: aws.String(email), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		e.t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := e.SDK.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
		Username: aws.String(email), Password: aws.String(password), Permanent: true}); err != nil {
		e.t.Fatalf("AdminSetUserPassword: %v", err)
	}
}

// inboxCode returns the code of the newest message to username in the
// development inbox (GET /_userpool/messages lists newest first), or fails
// the test.
func (e *env) inboxCode(poolID, username string) string {
	e.t.Helper()
	q := url.Values{"userPoolId": {poolID}, "username": {username}}
	resp, err := http.Get(e.URL + "/_userpool/messages?" + q.Encode())
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			Code string `json:"code"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("inbox: status %d, %v", resp.StatusCode, err)
	}
	for _, m := range out.Messages {
		if m.Code != "" {
			return m.Code
		}
	}
	e.t.Fatalf("inbox: no code for %s", username)
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
