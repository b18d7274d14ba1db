package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testKey     = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testService = "cognito-idp"
	testBody    = `{"MaxResults":1}`
)

var signTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func lookup(id string) (string, bool) {
	if id == testKey {
		return testSecret, true
	}
	return "", false
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

type signOpts struct {
	url, region, service, key, secret, token string
	header                                   map[string]string // set before signing
}

// signed builds a POST request and signs it with aws-sdk-go-v2's signer (the oracle).
func signed(t testing.TB, o signOpts) (*http.Request, []byte) {
	t.Helper()
	if o.url == "" {
		o.url = "https://cognito-idp.us-east-1.amazonaws.com/"
	}
	if o.region == "" {
		o.region = "us-east-1"
	}
	if o.service == "" {
		o.service = testService
	}
	if o.key == "" {
		o.key, o.secret = testKey, testSecret
	}
	body := []byte(testBody)
	r, err := http.NewRequest(http.MethodPost, o.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	for k, v := range o.header {
		r.Header.Set(k, v)
	}
	creds := aws.Credentials{AccessKeyID: o.key, SecretAccessKey: o.secret, SessionToken: o.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex(body), o.service, o.region, signTime); err != nil {
		t.Fatal(err)
	}
	return r, body
}

func wantErr(t *testing.T, err error, code, msg string, status int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error %s", err, err, code)
	}
	if e.Code != code || e.Status != status {
		t.Fatalf("err = %s/%d %q, want %s/%d", e.Code, e.Status, e.Message, code, status)
	}
	if msg != "" && e.Message != msg {
		t.Fatalf("message = %q\nwant      %q", e.Message, msg)
	}
}

const sigMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func TestVerifySDKSigned(t *testing.T) {
	r, body := signed(t, signOpts{})
	id, err := Verify(r, body, signTime, testService, lookup)
	if err != nil || id != testKey {
		t.Fatalf("Verify = %q, %v", id, err)
	}
}

func TestVerifyCases(t *testing.T) {
	type tc struct {
		name   string
		opts   signOpts
		mutate func(r *http.Request, body []byte) []byte
		now    time.Time
		lookup Lookup
		code   string // "" means success
		msg    string
		status int
	}
	cases := []tc{
		{name: "ok"},
		{name: "tampered body", mutate: func(r *http.Request, b []byte) []byte {
			return []byte(strings.Replace(string(b), "1", "2", 1))
		}, code: invalidSig, msg: sigMismatch, status: 400},
		{name: "tampered signed header", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
			return b
		}, code: invalidSig, msg: sigMismatch, status: 400},
		{name: "tampered host", mutate: func(r *http.Request, b []byte) []byte {
			r.Host = "evil.example"
			return b
		}, code: invalidSig, msg: sigMismatch, status: 400},
		{name: "unsigned extra header", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Extra", "whatever")
			r.Header.Set("User-Agent", "changed")
			return b
		}},
		{name: "wrong secret", lookup: func(string) (string, bool) { return "other", true },
			code: invalidSig, msg: sigMismatch, status: 400},
		{name: "unknown key", opts: signOpts{key: "AKIDUNKNOWN", secret: "x"},
			code: "UnrecognizedClientException", msg: "The security token included in the request is invalid.", status: 400},
		{name: "wrong service", opts: signOpts{service: "s3"},
			code: invalidSig, msg: "Credential should be scoped to correct service: 'cognito-idp'. ", status: 400},
		// The region is deliberately not checked: real Cognito endpoints are per
		// region, whereas a self-hosted server serves whatever region its clients
		// are configured with.
		{name: "other region accepted", opts: signOpts{region: "eu-west-1"}},
		{name: "skew +16 min (request in the future)", now: signTime.Add(-16 * time.Minute),
			code: invalidSig, status: 400,
			msg: "Signature not yet current: 20240506T070809Z is still later than 20240506T070709Z (20240506T065209Z + 15 min.)"},
		{name: "skew -16 min (request stale)", now: signTime.Add(16 * time.Minute),
			code: invalidSig, status: 400,
			msg: "Signature expired: 20240506T070809Z is now earlier than 20240506T070909Z (20240506T072409Z - 15 min.)"},
		{name: "skew 14 min ok", now: signTime.Add(14 * time.Minute)},
		{name: "missing authorization", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Authorization")
			return b
		}, code: "MissingAuthenticationTokenException", msg: "Missing Authentication Token", status: 403},
		{name: "content sha256 matches", opts: signOpts{header: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte(testBody))}}},
		{name: "content sha256 mismatch", opts: signOpts{header: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte("{}"))}},
			code: invalidSig, msg: sigMismatch, status: 400},
		{name: "unsigned payload rejected", opts: signOpts{header: map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}},
			code: invalidSig, msg: sigMismatch, status: 400},
		{name: "query string signed", opts: signOpts{url: "https://h.example/?b=2&a=x%20y&a=1&c=%7E%2B"}},
		{name: "query string tampered", opts: signOpts{url: "https://h.example/?b=2&a=1"}, mutate: func(r *http.Request, b []byte) []byte {
			r.URL.RawQuery = "b=3&a=1"
			return b
		}, code: invalidSig, msg: sigMismatch, status: 400},
		{name: "escaped path signed", opts: signOpts{url: "https://h.example/a%20b/c~d"}},
		{name: "session token signed", opts: signOpts{token: "FwoGZXIvYXdzEXAMPLETOKEN"}},
		{name: "session token tampered", opts: signOpts{token: "FwoGZXIvYXdzEXAMPLETOKEN"}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Security-Token", "other")
			return b
		}, code: invalidSig, msg: sigMismatch, status: 400},
		{name: "date header replaced", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", "20240506T070810Z")
			return b
		}, code: invalidSig, msg: sigMismatch, status: 400},
	}

	garbage := map[string]string{
		"v2 scheme":            "AWS AKIDEXAMPLE:c2lnbmF0dXJl",
		"algorithm only":       "AWS4-HMAC-SHA256",
		"other algorithm":      "AWS4-ECDSA-P256-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
		"no equals":            "AWS4-HMAC-SHA256 Credential",
		"missing signature":    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date",
		"missing signed hdrs":  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/us-east-1/cognito-idp/aws4_request, Signature=00",
		"short credential":     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506, SignedHeaders=host;x-amz-date, Signature=00",
		"host not signed":      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/us-east-1/cognito-idp/aws4_request, SignedHeaders=x-amz-date, Signature=00",
		"date not signed":      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00",
		"duplicate param":      "AWS4-HMAC-SHA256 Signature=00, Signature=00",
		"upper signed headers": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/us-east-1/cognito-idp/aws4_request, SignedHeaders=Host;x-amz-date, Signature=00",
	}
	for name, v := range garbage {
		cases = append(cases, tc{name: "garbage: " + name, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", v)
			return b
		}, code: incomplete, status: 400})
	}
	cases = append(cases,
		tc{name: "bad terminator", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "aws4_request", "aws5_request", 1))
			return b
		}, code: invalidSig, msg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ", status: 400},
		tc{name: "scope date mismatch", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20240506/", "/20240505/", 1))
			return b
		}, code: invalidSig, status: 400,
			msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240505' != '20240506', from '20240506T070809Z'."},
		tc{name: "malformed x-amz-date", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", "yesterday")
			return b
		}, code: incomplete, status: 400},
		tc{name: "no date at all", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("X-Amz-Date")
			return b
		}, code: incomplete, status: 400,
			msg: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := signed(t, c.opts)
			if c.mutate != nil {
				body = c.mutate(r, body)
			}
			now := c.now
			if now.IsZero() {
				now = signTime
			}
			lk := c.lookup
			if lk == nil {
				lk = lookup
			}
			if c.opts.key != "" && c.lookup == nil && c.code == "" {
				lk = func(string) (string, bool) { return c.opts.secret, true }
			}
			id, err := Verify(r, body, now, testService, lk)
			if c.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if id == "" {
					t.Fatal("empty access key ID")
				}
				return
			}
			wantErr(t, err, c.code, c.msg, c.status)
		})
	}
}

func TestMessagesTable(t *testing.T) {
	for k, m := range messages {
		if m.code == "" || m.text == "" || m.status == 0 || m.source == "" {
			t.Errorf("messages[%d] incomplete: %+v", k, m)
		}
		if !strings.HasPrefix(m.source, "OBSERVED") && !strings.HasPrefix(m.source, "UNVERIFIED") {
			t.Errorf("messages[%d] source must start with OBSERVED or UNVERIFIED: %q", k, m.source)
		}
	}
}

type captured struct {
	req  *http.Request
	body []byte
}

// captureServer records the first request it receives and answers with an
// empty ListUserPools response.
func captureServer(t *testing.T) (*httptest.Server, func() *captured) {
	var (
		mu  sync.Mutex
		got *captured
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		if got == nil {
			got = &captured{req: r.Clone(context.Background()), body: body}
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"UserPools":[]}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() *captured {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// TestVerifyOverTheWire sends an SDK-signed request through a real HTTP
// server, so Verify sees a server-side *http.Request (Host promoted, etc.).
func TestVerifyOverTheWire(t *testing.T) {
	srv, get := captureServer(t)
	r, _ := signed(t, signOpts{url: srv.URL + "/?x=1"})
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := get()
	if c == nil {
		t.Fatal("no request captured")
	}
	if _, err := Verify(c.req, c.body, signTime, testService, lookup); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestVerifyAWSCLI(t *testing.T) {
	awsPath, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("aws CLI not found and CI is set")
		}
		t.Skip("the AWS CLI is not installed: signatures made by the AWS CLI were NOT verified (apt-get install awscli)")
	}
	srv, get := captureServer(t)
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, awsPath, "--endpoint-url", srv.URL,
		"cognito-idp", "list-user-pools", "--max-results", "1")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"AWS_ACCESS_KEY_ID=" + testKey,
		"AWS_SECRET_ACCESS_KEY=" + testSecret,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_MAX_ATTEMPTS=1",
		"AWS_CONFIG_FILE=" + home + "/config",
		"AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
		"AWS_PAGER=",
	}
	for _, k := range []string{"PYENV_ROOT", "PYENV_VERSION", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws CLI: %v\n%s", err, out)
	}
	c := get()
	if c == nil {
		t.Fatalf("aws CLI sent no request; output:\n%s", out)
	}
	t.Logf("CLI Authorization: %s", c.req.Header.Get("Authorization"))
	if _, err := Verify(c.req, c.body, time.Now(), testService, lookup); err != nil {
		t.Fatalf("Verify(CLI request): %v", err)
	}
	changed := bytes.Clone(c.body)
	changed[len(changed)-1] ^= 1
	_, err = Verify(c.req, changed, time.Now(), testService, lookup)
	wantErr(t, err, invalidSig, sigMismatch, 400)
}

// TestVerifyRequiredHeaders: headers the caller requires must be signed.
func TestVerifyRequiredHeaders(t *testing.T) {
	r, body := signed(t, signOpts{})
	if _, err := Verify(r, body, signTime, testService, lookup, "x-amz-target", "content-type"); err != nil {
		t.Fatalf("SDK-signed request with both headers signed: %v", err)
	}
	_, err := Verify(r, body, signTime, testService, lookup, "x-amz-target", "x-amz-security-token")
	var e *Error
	if !errors.As(err, &e) || e.Code != "IncompleteSignatureException" ||
		e.Message != "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization." {
		t.Fatalf("got %v", err)
	}
}
