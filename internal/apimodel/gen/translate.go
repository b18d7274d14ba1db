package main

import (
	"fmt"
	"regexp"
	"strings"
)

// Cognito (Coral) evaluates model patterns with java.util.regex; the server
// uses Go's RE2. The two agree on most syntax, but not on a few classes, so
// translateJava rewrites the pattern into an RE2 expression with the same
// meaning. Differences handled (Java SE 17, no flags):
//
//   - \s is [ \t\n\x0B\f\r] in Java but lacks \x0B (vertical tab) in RE2;
//     \S is its complement.
//   - '.' excludes every Java line terminator (\n, \r, \u0085, \u2028,
//     \u2029) unless (?s) is on; RE2's '.' only excludes \n.
//   - '$' without MULTILINE also matches before a final line terminator in
//     Java. Patterns are applied as whole-value matches (Matcher.matches),
//     so a trailing '$' is equivalent to RE2's end of text; any other '$' is
//     rejected.
//
// Constructs RE2 lacks (lookaround, possessive quantifiers, atomic groups,
// back-references, class intersection, nested classes, Java-only property
// names) make translateJava return an error. Such a pattern needs a
// hand-written equivalent in the apimodel package; the generator lists it in
// goIncompatiblePatterns so a test can insist on one.
//
// Unicode property classes (\p{L} ...) are passed through: both engines use
// general categories, but of their own Unicode versions (Java 17: 13.0), so
// characters assigned after that can differ.
func translateJava(p string) (string, error) {
	t := translator{src: p}
	if strings.HasPrefix(p, "(?s)") {
		t.dotAll = true
		t.out.WriteString("(?s)")
		t.i = len("(?s)")
	}
	if err := t.run(); err != nil {
		return "", fmt.Errorf("pattern %q: %w", p, err)
	}
	return t.out.String(), nil
}

const (
	javaSpaceSet = `\t\n\x0B\f\r `
	javaNotEOL   = `[^\n\r\x{85}\x{2028}\x{2029}]`
)

type translator struct {
	src    string
	i      int
	dotAll bool
	out    strings.Builder
}

func (t *translator) run() error {
	for t.i < len(t.src) {
		c := t.src[t.i]
		switch {
		case c == '\\':
			if err := t.escape(false); err != nil {
				return err
			}
			continue
		case c == '[':
			if err := t.class(); err != nil {
				return err
			}
			continue
		case c == '.':
			if t.dotAll {
				t.out.WriteByte('.')
			} else {
				t.out.WriteString(javaNotEOL)
			}
		case c == '$' && t.i != len(t.src)-1:
			return fmt.Errorf("'$' before the end of the pattern")
		case c == '(' && strings.HasPrefix(t.src[t.i:], "(?") && !strings.HasPrefix(t.src[t.i:], "(?:"):
			return fmt.Errorf("group construct %q", t.src[t.i:min(t.i+4, len(t.src))])
		case strings.ContainsRune("*+?}", rune(c)) && t.i+1 < len(t.src) && t.src[t.i+1] == '+':
			return fmt.Errorf("possessive quantifier")
		default:
			t.out.WriteByte(c)
		}
		t.i++
	}
	return nil
}

// class copies a bracket expression, rewriting \s; a class whose only
// content is \S (the model's `[\S]`) becomes the negated space set.
func (t *translator) class() error {
	if strings.HasPrefix(t.src[t.i:], `[\S]`) {
		t.out.WriteString("[^" + javaSpaceSet + "]")
		t.i += len(`[\S]`)
		return nil
	}
	t.out.WriteByte('[')
	t.i++
	if strings.HasPrefix(t.src[t.i:], "^") {
		t.out.WriteByte('^')
		t.i++
	}
	for first := true; t.i < len(t.src); first = false {
		c := t.src[t.i]
		switch {
		case c == ']' && first:
			return fmt.Errorf("']' first in a character class")
		case c == ']':
			t.out.WriteByte(']')
			t.i++
			return nil
		case c == '\\':
			if err := t.escape(true); err != nil {
				return err
			}
			continue
		case c == '[':
			return fmt.Errorf("nested character class")
		case c == '&' && strings.HasPrefix(t.src[t.i:], "&&"):
			return fmt.Errorf("character class intersection")
		default:
			t.out.WriteByte(c)
		}
		t.i++
	}
	return fmt.Errorf("unterminated character class")
}

// escape translates one backslash sequence starting at t.i.
func (t *translator) escape(inClass bool) error {
	if t.i+1 >= len(t.src) {
		return fmt.Errorf("trailing backslash")
	}
	c := t.src[t.i+1]
	seq := t.src[t.i : t.i+2]
	t.i += 2
	switch {
	case c == 's' && inClass:
		t.out.WriteString(javaSpaceSet)
	case c == 's':
		t.out.WriteString("[" + javaSpaceSet + "]")
	case c == 'S' && !inClass:
		t.out.WriteString("[^" + javaSpaceSet + "]")
	case c == 'p' || c == 'P':
		return t.property(seq)
	case c == 'x' && t.i+2 <= len(t.src) && isHex(t.src[t.i:t.i+2]):
		t.out.WriteString(seq + t.src[t.i:t.i+2])
		t.i += 2
	case strings.IndexByte("wWdDtnrf", c) >= 0, strings.IndexByte(`\.-^$|?*+()[]{}/`, c) >= 0:
		t.out.WriteString(seq)
	case c == 'b' || c == 'B':
		if inClass {
			return fmt.Errorf("%s in a character class", seq)
		}
		t.out.WriteString(seq)
	default:
		return fmt.Errorf("escape %s", seq)
	}
	return nil
}

// property passes \p{X} through when X is a general category both engines
// define identically (L, Lu, N, P, ...); Java-only names (Alpha, javaX,
// IsLatin, InGreek, ...) are rejected.
func (t *translator) property(seq string) error {
	name := ""
	switch {
	case strings.HasPrefix(t.src[t.i:], "{"):
		end := strings.IndexByte(t.src[t.i:], '}')
		if end < 0 {
			return fmt.Errorf("unterminated %s", seq)
		}
		name = t.src[t.i+1 : t.i+end]
		t.i += end + 1
	case t.i < len(t.src):
		name = t.src[t.i : t.i+1]
		t.i++
	}
	if !generalCategory.MatchString(name) {
		return fmt.Errorf("property %s{%s}", seq, name)
	}
	t.out.WriteString(seq + "{" + name + "}")
	return nil
}

var generalCategory = regexp.MustCompile(`^(?:[LMNPSZC]|L[ultmo]|M[nce]|N[dlo]|P[cdseifo]|S[mcko]|Z[slp]|C[cfos])$`)

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

// goPattern returns the RE2 form of a model pattern, or "" when RE2 cannot
// express it (then the package must supply a hand-written equivalent).
func goPattern(p string) (string, error) {
	g, err := translateJava(p)
	if err != nil {
		return "", err
	}
	if _, err := regexp.Compile(`^(?:` + g + `)$`); err != nil {
		return "", fmt.Errorf("pattern %q: %w", p, err)
	}
	return g, nil
}
