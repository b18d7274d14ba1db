package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// TestHostedEndpointsWithCLIAndCurl follows README's "Hosted UI and OAuth
// 2.0" section on a real `serve --dev`: the AWS CLI provisions a domain, a
// resource server and a confidential client, and curl gets a
// client_credentials token with `-u id:secret` exactly as the README
// shows; the authorize link sends the browser to the sign-in page and an
// unlisted redirect URI to the error page.
func TestHostedEndpointsWithCLIAndCurl(t *testing.T) {
	t.Parallel()
	needAWSCLI(t)
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("curl is required: %v", err)
	}
	base := startServe(t, "--dev")
	ok, _ := cli(t, base)
	poolID := jsonField(t, ok("create-user-pool", "--pool-name", "Acme"), "UserPool", "Id").(string)
	ok("create-user-pool-domain", "--user-pool-id", poolID, "--domain", "acme-cli")
	ok("create-resource-server", "--user-pool-id", poolID, "--identifier", "orders", "--name", "Orders",
		"--scopes", "ScopeName=read,ScopeDescription=read")
	client := ok("create-user-pool-client", "--user-pool-id", poolID, "--client-name", "m2m", "--generate-secret",
		"--allowed-o-auth-flows-user-pool-client", "--allowed-o-auth-flows", "client_credentials",
		"--allowed-o-auth-scopes", "orders/read")
	id := jsonField(t, client, "UserPoolClient", "ClientId").(string)
	secret := jsonField(t, client, "UserPoolClient", "ClientSecret").(string)

	out, err := exec.CommandContext(t.Context(), curl, "-s", "-u", id+":"+secret, "-d", "grant_type=client_credentials",
		"-d", "scope=orders/read", base+"/_domain/acme-cli/oauth2/token").Output()
	if err != nil {
		t.Fatalf("curl: %v", err)
	}
	var tok map[string]any
	if err := json.Unmarshal(out, &tok); err != nil || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) ||
		!strings.HasPrefix(tok["access_token"].(string), "eyJ") || tok["id_token"] != nil || tok["refresh_token"] != nil {
		t.Fatalf("token answer %s (%v)", out, err)
	}
	out, _ = exec.CommandContext(t.Context(), curl, "-s", "-u", id+":wrong", "-d", "grant_type=client_credentials",
		base+"/_domain/acme-cli/oauth2/token").Output()
	if string(out) != `{"error":"invalid_client"}` {
		t.Fatalf("wrong secret: %s", out)
	}

	// The discovery document of the pool's issuer lists the domain's endpoints.
	var doc map[string]any
	resp, err := http.Get(base + "/" + poolID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc["token_endpoint"] != base+"/_domain/acme-cli/oauth2/token" {
		t.Fatalf("discovery %v (%v)", doc, err)
	}

	web := jsonField(t, ok("create-user-pool-client", "--user-pool-id", poolID, "--client-name", "web",
		"--allowed-o-auth-flows-user-pool-client", "--allowed-o-auth-flows", "code", "--allowed-o-auth-scopes", "openid", "email",
		"--callback-urls", `["http://localhost:3000/callback"]`, // a bare URL is fetched by the CLI
		"--supported-identity-providers", "COGNITO"), "UserPoolClient", "ClientId").(string)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct{ redirect, wantPath string }{
		{"http://localhost:3000/callback", "/_domain/acme-cli/login"},
		{"http://localhost:3000/callback/../evil", "/_domain/acme-cli/error"},
	} {
		q := url.Values{"client_id": {web}, "response_type": {"code"}, "scope": {"openid email"}, "redirect_uri": {c.redirect}}
		resp, err := noFollow.Get(base + "/_domain/acme-cli/oauth2/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound || loc.Path != c.wantPath {
			t.Errorf("authorize with %s: %d → %q, want a redirect to %s", c.redirect, resp.StatusCode, resp.Header.Get("Location"), c.wantPath)
		}
	}
}
