package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// jsonField walks decoded JSON by keys.
func jsonField(t *testing.T, doc string, path ...string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %q in %s", p, doc)
		}
		v = m[p]
	}
	return v
}

// TestAWSCLIEndToEnd drives the real AWS CLI against `userpool serve` through
// a pool's whole life: create pool and client, create a user, set its
// password, sign in, list, and the error paths the CLI must render.
func TestAWSCLIEndToEnd(t *testing.T) {
	t.Parallel()
	needAWSCLI(t)
	url := startServe(t)
	ok, fail := cli(t, url)

	pool := ok("create-user-pool", "--pool-name", "cli", "--alias-attributes", "email")
	poolID, _ := jsonField(t, pool, "UserPool", "Id").(string)
	if !strings.HasPrefix(poolID, "us-east-1_") || len(poolID) != len("us-east-1_")+9 {
		t.Fatalf("pool id %q", poolID)
	}
	desc := ok("describe-user-pool", "--user-pool-id", poolID)
	if got := jsonField(t, desc, "UserPool", "Policies", "PasswordPolicy", "MinimumLength"); got != float64(8) {
		t.Fatalf("default MinimumLength %v", got)
	}
	client := ok("create-user-pool-client", "--user-pool-id", poolID, "--client-name", "app",
		"--explicit-auth-flows", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
	clientID, _ := jsonField(t, client, "UserPoolClient", "ClientId").(string)

	ok("admin-create-user", "--user-pool-id", poolID, "--username", "alice",
		"--user-attributes", "Name=email,Value=alice@example.com", "Name=email_verified,Value=true", "--message-action", "SUPPRESS")
	ok("admin-set-user-password", "--user-pool-id", poolID, "--username", "alice", "--password", "Str0ng!Passw0rd", "--permanent")
	got := ok("admin-get-user", "--user-pool-id", poolID, "--username", "alice@example.com") // by alias
	if jsonField(t, got, "UserStatus") != "CONFIRMED" || jsonField(t, got, "Username") != "alice" {
		t.Fatalf("admin-get-user: %s", got)
	}
	auth := ok("admin-initiate-auth", "--user-pool-id", poolID, "--client-id", clientID, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=alice,PASSWORD=Str0ng!Passw0rd")
	if tok, _ := jsonField(t, auth, "AuthenticationResult", "AccessToken").(string); strings.Count(tok, ".") != 2 {
		t.Fatalf("no access token: %s", auth)
	}
	list := ok("list-users", "--user-pool-id", poolID, "--filter", `email = "alice@example.com"`)
	if users, _ := jsonField(t, list, "Users").([]any); len(users) != 1 {
		t.Fatalf("list-users: %s", list)
	}

	fail("An error occurred (NotAuthorizedException) when calling the AdminInitiateAuth operation: Incorrect username or password.",
		"admin-initiate-auth", "--user-pool-id", poolID, "--client-id", clientID, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=alice,PASSWORD=wrong")
	fail("An error occurred (UserNotFoundException) when calling the AdminGetUser operation: User does not exist.",
		"admin-get-user", "--user-pool-id", poolID, "--username", "nobody")
	fail("An error occurred (ResourceNotFoundException) when calling the DescribeUserPool operation: User pool us-east-1_000000000 does not exist.",
		"describe-user-pool", "--user-pool-id", "us-east-1_000000000")
	fail("An error occurred (InvalidParameterException) when calling the AdminGetUser operation: 1 validation error detected: Value 'x y' at 'userPoolId' failed to satisfy constraint",
		"admin-get-user", "--user-pool-id", "x y", "--username", "alice")
	fail("An error occurred (InvalidParameterException) when calling the CreateUserPool operation: 1 validation error detected: Value '"+strings.Repeat("p", 129)+"' at 'poolName' failed to satisfy constraint: Member must have length less than or equal to 128",
		"create-user-pool", "--pool-name", strings.Repeat("p", 129))

	ok("admin-delete-user", "--user-pool-id", poolID, "--username", "alice")
	ok("delete-user-pool-client", "--user-pool-id", poolID, "--client-id", clientID)
	ok("delete-user-pool", "--user-pool-id", poolID)
	fail("(ResourceNotFoundException)", "describe-user-pool", "--user-pool-id", poolID)
}
