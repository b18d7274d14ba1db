package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// IAM-authorised operations (all but the model's 32 public ones, spec §1.2)
// need a SigV4 signature from a configured key; every failure leaves the
// store untouched. Signatures come from aws-sdk-go-v2 (the SDK client or its
// v4 signer), never from a signer of our own.

const (
	tp     = "AWSCognitoIdentityProviderService."
	amzCT  = "application/x-amz-json-1.1"
	create = `{"PoolName":"intruder"}`
)

// sdkAs returns an SDK client for e signing with the given key.
func (e *env) sdkAs(keyID, secret string) *cip.Client {
	return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, "")})
}

// wantNoPools fails if any pool exists: a refused call changed nothing.
func (e *env) wantNoPools(t *testing.T) {
	t.Helper()
	out, err := e.SDK.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	ok(t, err, "ListUserPools")
	if len(out.UserPools) != 0 {
		t.Fatalf("%d pools exist after refused calls", len(out.UserPools))
	}
}

// wantRefusal checks status, error type, headers and body of a refused call.
func wantRefusal(t *testing.T, resp *http.Response, status int, code string, message *regexp.Regexp) {
	t.Helper()
	body := readAll(t, resp)
	if resp.StatusCode != status || resp.Header.Get("x-amzn-ErrorType") != code+":" {
		t.Fatalf("status %d type %q body %s, want %d %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body, status, code)
	}
	if !strings.HasPrefix(body, `{"__type":"`+code+`","message":"`) || !message.MatchString(errorMessage(body)) ||
		resp.Header.Get("x-amzn-ErrorMessage") != strings.TrimSpace(errorMessage(body)) { // HTTP trims header values
		t.Fatalf("body %s / header %q, want message matching %s", body, resp.Header.Get("x-amzn-ErrorMessage"), message)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Fatal("no x-amzn-RequestId")
	}
}

func exactly(s string) *regexp.Regexp { return regexp.MustCompile("^" + regexp.QuoteMeta(s) + "$") }

func TestAdminCallsNeedAValidSignature(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	badSignature := exactly("The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

	t.Run("unsigned", func(t *testing.T) {
		wantRefusal(t, e.do(e.unsignedRequest(tp+"CreateUserPool", amzCT, create)),
			403, "MissingAuthenticationTokenException", exactly("Missing Authentication Token"))
	})
	t.Run("unknown key through the SDK", func(t *testing.T) {
		_, err := e.sdkAs("AKIDNOBODY", testSecret).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("x")})
		wantAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
	})
	t.Run("wrong secret through the SDK", func(t *testing.T) {
		_, err := e.sdkAs(testKeyID, "not-the-secret").CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("x")})
		wantAPIError(t, err, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	})
	t.Run("wrong secret on the wire", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, create)
		sign(t, req, create, testKeyID, "not-the-secret", time.Now())
		wantRefusal(t, e.do(req), 400, "InvalidSignatureException", badSignature)
	})
	t.Run("tampered body", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, `{"PoolName":"intruder2"}`)
		sign(t, req, `{"PoolName":"harmless"}`, testKeyID, testSecret, time.Now())
		wantRefusal(t, e.do(req), 400, "InvalidSignatureException", badSignature)
	})
	t.Run("tampered target", func(t *testing.T) {
		req := e.unsignedRequest(tp+"ListUserPools", amzCT, create)
		sign(t, req, create, testKeyID, testSecret, time.Now())
		req.Header.Set("X-Amz-Target", tp+"CreateUserPool")
		wantRefusal(t, e.do(req), 400, "InvalidSignatureException", badSignature)
	})
	t.Run("replayed after 20 minutes", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, create)
		sign(t, req, create, testKeyID, testSecret, time.Now().Add(-20*time.Minute))
		wantRefusal(t, e.do(req), 400, "InvalidSignatureException",
			regexp.MustCompile(`^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$`))
	})
	t.Run("dated in the future", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, create)
		sign(t, req, create, testKeyID, testSecret, time.Now().Add(20*time.Minute))
		wantRefusal(t, e.do(req), 400, "InvalidSignatureException", regexp.MustCompile(`^Signature not yet current: `))
	})
	t.Run("date header removed", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, create)
		sign(t, req, create, testKeyID, testSecret, time.Now())
		req.Header.Del("X-Amz-Date")
		wantRefusal(t, e.do(req), 400, "IncompleteSignatureException", regexp.MustCompile(`X-Amz-Date`))
	})
	t.Run("garbage authorization", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, create)
		req.Header.Set("Authorization", "Basic YWRtaW46YWRtaW4=")
		wantRefusal(t, e.do(req), 400, "IncompleteSignatureException", regexp.MustCompile(`Basic`))
	})
	t.Run("other service's scope", func(t *testing.T) {
		req := e.unsignedRequest(tp+"CreateUserPool", amzCT, create)
		sign(t, req, create, testKeyID, testSecret, time.Now())
		req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "/cognito-idp/", "/s3/", 1))
		wantRefusal(t, e.do(req), 400, "InvalidSignatureException", regexp.MustCompile(`cognito-idp`))
	})
	e.wantNoPools(t)

	// The right key works, through the SDK and on the wire.
	_, err := e.SDK.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("ok")})
	ok(t, err, "CreateUserPool signed by the SDK")
	if resp := e.raw(tp+"ListUserPools", amzCT, `{"MaxResults":5}`); resp.StatusCode != 200 {
		t.Fatalf("signed raw ListUserPools: %d %s", resp.StatusCode, readAll(t, resp))
	}
}

// Public operations never need a signature and ignore one that is present
// (Cognito does not evaluate IAM for them, spec §1.2).
func TestPublicOperationsIgnoreSignatures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	body := `{"ClientId":"` + clientID + `","Username":"nobody"}`
	for name, mutate := range map[string]func(*http.Request){
		"unsigned":    func(*http.Request) {},
		"garbage":     func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense") },
		"unknown key": func(r *http.Request) { sign(t, r, body, "AKIDNOBODY", "x", time.Now()) },
		"expired":     func(r *http.Request) { sign(t, r, body, testKeyID, testSecret, time.Now().Add(-time.Hour)) },
	} {
		req := e.unsignedRequest(tp+"ForgotPassword", amzCT, body)
		mutate(req)
		resp := e.do(req)
		// LEGACY pool, unknown user: the operation itself answered.
		if got := resp.Header.Get("x-amzn-ErrorType"); got != "UserNotFoundException:" {
			t.Fatalf("%s: ForgotPassword answered %d %s %s", name, resp.StatusCode, got, readAll(t, resp))
		}
	}
	_, err := e.sdkAs("AKIDNOBODY", "x").SignUp(t.Context(), &cip.SignUpInput{ClientId: aws.String(clientID),
		Username: aws.String("sam"), Password: aws.String(goodPassword)})
	ok(t, err, "SignUp signed with an unknown key")
}

// A zero-value configuration is closed: without keys and without
// AllowUnsigned, no admin call gets through, even a signed one.
func TestNoKeysMeansNoAdminCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withAuth(nil, false))
	resp := e.do(e.unsignedRequest(tp+"CreateUserPool", amzCT, create))
	wantRefusal(t, resp, 403, "MissingAuthenticationTokenException", exactly("Missing Authentication Token"))
	_, err := e.SDK.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("x")})
	wantAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
}

// AllowUnsigned (what `serve --dev` on loopback without keys sets) accepts
// admin calls with or without a signature; configured keys still win.
func TestAllowUnsigned(t *testing.T) {
	t.Parallel()
	open := newEnv(t, withAuth(nil, true))
	if resp := open.do(open.unsignedRequest(tp+"CreateUserPool", amzCT, create)); resp.StatusCode != 200 {
		t.Fatalf("unsigned CreateUserPool: %d %s", resp.StatusCode, readAll(t, resp))
	}
	_, err := open.sdkAs("AKIDANY", "any").ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	ok(t, err, "signed ListUserPools without keys")

	keyed := newEnv(t, withAuth(map[string]string{testKeyID: testSecret}, true))
	resp := keyed.do(keyed.unsignedRequest(tp+"CreateUserPool", amzCT, create))
	wantRefusal(t, resp, 403, "MissingAuthenticationTokenException", exactly("Missing Authentication Token"))
}

// TestTargetAndContentTypeMustBeSigned: a signature that does not cover
// X-Amz-Target (and Content-Type) could be replayed as another operation
// with the same body: a captured AdminGetUser signed over host;x-amz-date
// only became an AdminDisableUser. Both headers must be among the signed
// ones, as must the payload hash.
func TestTargetAndContentTypeMustBeSigned(t *testing.T) {
	e := newEnv(t)
	poolID := *e.pool().Id
	e.confirmedUser(poolID, "victim", goodPassword)
	body := `{"UserPoolId":"` + poolID + `","Username":"victim"}`
	// Signed with neither header present, then both added: the signature
	// covers host, x-amz-date and content-length only.
	req := e.unsignedRequest("", "", body)
	sign(t, req, body, testKeyID, testSecret, time.Now())
	if sh := req.Header.Get("Authorization"); strings.Contains(sh, "x-amz-target") || strings.Contains(sh, "content-type") {
		t.Fatalf("the test signed the target or content type: %s", sh)
	}
	req.Header.Set("X-Amz-Target", tp+"AdminDisableUser")
	req.Header.Set("Content-Type", amzCT)
	wantRefusal(t, e.do(req), 400, "IncompleteSignatureException", regexp.MustCompile(`X-Amz-Target`))
	if !e.getUser(poolID, "victim").Enabled {
		t.Fatal("the replayed signature disabled the user")
	}

	// Target signed, content type not.
	req = e.unsignedRequest(tp+"AdminGetUser", "", body)
	sign(t, req, body, testKeyID, testSecret, time.Now())
	req.Header.Set("Content-Type", amzCT)
	wantRefusal(t, e.do(req), 400, "IncompleteSignatureException", regexp.MustCompile(`Content-Type`))

	// An unsigned payload is not accepted either.
	req = e.unsignedRequest(tp+"AdminGetUser", amzCT, body)
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, "UNSIGNED-PAYLOAD", "cognito-idp", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, e.do(req), 400, "InvalidSignatureException", regexp.MustCompile(`does not match`))
}
