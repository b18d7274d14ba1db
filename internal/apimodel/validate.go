package apimodel

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// SerializationError means the body is not JSON, or a value has the wrong
// JSON type for its shape. Cognito answers SerializationException.
type SerializationError struct {
	Message string
}

func (e *SerializationError) Error() string { return e.Message }

// ValidationError lists the model-constraint violations of a request, in
// model member order, depth first. Cognito answers InvalidParameterException
// with Error() as the message (spec §1.5).
type ValidationError struct {
	Violations []Violation
}

// Error returns Cognito's aggregated text, e.g. "1 validation error
// detected: Value null at 'clientId' failed to satisfy constraint: Member
// must not be null".
func (e *ValidationError) Error() string { return summary(e.Violations) }

// Violation is one broken constraint.
type Violation struct {
	// Path is the member path: member names with the first letter
	// lower-cased, joined by '.' ("policies.passwordPolicy.minimumLength");
	// list elements as "<list>.<i>.member" (1-based,
	// "userAttributes.1.member.name"); structure-valued map entries (none
	// in the current model) as "<map>.<key>".
	Path string
	// Rule is the constraint text, e.g. "Member must not be null".
	Rule string
	// Value is the value as Java would print it; set only when Display is
	// ValueShown.
	Value string
	// Display says how the value appears in the message.
	Display Display
}

// Display is how a violation shows the offending value.
type Display uint8

const (
	// ValueShown prints "Value '<v>' at ...".
	ValueShown Display = iota
	// ValueNull prints "Value null at ..." (missing required member).
	ValueNull
	// ValueOmitted prints "Value at ..." for sensitive values (passwords,
	// usernames, client ids, tokens): Cognito never echoes them.
	ValueOmitted
)

// Validate checks a request body against the operation's input shape. It
// returns nil, a *SerializationError or a *ValidationError.
//
// An empty (or all-whitespace) body counts as {}, and so does a top-level
// null: Coral's structure reader accepts "map or null" and a null input is
// an input with no members.
func (op *Operation) Validate(body []byte) error {
	_, err := op.check(body)
	return err
}

// check is Validate; on success it returns a scanner at the start of the
// top-level object (an empty object for an empty body or null).
func (op *Operation) check(body []byte) (scanner, error) {
	if !utf8.Valid(body) || (!json.Valid(body) && len(bytes.TrimSpace(body)) > 0) {
		// Jackson, which Coral builds on, rejects invalid UTF-8 as well.
		return scanner{}, &SerializationError{Message: msgMalformedJSON}
	}
	s := scanner{data: body}
	switch c := s.peek(); c {
	case 0, 'n':
		s = scanner{data: emptyObject}
	case '{':
	default:
		return scanner{}, containerMismatch(c, msgExpectedMap)
	}
	start := s.pos
	if err := typeCheck(&s, op.input); err != nil {
		return scanner{}, err
	}
	v := validator{s: scanner{data: s.data, pos: start}}
	v.value(op.input, false)
	if len(v.violations) > 0 {
		return scanner{}, &ValidationError{Violations: v.violations}
	}
	return scanner{data: s.data, pos: start}, nil
}

var emptyObject = []byte("{}")

// validator is the second pass: it visits members in model order (not
// document order) and collects every constraint violation.
type validator struct {
	s          scanner
	path       [maxPathDepth]pathElem // a fixed array keeps the walk allocation-free
	depth      int
	violations []Violation
	scratch    []byte
}

// maxPathDepth bounds member paths. Shapes do not recurse, so the depth is
// fixed by the model (TestPathDepthFits checks it).
const maxPathDepth = 16

func (v *validator) push(e pathElem) {
	v.path[v.depth] = e
	v.depth++
}

func (v *validator) pop() { v.depth-- }

// pathElem is one step of the member path, kept unformatted so that the
// happy path never builds path strings.
type pathElem struct {
	name  string // member name (PascalCase) or raw map key
	index int    // 1-based list index when > 0
	isKey bool   // name is a map key, printed verbatim
}

// value checks the value at the scanner position against shape id.
// sensitive is set when the member, or anything enclosing it, is sensitive.
func (v *validator) value(id int32, sensitive bool) {
	sh := &shapes[id]
	sensitive = sensitive || sh.sensitive
	if sh.document || v.s.peek() == 'n' {
		v.s.skip()
		return
	}
	switch sh.typ {
	case typeStructure:
		v.structure(sh, sensitive)
	case typeList:
		v.list(id, sh, sensitive)
	case typeMap:
		v.mapValue(id, sh, sensitive)
	default:
		start := v.s.pos
		if !v.scalarOK(sh) {
			v.scalarViolations(id, sh, start, sensitive)
		}
	}
}

// structure checks the members in model order; required members that are
// absent (or null) are reported as "Value null".
func (v *validator) structure(sh *shape, sensitive bool) {
	var offBuf [32]int
	offs := memberOffsets(&v.s, sh, offBuf[:0])
	end := v.s.pos
	for i := range sh.members {
		m := &sh.members[i]
		v.push(pathElem{name: m.name})
		if offs[i] == 0 {
			if m.required {
				v.add(Violation{Rule: ruleNotNull, Display: ValueNull})
			}
		} else {
			v.s.pos = offs[i] - 1
			v.value(m.target, sensitive || m.sensitive)
		}
		v.pop()
	}
	v.s.pos = end
}

// list checks the element count, then the elements. Structure elements are
// checked member by member under "<list>.<i>.member"; scalar elements are
// reported once for the whole list with Coral's bracketed rule (observed:
// "Value '[X]' at 'explicitAuthFlows' failed to satisfy constraint: Member
// must satisfy constraint: [Member must satisfy enum value set: [...]]").
func (v *validator) list(id int32, sh *shape, sensitive bool) {
	start := v.s.pos
	n := int64(0)
	for v.s.nextElem() {
		if v.s.peek() != 'n' { // a null element is dropped (canonical.go): it does not count
			n++
		}
		v.s.skip()
	}
	end := v.s.pos
	v.checkCount(id, sh, start, n, sensitive)
	elem := &shapes[sh.elem]
	v.s.pos = start
	badScalar := false
	for i := 1; v.s.nextElem(); i++ {
		switch {
		case elem.typ == typeStructure || elem.typ == typeList || elem.typ == typeMap:
			v.push(pathElem{index: i})
			v.value(sh.elem, sensitive)
			v.pop()
		case v.s.peek() == 'n' || elem.document:
			v.s.skip()
		default:
			badScalar = !v.scalarOK(elem) || badScalar
		}
	}
	v.s.pos = end
	if badScalar {
		v.addRendered(id, start, sensitive, bracketRule(ruleListMember, elem))
	}
}

// mapValue checks the entry count, then keys and values. Broken keys and
// broken scalar values are each reported once for the whole map, as Coral
// does ("Map keys must satisfy constraint: [...]", "Map value must satisfy
// constraint: [...]"); structure-typed values (none in the current model)
// are checked under "<map>.<key>".
func (v *validator) mapValue(id int32, sh *shape, sensitive bool) {
	start := v.s.pos
	n, badKey, badValue := v.mapEntries(sh, sensitive)
	v.checkCount(id, sh, start, n, sensitive)
	if badKey {
		v.addRendered(id, start, sensitive, bracketRule(ruleMapKeys, &shapes[sh.key]))
	}
	if badValue {
		v.addRendered(id, start, sensitive, bracketRule(ruleMapValues, &shapes[sh.elem]))
	}
}

// mapEntries consumes the map's entries, checking container values in
// place and reporting whether any key or scalar value broke its shape. n is
// the number of entries the operation will see when the map has a size
// limit: distinct keys whose last value is not null (duplicate keys
// collapse, as in a Java map, and null entries are dropped: canonical.go);
// else the number of entries.
func (v *validator) mapEntries(sh *shape, sensitive bool) (n int64, badKey, badValue bool) {
	var keys map[string]bool
	if sh.hasMin || sh.hasMax {
		keys = map[string]bool{}
	}
	keyShape, valShape := &shapes[sh.key], &shapes[sh.elem]
	for {
		key, escaped, ok := v.s.nextKey()
		if !ok {
			break
		}
		if escaped {
			v.scratch = unescape(v.scratch[:0], key)
			key = v.scratch
		}
		n++
		if keys != nil {
			keys[string(key)] = v.s.peek() != 'n'
		}
		badKey = !keyShape.stringOK(key) || badKey
		switch {
		case v.s.peek() == 'n' || valShape.document:
			v.s.skip()
		case valShape.typ == typeStructure || valShape.typ == typeList || valShape.typ == typeMap:
			v.push(pathElem{name: string(key), isKey: true})
			v.value(sh.elem, sensitive)
			v.pop()
		default:
			badValue = !v.scalarOK(valShape) || badValue
		}
	}
	if keys != nil {
		n = 0
		for _, present := range keys {
			if present {
				n++
			}
		}
	}
	return n, badKey, badValue
}

// checkCount applies a list's or map's min/max to its number of entries.
func (v *validator) checkCount(id int32, sh *shape, start int, n int64, sensitive bool) {
	if sh.hasMin && n < sh.min {
		v.addRendered(id, start, sensitive, minRule(sh))
	}
	if sh.hasMax && n > sh.max {
		v.addRendered(id, start, sensitive, maxRule(sh))
	}
}

// memberOffsets consumes the object at the scanner position and returns,
// per member of sh, 1 + the offset of its value, or 0 when absent. The last
// occurrence of a duplicated member wins, as with Jackson; null counts as
// absent. buf avoids an allocation for structures of up to cap(buf)
// members.
func memberOffsets(s *scanner, sh *shape, buf []int) []int {
	var offs []int
	if len(sh.members) > cap(buf) {
		offs = make([]int, len(sh.members))
	} else {
		offs = buf[:len(sh.members)]
		clear(offs)
	}
	var kbuf [64]byte
	for {
		key, escaped, ok := s.nextKey()
		if !ok {
			return offs
		}
		if escaped {
			key = unescape(kbuf[:0], key)
		}
		if i := sh.memberIndex(key); i >= 0 {
			offs[i] = 0
			if s.peek() != 'n' {
				offs[i] = s.pos + 1
			}
		}
		s.skip()
	}
}
