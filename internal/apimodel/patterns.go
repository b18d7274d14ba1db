package apimodel

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"sort"
	"sync"
	"unicode/utf8"
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
		expr := `^(?:` + spec.re2 + `)$`
		if m, ok := classRunMatcher(expr); ok {
			return m
		}
		return regexp.MustCompile(expr).Match
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

// classRunMatcher recognises the most common model pattern shape, a single
// character class repeated over the whole value ("[\w+]+", "[\S]+",
// "[\p{L}\p{M}\p{S}\p{N}\p{P}]+", ...), and returns a matcher that tests
// each character against the class RE2 itself parsed: same semantics, but
// several times faster than the general regexp engine on every request.
// TestClassRunMatchersAgree checks it against regexp.
func classRunMatcher(expr string) (func([]byte) bool, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat {
		return nil, false
	}
	subs := re.Sub
	for len(subs) > 0 && subs[0].Op == syntax.OpBeginText {
		subs = subs[1:]
	}
	for len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpEndText {
		subs = subs[:len(subs)-1]
	}
	if len(subs) != 1 || (subs[0].Op != syntax.OpPlus && subs[0].Op != syntax.OpStar) ||
		subs[0].Sub[0].Op != syntax.OpCharClass {
		return nil, false
	}
	c := &charClass{ranges: subs[0].Sub[0].Rune, nonEmpty: subs[0].Op == syntax.OpPlus}
	for r := rune(0); r < utf8.RuneSelf; r++ {
		if c.inRanges(r) {
			c.ascii[r>>6] |= 1 << (r & 63)
		}
	}
	return c.match, true
}

type charClass struct {
	ascii    [2]uint64 // membership of U+0000..U+007F, one bit each
	ranges   []rune    // sorted lo, hi pairs, as regexp/syntax produces them
	nonEmpty bool      // '+' rather than '*'
}

func (c *charClass) match(b []byte) bool {
	if c.nonEmpty && len(b) == 0 {
		return false
	}
	for i := 0; i < len(b); {
		if ch := b[i]; ch < utf8.RuneSelf {
			if c.ascii[ch>>6]&(1<<(ch&63)) == 0 {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if !c.inRanges(r) {
			return false
		}
		i += size
	}
	return true
}

func (c *charClass) inRanges(r rune) bool {
	n := len(c.ranges) / 2
	i := sort.Search(n, func(i int) bool { return c.ranges[2*i+1] >= r })
	return i < n && c.ranges[2*i] <= r
}
