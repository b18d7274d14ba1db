package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// serveOn runs `userpool serve` in-process on the SQLite file db and
// returns its URL and a stop function that shuts it down and waits.
func serveOn(t *testing.T, db string, extra ...string) (url string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + db,
		"--argon2-memory", "8", "--argon2-iterations", "1", "--log-level", "error", "--admin-keys", adminKeyArg,
		"--metrics=false"}, extra...)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, pw, io.Discard) }()
	var once bool
	stop = func() {
		if once {
			return
		}
		once = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	}
	t.Cleanup(stop)
	return waitListening(t, pr), stop
}

// postClock moves a --dev server's clock.
func postClock(t *testing.T, url, body string) {
	t.Helper()
	resp, err := http.Post(url+"/_userpool/clock", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_userpool/clock %s: %d", body, resp.StatusCode)
	}
}

// apiCode is the Cognito error code of err ("" for nil).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// A restart returns the development clock to real time; what the previous
// run stamped while its clock was ahead must not trip real time up (issue
// 14 item 1): no lockout for the advanced span, no code valid for longer
// than its lifetime.
func TestDevRestartAfterAdvancingLeavesNoDamage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	url, stop := serveOn(t, db, "--dev", "--dev-fixed-code", "123456")
	ctx := t.Context()
	sdk := sdkFor(url)
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	client, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id,
		ClientName: aws.String("c"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := client.UserPoolClient.ClientId
	if _, err := sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("alice"),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("alice@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id,
		Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	signIn := func(password string) error {
		_, err := sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
		return err
	}

	postClock(t, url, `{"advanceSeconds": 7200}`)
	for range 5 {
		if got := apiCode(signIn("Wrong-Passw0rd!")); got != "NotAuthorizedException: Incorrect username or password." {
			t.Fatalf("wrong password: %s", got)
		}
	}
	if got := apiCode(signIn("Passw0rd!")); got != "NotAuthorizedException: Password attempts exceeded" {
		t.Fatalf("locked out: %s", got)
	}
	if _, err := sdk.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: clientID, Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	stop()

	url, _ = serveOn(t, db, "--dev", "--dev-fixed-code", "123456")
	sdk = sdkFor(url)
	if err := signIn("Passw0rd!"); err != nil {
		t.Fatalf("sign-in after the restart: %s", apiCode(err))
	}
	postClock(t, url, `{"advanceSeconds": 3601}`)
	_, err = sdk.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: clientID, Username: aws.String("alice"),
		ConfirmationCode: aws.String("123456"), Password: aws.String("N3w-Passw0rd!")})
	if got := apiCode(err); got != "ExpiredCodeException: Invalid code provided, please request a code again." {
		t.Fatalf("the code issued two hours ahead, an hour and a second after the restart: %q, want ExpiredCodeException", got)
	}
}
