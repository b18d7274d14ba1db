package main

import (
	"bufio"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// Docker cannot run where these tests run, so the image is tested in two
// halves: the Dockerfile's key lines are read and checked, and the binary
// it would build (same flags, from a git checkout) is run the way the image
// runs it — static, as uid 65532, from an empty directory, with the image's
// own ENTRYPOINT, CMD and HEALTHCHECK.

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct{ cmd, args string }

// readDockerfile returns the instructions of the repository's Dockerfile
// and the index of the last FROM (where the runtime stage starts).
func readDockerfile(t *testing.T) ([]instruction, int) {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ins []instruction
	last, pending := -1, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if pending == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			pending += cont + " "
			continue
		}
		cmd, args, _ := strings.Cut(pending+line, " ")
		pending = ""
		if cmd = strings.ToUpper(cmd); cmd == "FROM" {
			last = len(ins)
		}
		ins = append(ins, instruction{cmd, strings.TrimSpace(args)})
	}
	if err := sc.Err(); err != nil || last < 0 {
		t.Fatalf("Dockerfile unreadable or without FROM: %v", err)
	}
	return ins, last
}

// execForm decodes an instruction's JSON (exec, shell-less) form.
func execForm(t *testing.T, in instruction, s string) []string {
	t.Helper()
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil || len(v) == 0 {
		t.Fatalf("%s %s: not the exec form (a JSON array), which distroless needs (no shell): %v", in.cmd, in.args, err)
	}
	return v
}

// imageSpec is what the runtime stage says about running the image.
type imageSpec struct {
	run, health []string // ENTRYPOINT+CMD, the HEALTHCHECK command
	user, chown string   // USER; the --chown of the COPY that creates /data
	from        []string // every FROM line
	build       string   // the RUN line that runs go build
	volumes     string
	expose      string
}

func dockerImage(t *testing.T) imageSpec {
	t.Helper()
	ins, last := readDockerfile(t)
	var s imageSpec
	for i, in := range ins {
		final := i >= last
		switch {
		case in.cmd == "FROM":
			s.from = append(s.from, in.args)
		case in.cmd == "RUN" && strings.Contains(in.args, "go build"):
			s.build = in.args
		case !final:
		case in.cmd == "USER":
			s.user = in.args
		case in.cmd == "COPY" && strings.HasSuffix(in.args, " /data"):
			if m := regexp.MustCompile(`--chown=(\S+)`).FindStringSubmatch(in.args); m != nil {
				s.chown = m[1]
			}
		case in.cmd == "VOLUME":
			s.volumes = in.args
		case in.cmd == "EXPOSE":
			s.expose = in.args
		case in.cmd == "ENTRYPOINT" || in.cmd == "CMD":
			s.run = append(s.run, execForm(t, in, in.args)...)
		case in.cmd == "HEALTHCHECK":
			_, cmd, ok := strings.Cut(in.args, "CMD ")
			if !ok {
				t.Fatalf("HEALTHCHECK %s: no CMD", in.args)
			}
			s.health = execForm(t, in, cmd)
		}
	}
	return s
}

// TestDockerfileKeyLines: multi-stage from golang:1.26 to a shell-less base,
// a static trimmed build, a non-root user that owns the /data volume, the
// API on 0.0.0.0:9229 with SQLite in /data, and a shell-less HEALTHCHECK.
func TestDockerfileKeyLines(t *testing.T) {
	s := dockerImage(t)
	if len(s.from) < 2 || !strings.Contains(s.from[0], "golang:1.26 AS build") {
		t.Errorf("FROM lines %q: want a golang:1.26 build stage, then the runtime stage", s.from)
	}
	if rt := s.from[len(s.from)-1]; !strings.HasPrefix(rt, "gcr.io/distroless/static") && rt != "scratch" {
		t.Errorf("runtime stage FROM %q: want distroless static or scratch", rt)
	}
	for _, want := range []string{"CGO_ENABLED=0", "go build", "-trimpath", "./cmd/userpool"} {
		if !strings.Contains(s.build, want) {
			t.Errorf("build step %q lacks %q", s.build, want)
		}
	}
	uid, _, _ := strings.Cut(s.user, ":")
	if uid == "" || uid == "0" || uid == "root" {
		t.Errorf("USER %q: want a non-root user", s.user)
	}
	if s.chown != s.user {
		t.Errorf("/data is copied with --chown=%q, USER is %q: the user could not write its database", s.chown, s.user)
	}
	if !strings.Contains(s.volumes, `"/data"`) || !strings.Contains(s.expose, "9229") {
		t.Errorf("VOLUME %q, EXPOSE %q: want /data and 9229", s.volumes, s.expose)
	}
	args := strings.Join(s.run, " ")
	for _, want := range []string{"/userpool serve ", "--addr 0.0.0.0:9229", "--db sqlite:/data/"} {
		if !strings.Contains(args, want) {
			t.Errorf("ENTRYPOINT+CMD %q lacks %q", args, want)
		}
	}
	if strings.Contains(args, "--dev") {
		t.Errorf("ENTRYPOINT+CMD %q: --dev off loopback is refused; the image must start without it", args)
	}
	if got := strings.Join(s.health, " "); got != "/userpool healthcheck" {
		t.Errorf("HEALTHCHECK runs %q, want /userpool healthcheck", got)
	}
}

// buildStatic builds the binary as the Dockerfile does (CGO_ENABLED=0,
// -trimpath), in a fresh git checkout of a copy of the sources, so the
// toolchain stamps a revision; it returns the binary and that revision.
func buildStatic(t *testing.T) (bin, rev string) {
	t.Helper()
	dir := nonRootDir(t, 0o755)
	src, bin := filepath.Join(t.TempDir(), "src"), filepath.Join(dir, "userpool")
	if err := copySource(src); err != nil {
		t.Fatal(err)
	}
	git := "git -c user.name=test -c user.email=test@example.invalid "
	rev, err := shell(src, nil, "git init -q && "+git+"add -A && "+git+"commit -qm source && git rev-parse HEAD")
	if err != nil {
		t.Fatal(err)
	}
	// GOFLAGS as in the golang image: a machine's -buildvcs=false must not
	// hide the stamp this test is about.
	if _, err := shell(src, []string{"CGO_ENABLED=0", "GOFLAGS=-buildvcs=true"}, "go build -trimpath -o "+bin+" ./cmd/userpool"); err != nil {
		t.Fatal(err)
	}
	return bin, strings.TrimSpace(rev)
}

// TestStaticBinaryAsNonRoot runs what the image runs: the static binary has
// no interpreter or dynamic section (it needs no libc), `version` reports
// the revision it was built from, and the Dockerfile's own ENTRYPOINT+CMD
// — ports moved to free ones, /data to a temporary directory — serves
// /healthz as uid 65532 from an empty, unwritable directory with nothing in
// its environment but the admin keys; the HEALTHCHECK command then exits 0,
// and 1 once the server has stopped (which it does cleanly on SIGTERM).
func TestStaticBinaryAsNonRoot(t *testing.T) {
	needTool(t, "git")
	bin, rev := buildStatic(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("program header %v: the binary is dynamically linked", p.Type)
		}
	}
	if f.Section(".dynamic") != nil || f.Section(".interp") != nil {
		t.Error("the binary has a .dynamic or .interp section")
	}
	f.Close()

	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.Contains(string(out), "revision "+rev) || !strings.Contains(string(out), rev[:12]) ||
		strings.Contains(string(out), "(modified)") {
		t.Errorf("version printed %q (%v); want revision %s, in the pseudo-version too, and no (modified)", out, err, rev)
	}

	s := dockerImage(t)
	empty, data := nonRootDir(t, 0o555), nonRootDir(t, 0o700)
	args := imageArgs(s.run[1:], data)
	srv := exec.Command(bin, args...)
	srv.Dir, srv.Env = empty, []string{"USERPOOL_ADMIN_KEYS=" + adminKeyArg}
	asNonRoot(srv)
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // after the process is gone (cleanups run last first)
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	url := waitListening(t, stdout)
	port := url[strings.LastIndex(url, ":")+1:]

	probe := func() error {
		hc := exec.Command(bin, s.health[1:]...)
		hc.Dir, hc.Env = empty, []string{"USERPOOL_ADDR=0.0.0.0:" + port}
		asNonRoot(hc)
		return hc.Run()
	}
	if err := probe(); err != nil {
		t.Fatalf("HEALTHCHECK against the running server: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "userpool.db")); err != nil {
		t.Errorf("no database in the data directory: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("the server wrote %d entries into its working directory", len(entries))
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Errorf("server after SIGTERM: %v", err)
	}
	if err := probe(); err == nil {
		t.Error("HEALTHCHECK succeeded with no server: want exit status 1")
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("HEALTHCHECK with no server: %v, want exit status 1", err)
	}
}

// imageArgs adapts the image's arguments to a test machine: the API and
// metrics on free ports of the same hosts, /data at data.
func imageArgs(args []string, data string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		a = strings.Replace(a, ":9229", ":0", 1)
		a = strings.Replace(a, ":9230", ":0", 1)
		out[i] = strings.Replace(a, "sqlite:/data/", "sqlite:"+data+"/", 1)
	}
	return out
}
