package apimodel

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"testing"
)

// javaVectors is testdata/java_regex_vectors.json: how java.util.regex
// (JDK 17) judges a set of probe strings against every model pattern. See
// testdata/javaregex/RegexVectors.java.
type javaVectors struct {
	JDK      string   `json:"jdk"`
	Strings  []string `json:"strings"`
	Patterns []struct {
		P string `json:"p"`
		M string `json:"m"`
	} `json:"patterns"`
}

func loadJavaVectors(t *testing.T) javaVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/java_regex_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v javaVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// matcherFor returns the package's matcher for a model pattern: the
// compiled translation if the pattern is in the input tables, else a
// hand-written equivalent.
func matcherFor(text string) (func([]byte) bool, bool) {
	for i := range patterns {
		if patterns[i].text == text {
			return func(b []byte) bool { return matchPattern(i+1, b) }, true
		}
	}
	m, ok := handWritten[text]
	return m, ok
}

// TestPatternsAgreeWithJava compares every matcher the package uses with
// java.util.regex on several hundred probe strings (ASCII punctuation, each
// Java/RE2 whitespace and line-terminator difference, astral characters,
// marks, format characters, ...).
func TestPatternsAgreeWithJava(t *testing.T) {
	v := loadJavaVectors(t)
	checked := map[string]bool{}
	for _, p := range v.Patterns {
		match, ok := matcherFor(p.P)
		if !ok {
			continue // not reachable from an input; gen tests cover the translation
		}
		checked[p.P] = true
		t.Run(p.P, func(t *testing.T) {
			for i, s := range v.Strings {
				want := p.M[i] == '1'
				if got := match([]byte(s)); got != want {
					t.Errorf("%q: Go %t, Java %t", s, got, want)
				}
			}
		})
	}
	for i := range patterns {
		if !checked[patterns[i].text] {
			t.Errorf("pattern %q has no Java vectors; regenerate testdata (see RegexVectors.java)", patterns[i].text)
		}
	}
}

// TestHandWrittenPatterns insists on an equivalent for every pattern of the
// model that RE2 cannot compile, reachable from an input or not, and on no
// stale entries.
func TestHandWrittenPatterns(t *testing.T) {
	if len(goIncompatiblePatterns) == 0 {
		t.Log("the model has no RE2-incompatible pattern")
	}
	for _, p := range goIncompatiblePatterns {
		if _, ok := handWritten[p]; !ok {
			t.Errorf("no hand-written matcher for %q", p)
		}
	}
	for p := range handWritten {
		if !slices.Contains(goIncompatiblePatterns, p) {
			t.Errorf("hand-written matcher for %q, which RE2 can compile (or is gone from the model)", p)
		}
	}
	for i := range patterns {
		if patterns[i].re2 == "" && !slices.Contains(goIncompatiblePatterns, patterns[i].text) {
			t.Errorf("pattern %q has no translation and is not listed as incompatible", patterns[i].text)
		}
	}
}

// The S3 bucket pattern uses a lookbehind. Cases beyond the Java vectors.
func TestBucketPatternEquivalent(t *testing.T) {
	match := handWritten[`^[0-9A-Za-z\.\-_]*(?<!\.)$`]
	cases := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"my-bucket", true},
		{"my.bucket_1", true},
		{"my.bucket.", false},
		{".", false},
		{"..a", true},
		{"a b", false},
		{"bucket\n", false},
		{"é", false},
	}
	for _, tc := range cases {
		if got := match([]byte(tc.in)); got != tc.want {
			t.Errorf("%q: got %t, want %t", tc.in, got, tc.want)
		}
	}
}

// TestJavaRegexDifferences pins the places where a naive RE2 compile of
// the model text would disagree with Cognito.
func TestJavaRegexDifferences(t *testing.T) {
	cases := []struct {
		name, pattern, in string
		want              bool
	}{
		{`\S excludes vertical tab`, `[\S]+`, "a\vb", false},
		{`\s includes vertical tab`, `[\w\s+=,.@-]+`, "a\vb", true},
		{`. excludes carriage return`, `.*\{####\}.*`, "code\r{####}", false},
		{`. excludes NEL`, `.*\{####\}.*`, "code\u0085{####}", false},
		{`. excludes line separator`, `.*\{####\}.*`, "{####}\u2028", false},
		{`(?s). matches newline`, `(?s).*`, "a\nb", true},
		{`whole value only`, `[0-9]+`, "123abc", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			match, ok := matcherFor(tc.pattern)
			if !ok {
				t.Fatalf("pattern %q not in the tables", tc.pattern)
			}
			if got := match([]byte(tc.in)); got != tc.want {
				t.Errorf("%q on %q: got %t, want %t", tc.pattern, tc.in, got, tc.want)
			}
		})
	}
}

func TestAllPatternsCompile(t *testing.T) {
	for i := range patterns {
		matchPattern(i+1, nil) // panics if a pattern has no usable matcher
	}
}

// The class-run fast path must agree with regexp on every pattern it
// handles, for the Java probe strings and for random strings.
func TestClassRunMatchersAgree(t *testing.T) {
	v := loadJavaVectors(t)
	inputs := append([]string{}, v.Strings...)
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b []rune
		for n := rnd.IntN(5); n > 0; n-- {
			if rnd.IntN(2) == 0 {
				b = append(b, rune(rnd.IntN(128)))
			} else {
				b = append(b, rune(rnd.IntN(0x30000)))
			}
		}
		inputs = append(inputs, string(b))
	}
	fast := 0
	for i := range patterns {
		if patterns[i].re2 == "" {
			continue
		}
		expr := `^(?:` + patterns[i].re2 + `)$`
		m, ok := classRunMatcher(expr)
		if !ok {
			continue
		}
		fast++
		re := regexp.MustCompile(expr)
		for _, s := range inputs {
			if got, want := m([]byte(s)), re.MatchString(s); got != want {
				t.Errorf("%s on %q: fast path %t, regexp %t", expr, s, got, want)
			}
		}
	}
	if fast < 10 {
		t.Errorf("only %d patterns use the fast path", fast)
	}
	t.Logf("%d of %d patterns use the class-run fast path", fast, len(patterns))
}
