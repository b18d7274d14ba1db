package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The JavaScript end-to-end test (issue 15): the client libraries web apps
// ship, unmodified — amazon-cognito-identity-js's authenticateUser and
// Amplify v6's signIn(), both USER_SRP_AUTH by default — against `userpool
// serve --dev`, through the flow this server exists for: sign in, forget
// the password, take the code from the development inbox (`userpool
// messages --code`), set a new password, and sign in with it while the old
// one is refused. e2e/js holds the scripts and the pinned libraries;
// .ci/run installs them with npm ci.

// jsDir is e2e/js, with its node_modules, or the test fails in CI (where
// .ci/run must have run npm ci) and is skipped, loudly, elsewhere.
func jsDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "e2e", "js"))
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws-amplify")); err != nil {
		missing = "e2e/js/node_modules is missing (run: cd e2e/js && npm ci)"
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s; .ci/run must install it", missing)
		}
		t.Skipf("%s: the JavaScript client end-to-end test (amazon-cognito-identity-js, Amplify v6) did NOT run", missing)
	}
	return dir
}

// jsStep is one line of flow.mjs's output (and, without the results, one
// step of its input).
type jsStep struct {
	Lib      string `json:"lib"`
	Op       string `json:"op"`
	User     string `json:"user"`
	Password string `json:"password,omitempty"`
	Code     string `json:"code,omitempty"`

	OK       bool   `json:"ok"`
	Name     string `json:"name"`
	Message  string `json:"message"`
	SignedIn bool   `json:"signedIn"`
	Username string `json:"username"`
	Flow     string `json:"flow"`
	NextStep string `json:"nextStep"`
	Medium   string `json:"medium"`
}

// runFlow runs flow.mjs with steps and returns its result lines.
func runFlow(t *testing.T, dir, url, poolID, clientID string, steps ...jsStep) []jsStep {
	t.Helper()
	plan, err := json.Marshal(steps)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "node", "flow.mjs", string(plan))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "USERPOOL_ENDPOINT="+url, "POOL_ID="+poolID, "CLIENT_ID="+clientID)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node flow.mjs: %v\n%s\n%s", err, out, stderr.String())
	}
	var got []jsStep
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var s jsStep
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("flow.mjs printed %q: %v", sc.Text(), err)
		}
		got = append(got, s)
	}
	if len(got) != len(steps) {
		t.Fatalf("flow.mjs ran %d of %d steps:\n%s\n%s", len(got), len(steps), out, stderr.String())
	}
	return got
}

func signedIn(t *testing.T, s jsStep, username string) {
	t.Helper()
	if !s.OK || !s.SignedIn || s.Username != username {
		t.Fatalf("%s %s %s: %+v, want signed in as %s", s.Lib, s.Op, s.User, s, username)
	}
}

func refused(t *testing.T, s jsStep) {
	t.Helper()
	if s.OK || s.Name != "NotAuthorizedException" || s.Message != "Incorrect username or password." {
		t.Fatalf("%s %s %s: %+v, want NotAuthorizedException \"Incorrect username or password.\"", s.Lib, s.Op, s.User, s)
	}
}

func TestJavaScriptClientsSignInAndReset(t *testing.T) {
	t.Parallel()
	dir := jsDir(t)
	url := startServe(t, "--dev")
	sdk := sdkFor(url)
	ctx := t.Context()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	// No ExplicitAuthFlows: Cognito's defaults, which include USER_SRP_AUTH.
	client, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	const user, oldPw, newPw = "ada", "First-Passw0rd!", "Second-Passw0rd!"
	if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(user),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("ada@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(user),
		Password: aws.String(oldPw), Permanent: true}); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	got := runFlow(t, dir, url, poolID, clientID,
		jsStep{Lib: "cij", Op: "signIn", User: user, Password: oldPw},
		jsStep{Lib: "amplify", Op: "signIn", User: user, Password: oldPw},
		jsStep{Lib: "amplify", Op: "signIn", User: user, Password: "Wrong-Passw0rd!"},
		jsStep{Lib: "amplify", Op: "resetPassword", User: user})
	signedIn(t, got[0], user)
	if got[0].Flow != "USER_SRP_AUTH" {
		t.Fatalf("amazon-cognito-identity-js used %q", got[0].Flow)
	}
	signedIn(t, got[1], user)
	refused(t, got[2])
	if !got[3].OK || got[3].NextStep != "CONFIRM_RESET_PASSWORD_WITH_CODE" || got[3].Medium != "EMAIL" {
		t.Fatalf("resetPassword: %+v", got[3])
	}

	code := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", user, "--code"))
	got = runFlow(t, dir, url, poolID, clientID,
		jsStep{Lib: "amplify", Op: "confirmResetPassword", User: user, Password: newPw, Code: code},
		jsStep{Lib: "amplify", Op: "signIn", User: user, Password: oldPw},
		jsStep{Lib: "amplify", Op: "signIn", User: user, Password: newPw},
		jsStep{Lib: "cij", Op: "signIn", User: user, Password: oldPw},
		jsStep{Lib: "cij", Op: "signIn", User: user, Password: newPw})
	if !got[0].OK {
		t.Fatalf("confirmResetPassword: %+v", got[0])
	}
	refused(t, got[1])
	signedIn(t, got[2], user)
	refused(t, got[3])
	signedIn(t, got[4], user)
	t.Logf("9 steps in two node runs: %v", time.Since(start).Round(time.Millisecond))
}

// TestSRPVectorsFromPinnedLibraries: the values in
// internal/srp/testdata/vectors.json are what e2e/js/srp-vectors.mjs
// computes with the libraries package-lock.json pins (the provenance line,
// which names Node's version, aside) — the vectors internal/srp is checked
// against are the clients' own, not a copy that drifted.
func TestSRPVectorsFromPinnedLibraries(t *testing.T) {
	t.Parallel()
	dir := jsDir(t)
	cmd := exec.CommandContext(t.Context(), "node", "srp-vectors.mjs")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node srp-vectors.mjs: %v", err)
	}
	recorded, err := os.ReadFile(filepath.Join("..", "..", "internal", "srp", "testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	values := func(raw []byte) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "provenance")
		return m
	}
	if got, want := values(out), values(recorded); !reflect.DeepEqual(got, want) || len(want["cases"].([]any)) == 0 {
		t.Fatalf("srp-vectors.mjs now computes other values than internal/srp/testdata/vectors.json holds:\n%s", out)
	}
}

// TestAmplifyMfa: Amplify v6, unmodified, through the MFA steps an app
// shows: setUpTOTP / verifyTOTPSetup / updateMFAPreference with a TOTP
// computed from the shared secret, then a sign-in answered with
// confirmSignIn (CONFIRM_SIGN_IN_WITH_TOTP_CODE); and a user with SMS MFA
// whose code is read from the development inbox
// (CONFIRM_SIGN_IN_WITH_SMS_CODE). Both sign-ins are SRP first.
func TestAmplifyMfa(t *testing.T) {
	t.Parallel()
	dir := jsDir(t)
	url := startServe(t, "--dev")
	sdk := sdkFor(url)
	ctx := t.Context()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("mfa"),
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"),
			ExternalId: aws.String("ext-1"), SnsRegion: aws.String("us-east-1")}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := sdk.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
		MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: &types.SmsMfaConfigType{},
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	client, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	const pw = "Mfa-Passw0rd!"
	for _, name := range []string{"tom", "sue"} {
		if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
				{Name: aws.String("phone_number"), Value: aws.String("+14155550123")},
				{Name: aws.String("phone_number_verified"), Value: aws.String("true")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := sdk.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			Password: aws.String(pw), Permanent: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sdk.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
		Username: aws.String("sue"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	got := runFlow(t, dir, url, poolID, clientID,
		jsStep{Lib: "amplify", Op: "totpFlow", User: "tom", Password: pw},
		jsStep{Lib: "amplify", Op: "signInCode", User: "sue", Password: pw})
	signedIn(t, got[0], "tom")
	if got[0].Flow != "CONFIRM_SIGN_IN_WITH_TOTP_CODE" {
		t.Fatalf("totpFlow: %+v", got[0])
	}
	signedIn(t, got[1], "sue")
	if got[1].Flow != "CONFIRM_SIGN_IN_WITH_SMS_CODE" {
		t.Fatalf("signInCode: %+v", got[1])
	}
}
