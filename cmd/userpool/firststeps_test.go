package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readmeFirstSteps returns the shell block between the first-steps markers
// of README.md.
func readmeFirstSteps(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- first-steps:begin -->")
	section, _, ok2 := strings.Cut(rest, "<!-- first-steps:end -->")
	m := regexp.MustCompile("(?s)^\\s*```sh\\n(.*)```\\s*$").FindStringSubmatch(section)
	if !ok || !ok2 || m == nil {
		t.Fatal("README.md has no ```sh block between <!-- first-steps:begin --> and <!-- first-steps:end -->")
	}
	return m[1]
}

// TestReadmeFirstSteps runs README's first-steps block exactly as written —
// only its port moved to a free one, so that parallel runs and a developer's
// own server on 9229 cannot meet — with bash -e in a directory holding a
// fresh copy of the sources and nothing else, and a shell environment with
// no AWS or USERPOOL settings and no AWS config files. The block builds the
// binary, starts a --dev server, creates the pool, client and user, resets
// the password with the code from the inbox and signs in: it must exit 0
// and print the masked delivery and, last, the token type of a successful
// sign-in. It logs how long the block took. The block may hold no
// comment: pasted into an interactive zsh (macOS's shell) one would be run.
func TestReadmeFirstSteps(t *testing.T) {
	needAWSCLI(t)
	block := readmeFirstSteps(t)
	if strings.Contains(block, "#") {
		t.Error("the block has a # (a comment?): interactive zsh does not take comments, so a pasted block would break")
	}
	if n := strings.Count(block, "127.0.0.1:9229"); n < 3 || strings.Count(block, "9229") != n {
		t.Fatalf("the block names the server as 127.0.0.1:9229 %d times and 9229 %d times; the test moves exactly those", n, strings.Count(block, "9229"))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// Before the block, the harness's one line: when bash exits, however the
	// block ended, stop the server the block leaves running and wait for it,
	// so it is gone (and done writing) before the directory is removed.
	script := "trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n" + strings.ReplaceAll(block, "127.0.0.1:9229", addr)

	dir := t.TempDir()
	if err := copySource(dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "USERPOOL_") && !strings.HasPrefix(kv, "HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	// HOME moved: keep Go's caches, its path and its settings where they are.
	goVars := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"}
	out, err := exec.Command("go", append([]string{"env"}, goVars...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	for i, v := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if i < len(goVars) {
			cmd.Env = append(cmd.Env, goVars[i]+"="+v)
		}
	}
	// Should the trap not run, the server is still in bash's process group,
	// which the test ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) })
	err = cmd.Wait()
	took := time.Since(start)
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "userpool.log"))
		t.Fatalf("the block failed: %v\nstdout:\n%s\nstderr:\n%s\nserver log:\n%s", err, stdout.String(), stderr.String(), log)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if last := lines[len(lines)-1]; last != "Bearer" {
		t.Errorf("the block's last line is %q, want Bearer (a successful sign-in)\n%s", last, stdout.String())
	}
	if !strings.Contains(stdout.String(), "CODEDELIVERYDETAILS\temail\tEMAIL\ta***@e***") {
		t.Errorf("no masked delivery in the output:\n%s", stdout.String())
	}
	t.Logf("README first steps: %.1f s, the go build included", took.Seconds())
}
