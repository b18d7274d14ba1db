package apimodel

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scalarOK consumes the scalar at the scanner position and reports whether
// it satisfies every constraint of sh. It allocates nothing; the slower
// scalarViolations re-reads the value only when something failed.
func (v *validator) scalarOK(sh *shape) bool {
	switch sh.typ {
	case typeString:
		raw, escaped := v.s.str()
		if escaped {
			v.scratch = unescape(v.scratch[:0], raw)
			raw = v.scratch
		}
		return sh.stringOK(raw)
	case typeInteger, typeLong:
		n, _ := parseIntegral(v.s.num(), 64)
		return (!sh.hasMin || n >= sh.min) && (!sh.hasMax || n <= sh.max)
	case typeBlob:
		raw, escaped := v.s.str()
		if !sh.hasMin && !sh.hasMax {
			return true
		}
		return len(sh.blobRules(raw, escaped)) == 0
	}
	v.s.skip() // booleans, floats, timestamps: no constraints in the model
	return true
}

// stringOK is the allocation-free form of stringRules.
func (sh *shape) stringOK(val []byte) bool {
	if sh.pattern != 0 && !matchPattern(sh.pattern, val) {
		return false
	}
	if sh.hasMin || sh.hasMax {
		n := utf16Len(val)
		if (sh.hasMin && n < sh.min) || (sh.hasMax && n > sh.max) {
			return false
		}
	}
	return len(sh.enum) == 0 || inEnum(sh.enum, val)
}

// inEnum compares without converting val to a string (no allocation).
func inEnum(enum []string, val []byte) bool {
	for _, e := range enum {
		if string(val) == e {
			return true
		}
	}
	return false
}

// stringRules returns the broken rules of a string in Cognito's order:
// pattern, minimum length, maximum length, enum (observed: the pattern
// violation of confirmationCode precedes its length violation).
func (sh *shape) stringRules(val []byte) []string {
	var rules []string
	if sh.pattern != 0 && !matchPattern(sh.pattern, val) {
		rules = append(rules, patternRule(sh.pattern))
	}
	rules = append(rules, sh.lengthRules(utf16Len(val))...)
	if len(sh.enum) > 0 && !inEnum(sh.enum, val) {
		rules = append(rules, enumRule(sh))
	}
	return rules
}

func (sh *shape) lengthRules(n int64) []string {
	var rules []string
	if sh.hasMin && n < sh.min {
		rules = append(rules, minRule(sh))
	}
	if sh.hasMax && n > sh.max {
		rules = append(rules, maxRule(sh))
	}
	return rules
}

// blobRules checks the decoded length of a base64 blob.
func (sh *shape) blobRules(raw []byte, escaped bool) []string {
	if escaped {
		raw = unescape(nil, raw)
	}
	data, _ := decodeBase64(raw) // validity was checked by typeCheck
	return sh.lengthRules(int64(len(data)))
}

// scalarViolations records each broken rule of the scalar that starts at
// start, with the value rendered unless it is sensitive.
func (v *validator) scalarViolations(id int32, sh *shape, start int, sensitive bool) {
	s := scanner{data: v.s.data, pos: start}
	var rules []string
	switch sh.typ {
	case typeString:
		raw, escaped := s.str()
		if escaped {
			raw = unescape(nil, raw)
		}
		rules = sh.stringRules(raw)
	case typeInteger, typeLong:
		n, _ := parseIntegral(s.num(), 64)
		if sh.hasMin && n < sh.min {
			rules = append(rules, minRule(sh))
		}
		if sh.hasMax && n > sh.max {
			rules = append(rules, maxRule(sh))
		}
	case typeBlob:
		raw, escaped := s.str()
		rules = sh.blobRules(raw, escaped)
	}
	for _, r := range rules {
		v.addRendered(id, start, sensitive, r)
	}
}

// addRendered records a violation of the value starting at start, rendered
// Java-style unless it is, or contains, something sensitive.
func (v *validator) addRendered(id int32, start int, sensitive bool, rule string) {
	if sensitive || deepSensitive[id] {
		v.add(Violation{Rule: rule, Display: ValueOmitted})
		return
	}
	v.add(Violation{Rule: rule, Value: render(v.s.data, start, id), Display: ValueShown})
}

func (v *validator) add(viol Violation) {
	viol.Path = v.pathString()
	v.violations = append(v.violations, viol)
}

// pathString formats the current member path the way Coral does: member
// names with the first character lower-cased ("ClientId" -> "clientId",
// "SAMLOptions" -> "sAMLOptions"), joined with '.'; list elements as
// "<i>.member" (1-based); map keys verbatim.
func (v *validator) pathString() string {
	var b strings.Builder
	for i, e := range v.path[:v.depth] {
		if i > 0 {
			b.WriteByte('.')
		}
		switch {
		case e.index > 0:
			b.WriteString(strconv.Itoa(e.index))
			b.WriteString(".member")
		case e.isKey:
			b.WriteString(e.name)
		default:
			b.WriteString(lowerFirst(e.name))
		}
	}
	return b.String()
}

func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[size:]
}
