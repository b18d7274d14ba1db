package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// Helpers for the tests that treat the repository as a newcomer or an image
// build would: a copy of the sources, a shell, an unprivileged user.

// sourceRoot is the repository's root: this package is cmd/userpool.
func sourceRoot() (string, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("repository root not found: %w", err)
	}
	return root, nil
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := sourceRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copySource copies what `go build ./cmd/userpool` needs — go.mod, go.sum,
// cmd/ and internal/ — from the working tree to dst, as a fresh clone has it.
func copySource(dst string) error {
	root, err := sourceRoot()
	if err != nil {
		return err
	}
	for _, top := range []string{"go.mod", "go.sum", "cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			if !d.Type().IsRegular() {
				return nil
			}
			return copyFile(path, filepath.Join(dst, rel))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// shell runs script with sh in dir, with extra environment entries, and
// returns its standard output.
func shell(dir string, env []string, script string) (string, error) {
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var stderr []byte
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	if err != nil {
		return "", fmt.Errorf("%s: %v\n%s%s", script, err, out, stderr)
	}
	return string(out), nil
}

// needTool fails in CI (which must provide the tool) and skips, saying
// why, elsewhere.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; CI must provide it", name)
		}
		t.Skipf("SKIPPED: %s is not installed", name)
	}
}

// The distroless image's nonroot user. Running as it needs no /etc/passwd
// entry, exactly as in the image.
const imageUID = 65532

// asNonRoot makes cmd run as the image's user when the test runs as root
// (as CI does); otherwise the test's own user is already unprivileged.
func asNonRoot(cmd *exec.Cmd) {
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: imageUID, Gid: imageUID, Groups: []uint32{}}}
	}
}

// nonRootDir makes a directory the unprivileged user can reach: mode 0700
// makes it that user's own (its database directory), anything else leaves
// it root's (0555: a working directory it cannot write into; 0755: where
// its binary is).
func nonRootDir(t *testing.T, mode os.FileMode) string {
	t.Helper()
	parent, err := os.MkdirTemp("", "userpool-nonroot")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	dir := filepath.Join(parent, "d")
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if mode == 0o700 && os.Geteuid() == 0 {
		if err := os.Chown(dir, imageUID, imageUID); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
