package main

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestTranslateAgreesWithJava checks the translation of every pattern in
// the model (including ones no input uses) against java.util.regex results
// recorded in ../testdata/java_regex_vectors.json.
func TestTranslateAgreesWithJava(t *testing.T) {
	data, err := os.ReadFile("../testdata/java_regex_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Strings  []string
		Patterns []struct{ P, M string }
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	incompatible := 0
	for _, p := range v.Patterns {
		g, err := goPattern(p.P)
		if err != nil {
			incompatible++
			t.Logf("RE2 cannot express %q: %v", p.P, err)
			continue
		}
		re := regexp.MustCompile(`^(?:` + g + `)$`)
		for i, s := range v.Strings {
			if got, want := re.MatchString(s), p.M[i] == '1'; got != want {
				t.Errorf("%q (as %q) on %q: Go %t, Java %t", p.P, g, s, got, want)
			}
		}
	}
	if incompatible != 1 {
		t.Errorf("%d incompatible patterns, want 1 (the S3 bucket lookbehind)", incompatible)
	}
}

func TestTranslateRewrites(t *testing.T) {
	cases := []struct{ in, want string }{
		{`[\S]+`, `[^\t\n\x0B\f\r ]+`},
		{`\s`, `[\t\n\x0B\f\r ]`},
		{`\S+`, `[^\t\n\x0B\f\r ]+`},
		{`[\w\s-]+`, `[\w\t\n\x0B\f\r -]+`},
		{`a.b`, `a[^\n\r\x{85}\x{2028}\x{2029}]b`},
		{`[.]`, `[.]`},
		{`(?s).*`, `(?s).*`},
		{`^a(?:b|c)$`, `^a(?:b|c)$`},
		{`\p{L}\pN[\p{Lu}]`, `\p{L}\p{N}[\p{Lu}]`},
		{`[\x21\x23-\x5B]`, `[\x21\x23-\x5B]`},
		{`\{##\}`, `\{##\}`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := translateJava(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("translateJava(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// Constructs RE2 lacks, or whose Java meaning the translator does not
// model, must be rejected so that a hand-written matcher is required.
func TestTranslateRejects(t *testing.T) {
	for _, in := range []string{
		`^a*(?<!\.)$`, `(?=a)a`, `(?!a)b`, `(?<=a)b`, `(?>a)`, `a*+`, `a++`, `a?+`, `a{2}+`,
		`(?i)a`, `a(?s).`, `[a&&b]`, `[a[b]]`, `[]a]`, `\p{Alpha}`, `\p{IsLatin}`, `\1`,
		`a$b`, `[\Sa]`, `\Qa\E`, `\h`, `\R`, `\z`, `[a`, `a\`,
	} {
		t.Run(in, func(t *testing.T) {
			if g, err := goPattern(in); err == nil {
				t.Errorf("goPattern(%q) = %q, want an error", in, g)
			}
		})
	}
}
