package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runBinary runs the built userpool binary and returns its stdout, stderr
// and exit code.
func runBinary(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

var (
	flagLine = regexp.MustCompile(`^  --[a-z0-9-]+( [A-Z]+)?\s+\(USERPOOL_[A-Z0-9_]+(; default \S.*)?\)$`)
	helpLine = regexp.MustCompile("^      [^ `].*[^ `]$")
)

// TestHelpNamesVariablesAndExitsZero: every command's -h/--help prints to
// stdout, exits 0, and lists each flag as "--name VALUE (USERPOOL_NAME;
// default ...)" with its text below — no backquoted word taken for a
// value name, as `userpool migrate` was in --db-migrate's text.
func TestHelpNamesVariablesAndExitsZero(t *testing.T) {
	for _, cmd := range []string{"serve", "migrate", "messages", "bench", "healthcheck"} {
		for _, h := range []string{"-h", "--help"} {
			out, errOut, code := runBinary(t, nil, cmd, h)
			if code != 0 || errOut != "" {
				t.Fatalf("userpool %s %s: exit %d, stderr %q", cmd, h, code, errOut)
			}
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "usage: userpool "+cmd+" [flags]") {
				t.Fatalf("userpool %s %s: first line %q", cmd, h, lines[0])
			}
			i := slicesIndex(lines, "flags:")
			if i < 0 || len(lines[i+1:])%2 != 0 {
				t.Fatalf("userpool %s %s: no flags section:\n%s", cmd, h, out)
			}
			for j := i + 1; j < len(lines); j += 2 {
				if !flagLine.MatchString(lines[j]) || !helpLine.MatchString(lines[j+1]) {
					t.Errorf("userpool %s %s: garbled entry:\n%s\n%s", cmd, h, lines[j], lines[j+1])
				}
			}
		}
	}
	out, _, _ := runBinary(t, nil, "serve", "--help")
	for _, want := range []string{"--addr VALUE", "(USERPOOL_ADDR; default 127.0.0.1:9229)", "(USERPOOL_DEV)", "USERPOOL_ADMIN_KEYS"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	if _, errOut, code := runBinary(t, nil); code != 2 || !strings.Contains(errOut, "commands:") {
		t.Errorf("no command: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
	if _, errOut, code := runBinary(t, nil, "serve", "--nope"); code != 1 || !strings.Contains(errOut, "userpool serve -h lists the flags") {
		t.Errorf("unknown flag: exit %d, stderr %q", code, errOut)
	}
}

func slicesIndex(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return -1
}

// TestMigrateIsADatabaseStep: `userpool migrate` talks to the database
// only: it needs no admin keys (it refused to run without them), and its
// help lists its own flags, not serve's.
func TestMigrateIsADatabaseStep(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	out, errOut, code := runBinary(t, nil, "migrate", "--db", db)
	if code != 0 || !strings.Contains(out, "migrations applied to "+db) {
		t.Fatalf("migrate without keys: exit %d, out %q, err %q", code, out, errOut)
	}
	out, _, code = runBinary(t, []string{"USERPOOL_DB=" + db}, "migrate")
	if code != 0 || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate with USERPOOL_DB: exit %d, out %q", code, out)
	}
	help, _, _ := runBinary(t, nil, "migrate", "-h")
	if !strings.Contains(help, "--db VALUE") || strings.Contains(help, "admin-keys") || strings.Contains(help, "--addr") {
		t.Fatalf("migrate -h:\n%s", help)
	}
	if _, errOut, code := runBinary(t, nil, "migrate", "--db", "mysql://x"); code != 1 || !strings.Contains(errOut, `--db "mysql://x"`) {
		t.Fatalf("bad --db: exit %d, %q", code, errOut)
	}
}
