package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// userpoolMessages runs `userpool messages` in-process and returns its output.
func userpoolMessages(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(t.Context(), append([]string{"messages"}, args...), os.Getenv, &out, io.Discard); err != nil {
		t.Fatalf("userpool messages %v: %v", args, err)
	}
	return out.String()
}

// TestRecoveryWithAWSCLI is the flow a test author runs by hand: the AWS
// CLI resets a password on a --dev server and `userpool messages` reads
// the code, with every wrong turn answered as Cognito would.
func TestRecoveryWithAWSCLI(t *testing.T) {
	t.Parallel()
	needAWSCLI(t)
	url := startServe(t, "--dev")
	ok, fail := cli(t, url)
	poolID := jsonField(t, ok("create-user-pool", "--pool-name", "r", "--auto-verified-attributes", "email", "--alias-attributes", "email"), "UserPool", "Id").(string)
	clientID := jsonField(t, ok("create-user-pool-client", "--user-pool-id", poolID, "--client-name", "c",
		"--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), "UserPoolClient", "ClientId").(string)

	signUp := ok("sign-up", "--client-id", clientID, "--username", "carol", "--password", "Passw0rd!",
		"--user-attributes", "Name=email,Value=carol@example.com")
	if got := jsonField(t, signUp, "CodeDeliveryDetails", "Destination"); got != "c***@e***" {
		t.Fatalf("sign-up destination %v", got)
	}
	code := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", "carol", "--code"))
	ok("confirm-sign-up", "--client-id", clientID, "--username", "carol", "--confirmation-code", code)

	forgot := ok("forgot-password", "--client-id", clientID, "--username", "carol@example.com")
	if strings.Contains(forgot, "carol@example.com") || jsonField(t, forgot, "CodeDeliveryDetails", "DeliveryMedium") != "EMAIL" {
		t.Fatalf("forgot-password answer %s", forgot)
	}
	table := userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", "carol")
	if !strings.Contains(table, "FORGOT_PASSWORD") || !strings.Contains(table, "carol@example.com") {
		t.Fatalf("messages table:\n%s", table)
	}
	reset := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", "carol", "--code"))
	if reset == code || len(reset) != 6 {
		t.Fatalf("reset code %q (sign-up code %q)", reset, code)
	}
	fail("An error occurred (CodeMismatchException) when calling the ConfirmForgotPassword operation: Invalid verification code provided, please try again.",
		"confirm-forgot-password", "--client-id", clientID, "--username", "carol", "--confirmation-code", code, "--password", "N3w-Passw0rd")
	fail("An error occurred (InvalidPasswordException) when calling the ConfirmForgotPassword operation: Password does not conform to policy: Password must have uppercase characters",
		"confirm-forgot-password", "--client-id", clientID, "--username", "carol", "--confirmation-code", reset, "--password", "n3w-passw0rd")
	ok("confirm-forgot-password", "--client-id", clientID, "--username", "carol", "--confirmation-code", reset, "--password", "N3w-Passw0rd")
	fail("An error occurred (ExpiredCodeException) when calling the ConfirmForgotPassword operation: Invalid code provided, please request a code again.",
		"confirm-forgot-password", "--client-id", clientID, "--username", "carol", "--confirmation-code", reset, "--password", "N3w-Passw0rd2")
	ok("initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=carol,PASSWORD=N3w-Passw0rd")
	fail("(NotAuthorizedException) when calling the InitiateAuth operation: Incorrect username or password.",
		"initiate-auth", "--client-id", clientID, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=carol,PASSWORD=Passw0rd!")
	fail("(UserNotFoundException) when calling the ForgotPassword operation: Username/client id combination not found.",
		"forgot-password", "--client-id", clientID, "--username", "nobody")
}

func TestMessagesWithoutDevSaysSo(t *testing.T) {
	url := startServe(t)
	err := run(t.Context(), []string{"messages", "--endpoint", url}, os.Getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "start it with --dev") {
		t.Fatalf("got %v", err)
	}
}

func TestDevFixedCodeNeedsDev(t *testing.T) {
	err := run(t.Context(), []string{"serve", "--dev-fixed-code", "123456"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--dev-fixed-code needs --dev") {
		t.Fatalf("got %v", err)
	}
}
