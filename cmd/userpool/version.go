package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionLine describes the running binary from what the Go toolchain
// recorded in it (debug.ReadBuildInfo), so no -ldflags are needed and a
// plain `go build` or `go install` from a checkout is identified as well as
// a release build:
//
//   - the main module's version: a tag (v0.2.0) when built at one, a
//     pseudo-version (v0.1.1-0.20261202…-37bd27d1abcd) between tags,
//     "+dirty" when the checkout had changes, "(devel)" when the toolchain
//     could not tell (no VCS directory, or -buildvcs=false);
//   - the VCS revision, whether the checkout was modified, and the commit
//     time. Go records no build time on purpose (builds are reproducible),
//     so the commit time is the nearest honest date.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	platform := fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if !ok || bi == nil {
		return "userpool (no build information) " + platform
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	setting := map[string]string{}
	for _, s := range bi.Settings {
		setting[s.Key] = s.Value
	}
	parts := []string{"userpool", version}
	if path := bi.Main.Path; path != "" {
		parts = append(parts, path)
	}
	if rev := setting["vcs.revision"]; rev != "" {
		vcs := "revision " + rev
		if setting["vcs.modified"] == "true" {
			vcs += " (modified)"
		}
		if t := setting["vcs.time"]; t != "" {
			vcs += " committed " + t
		}
		parts = append(parts, vcs)
	} else {
		parts = append(parts, "revision unknown")
	}
	return strings.Join(append(parts, platform), " ")
}

// buildVersion is `userpool version`'s line for the running binary.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	return versionLine(bi, ok)
}
