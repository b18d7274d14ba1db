package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Terraform end to end (issue 16): the official AWS provider, as teams run
// it, against `userpool serve`: apply e2e/terraform, plan with no drift, a
// password reset on the Terraform-made pool, an update (MFA change and
// more), plan again, destroy. The provider comes from the machine's
// filesystem mirror (/opt/tf-plugins); nothing is downloaded.

const tfMirror = "/opt/tf-plugins"

// terraformBin finds Terraform and the provider mirror, or fails in CI and
// skips loudly elsewhere.
func terraformBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	missing := ""
	switch {
	case err != nil:
		missing = "terraform is not installed"
	default:
		if _, err := os.Stat(filepath.Join(tfMirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0")); err != nil {
			missing = "the AWS provider 5.100.0 is not in " + tfMirror
		}
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s; CI machines have it", missing)
		}
		t.Skipf("%s: the Terraform end-to-end test did NOT run", missing)
	}
	return bin
}

// tfRun runs terraform in dir and returns its exit code; output goes to the
// test log only when the code is not in ok.
func tfRun(t *testing.T, bin, dir string, env []string, ok []int, args ...string) int {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("terraform %s: %v", args[0], err)
	}
	for _, c := range ok {
		if c == code {
			return code
		}
	}
	t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
	return code
}

func TestTerraformAppliesPlansCleanAndDestroys(t *testing.T) {
	t.Parallel()
	bin := terraformBin(t)
	url := startServe(t, "--dev")
	dir := t.TempDir()
	src, err := filepath.Glob(filepath.Join("..", "..", "e2e", "terraform", "*.tf"))
	if err != nil || len(src) == 0 {
		t.Fatalf("no e2e/terraform/*.tf: %v", err)
	}
	for _, f := range src {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	provider := `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "` + testKeyID + `"
  secret_key                  = "` + testSecret + `"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints { cognitoidp = "` + url + `" }
}
`
	cli := `provider_installation {
  filesystem_mirror {
    path    = "` + tfMirror + `"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }
}
`
	for name, text := range map[string]string{"provider.tf": provider, "cli.tfrc": cli} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"), "TF_IN_AUTOMATION=1",
		"TF_INPUT=0", "CHECKPOINT_DISABLE=1", "HOME="+dir)
	start := time.Now()
	tfRun(t, bin, dir, env, []int{0}, "init", "-input=false", "-no-color")
	tfRun(t, bin, dir, env, []int{0}, "apply", "-auto-approve", "-no-color")
	tfRun(t, bin, dir, env, []int{0}, "plan", "-detailed-exitcode", "-no-color") // 2 would be drift

	poolID, clientID := tfOutput(t, bin, dir, env, "pool_id"), tfOutput(t, bin, dir, env, "client_id")
	resetOnTerraformPool(t, url, poolID, clientID)

	tfRun(t, bin, dir, env, []int{0}, "apply", "-auto-approve", "-no-color", "-var", "update=true")
	tfRun(t, bin, dir, env, []int{0}, "plan", "-detailed-exitcode", "-no-color", "-var", "update=true")
	tfRun(t, bin, dir, env, []int{0}, "destroy", "-auto-approve", "-no-color", "-var", "update=true")
	pools, err := sdkFor(url).ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	if err != nil || len(pools.UserPools) != 0 {
		t.Fatalf("after destroy: %d pools (%v)", len(pools.UserPools), err)
	}
	t.Logf("init, apply, plan, reset, apply, plan, destroy: %v", time.Since(start).Round(time.Second))
}

func tfOutput(t *testing.T, bin, dir string, env []string, name string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, "output", "-raw", name)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform output %s: %v", name, err)
	}
	return string(out)
}

// resetOnTerraformPool runs ForgotPassword → code from the development
// inbox → ConfirmForgotPassword → sign-in on the pool Terraform made.
func resetOnTerraformPool(t *testing.T, url, poolID, clientID string) {
	t.Helper()
	sdk, ctx := sdkFor(url), t.Context()
	out, err := sdk.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("alice")})
	if err != nil || aws.ToString(out.CodeDeliveryDetails.Destination) != "a***@e***" {
		t.Fatalf("ForgotPassword on the Terraform pool: %v %+v", err, out)
	}
	code := strings.TrimSpace(userpoolMessages(t, "--endpoint", url, "--pool", poolID, "--user", "alice", "--code"))
	if _, err := sdk.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String("alice"), ConfirmationCode: aws.String(code), Password: aws.String("Rec0vered-Passw0rd")}); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	auth, err := sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Rec0vered-Passw0rd"}})
	if err != nil || (auth.AuthenticationResult == nil && auth.ChallengeName == "") {
		t.Fatalf("sign-in with the new password: %v", err)
	}
}
