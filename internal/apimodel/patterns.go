package apimodel

import (
	"bytes"
	"regexp"
	"sync"
)

// Model patterns are Java regular expressions that must match the whole
// value (Coral uses Matcher.matches(); consistent with every observed
// sample, spec §1.5). The generator translates each into RE2 syntax where
// the engines differ (Java's \s includes \x0B, Java's '.' excludes \r,
// \u0085, \u2028 and \u2029 as well as \n; see gen/translate.go), and the
// package compiles "^(?:<re2>)$" once, on first use. Messages always print
// the model's original pattern text, never the translation.
//
// Patterns RE2 cannot express at all (lookbehind, ...) have re2 == "" and
// need an exact hand-written equivalent in handWritten, keyed by the model
// text. TestHandWrittenPatterns fails if one is missing for any pattern in
// goIncompatiblePatterns (every such pattern in the model, not only the
// ones reachable from an input today).

type compiledPattern struct {
	once  sync.Once
	match func([]byte) bool
}

var compiledPatterns [len(patterns)]compiledPattern

// matchPattern reports whether val (UTF-8) matches pattern p (1-based).
func matchPattern(p int, val []byte) bool {
	cp := &compiledPatterns[p-1]
	cp.once.Do(func() { cp.match = compilePattern(patterns[p-1]) })
	return cp.match(val)
}

func compilePattern(spec patternSpec) func([]byte) bool {
	if spec.re2 != "" {
		return regexp.MustCompile(`^(?:` + spec.re2 + `)$`).Match
	}
	if m, ok := handWritten[spec.text]; ok {
		return m
	}
	panic("apimodel: model pattern has no Go equivalent: " + spec.text)
}

var handWritten = map[string]func([]byte) bool{
	// S3BucketType (not reachable from any input in botocore 1.43.11):
	// letters, digits, '.', '-', '_', and not ending with '.'. The Java
	// lookbehind (?<!\.) only looks at the last character before the end.
	`^[0-9A-Za-z\.\-_]*(?<!\.)$`: func(b []byte) bool {
		return bucketChars.Match(b) && !bytes.HasSuffix(b, []byte("."))
	},
}

var bucketChars = regexp.MustCompile(`^[0-9A-Za-z.\-_]*$`)
