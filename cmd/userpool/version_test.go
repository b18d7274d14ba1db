package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionLine: `userpool version` reports what the toolchain stamped
// into the binary — module version, revision, the dirty flag and the commit
// time — and says so plainly when something is missing. The end-to-end
// half (a real build from a git checkout) is TestStaticBinaryAsNonRoot.
func TestVersionLine(t *testing.T) {
	platform := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	vcs := func(rev, modified, when string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-trimpath", Value: "true"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	main := debug.Module{Path: "github.com/userpool/userpool", Version: "v0.2.0"}
	cases := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"tagged, clean", &debug.BuildInfo{Main: main, Settings: vcs("abc123", "false", "2026-12-02T10:00:00Z")}, true,
			"userpool v0.2.0 github.com/userpool/userpool revision abc123 committed 2026-12-02T10:00:00Z " + platform},
		{"between tags, dirty", &debug.BuildInfo{Main: debug.Module{Path: main.Path, Version: "v0.2.1-0.20261202100000-abc123+dirty"},
			Settings: vcs("abc123", "true", "2026-12-02T10:00:00Z")}, true,
			"userpool v0.2.1-0.20261202100000-abc123+dirty github.com/userpool/userpool revision abc123 (modified) committed 2026-12-02T10:00:00Z " + platform},
		{"no VCS (worktree, tarball, -buildvcs=false)", &debug.BuildInfo{Main: debug.Module{Path: main.Path, Version: "(devel)"}}, true,
			"userpool (devel) github.com/userpool/userpool revision unknown " + platform},
		{"no build info", nil, false, "userpool (no build information) " + platform},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := versionLine(c.bi, c.ok); got != c.want {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestVersionCommand: the command prints the running binary's own line.
func TestVersionCommand(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), []string{"version"}, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out.String()), buildVersion(); got != want {
		t.Fatalf("printed %q, want %q", got, want)
	}
	if !strings.Contains(out.String(), "github.com/userpool/userpool") {
		t.Fatalf("no module path in %q", out.String())
	}
}
