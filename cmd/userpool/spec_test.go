package main

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// specDoc is the behaviour document that comments cite as "spec §N".
const specDoc = "docs/cognito-behaviour.md"

var (
	// A section reference: every §N or §N.M in Go source is one into
	// specDoc ("spec §2.9", "§2.4/§2.5", "§3.2 step 4"), except a reference
	// into the style guide, which names itself.
	specRef = regexp.MustCompile(`(style-anchors )?§(\d+(?:\.\d+)*)`)
	// A numbered heading of specDoc: "## 2. ForgotPassword", "### 2.9 Rate limiting".
	specHeading = regexp.MustCompile(`^#{2,4} (\d+(?:\.\d+)*)\.? `)
)

// TestSpecCitationsResolve: every section the code cites exists in
// docs/cognito-behaviour.md, so a fresh clone can follow every "spec §N",
// and the document's numbered headings are unique.
func TestSpecCitationsResolve(t *testing.T) {
	root := repoRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, specDoc))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if m := specHeading.FindStringSubmatch(line); m != nil {
			if sections[m[1]] {
				t.Errorf("%s: section %s appears twice", specDoc, m[1])
			}
			sections[m[1]] = true
		}
	}
	cited := map[string][]string{} // section → where
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for i, line := range strings.Split(string(src), "\n") {
			for _, m := range specRef.FindAllStringSubmatch(line, -1) {
				if m[1] == "" {
					cited[m[2]] = append(cited[m[2]], rel+":"+strconv.Itoa(i+1))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cited) < 20 || len(sections) < 30 {
		t.Fatalf("found %d cited sections and %d headings: the patterns no longer match the sources", len(cited), len(sections))
	}
	for _, sec := range slices.Sorted(maps.Keys(cited)) {
		if !sections[sec] {
			t.Errorf("§%s is cited but %s has no such section: %s", sec, specDoc, strings.Join(cited[sec], ", "))
		}
	}
}
