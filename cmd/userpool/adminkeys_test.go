package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve refuses to start open to the network: without admin keys only
// --dev on a loopback address may accept unsigned admin calls (issue 7).
func TestServeRefusesToStartWithoutAdminKeys(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "keys")
	if err := os.WriteFile(keyFile, []byte("# ops team\n\nAKIDFROMFILE:"+testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad")
	if err := os.WriteFile(badFile, []byte("AKIDFROMFILE:tooshort\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string // "" means the configuration is accepted
	}{
		{"no keys", nil, "need SigV4 credentials"},
		{"dev on all interfaces", []string{"--dev", "--addr", "0.0.0.0:0"}, "need SigV4 credentials"},
		{"dev on an empty host", []string{"--dev", "--addr", ":0"}, "need SigV4 credentials"},
		{"dev on loopback", []string{"--dev"}, ""},
		{"dev on localhost", []string{"--dev", "--addr", "localhost:0"}, ""},
		{"dev on IPv6 loopback", []string{"--dev", "--addr", "[::1]:0"}, ""},
		{"keys anywhere", []string{"--addr", "0.0.0.0:0", "--admin-keys", adminKeyArg}, ""},
		{"key file", []string{"--admin-keys-file", keyFile}, ""},
		{"missing key file", []string{"--admin-keys-file", filepath.Join(dir, "nope")}, "--admin-keys-file"},
		{"short secret in file", []string{"--admin-keys-file", badFile}, "line 1: secret of AKIDFROMFILE is shorter than 16"},
		{"short secret", []string{"--admin-keys", "AKID:tiny1"}, "secret of AKID is shorter than 16 characters"},
		{"no colon", []string{"--admin-keys", "AKIDONLY"}, "entry 1: want AKID:SECRET"},
		{"bad key id", []string{"--admin-keys", "AK-ID:" + testSecret}, `access key ID "AK-ID"`},
		{"conflict", []string{"--admin-keys", adminKeyArg + "," + testKeyID + ":another-secret-value"}, "given twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0"}, c.args...)
			_, err := parseServe(args, func(string) string { return "" }, io.Discard)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			// Secrets never appear in an error.
			for _, secret := range []string{testSecret, "tooshort", "tiny1", "another-secret-value"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q shows a secret", err)
				}
			}
		})
	}
	// The refusal tells the operator what to do.
	_, err := parseServe(nil, func(string) string { return "" }, io.Discard)
	for _, hint := range []string{"--admin-keys AKID:SECRET", "USERPOOL_ADMIN_KEYS", "--admin-keys-file", "--dev"} {
		if err == nil || !strings.Contains(err.Error(), hint) {
			t.Fatalf("refusal %v does not mention %s", err, hint)
		}
	}
}

// The AWS CLI against a server started with keys: the right credentials
// work, wrong ones get AWS's errors, and public operations need none.
func TestAWSCLICredentials(t *testing.T) {
	t.Parallel()
	needAWSCLI(t)
	url := startServe(t)
	ok, _ := cli(t, url)
	pool := strings.Trim(ok("create-user-pool", "--pool-name", "p", "--query", "UserPool.Id"), "\"\n")

	as := func(keyID, secret string, args ...string) (string, int) {
		t.Helper()
		_, errOut, code := awsCLIEnv(t, url, []string{"AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret}, args...)
		return errOut, code
	}
	errOut, code := as("AKIDSTRANGER", testSecret, "list-users", "--user-pool-id", pool)
	if code == 0 || !strings.Contains(errOut, "(UnrecognizedClientException) when calling the ListUsers operation: The security token included in the request is invalid.") {
		t.Fatalf("unknown key: exit %d %s", code, errOut)
	}
	errOut, code = as(testKeyID, "wrong-secret-but-long-enough", "admin-create-user", "--user-pool-id", pool, "--username", "mallory")
	if code == 0 || !strings.Contains(errOut, "(InvalidSignatureException) when calling the AdminCreateUser operation: The request signature we calculated does not match") {
		t.Fatalf("wrong secret: exit %d %s", code, errOut)
	}
	if out := ok("list-users", "--user-pool-id", pool, "--query", "length(Users)"); strings.TrimSpace(out) != "0" {
		t.Fatalf("a refused call created a user: %s", out)
	}
	clientID := strings.Trim(ok("create-user-pool-client", "--user-pool-id", pool, "--client-name", "c",
		"--query", "UserPoolClient.ClientId"), "\"\n")
	// sign-up is public: even a stranger's credentials are ignored.
	if errOut, code := as("AKIDSTRANGER", "x", "sign-up", "--client-id", clientID, "--username", "sam", "--password", "Passw0rd!"); code != 0 {
		t.Fatalf("public sign-up with foreign credentials: exit %d %s", code, errOut)
	}
}
