// Package apimodel holds the Cognito user pools API model (operations and
// input shapes, generated from botocore's cognito-idp service-2.json) and
// validates request bodies against it the way Cognito's Coral front end
// does: JSON type errors become SerializationException, model constraint
// violations become one aggregated "N validation errors detected: ..."
// message (sent by Cognito as InvalidParameterException, spec §1.5).
//
// The generated tables live in model_gen.go, which is checked in; the model
// file is only needed to regenerate it.
package apimodel

//go:generate go run ./gen

// Operation is one Cognito API action, as named in the X-Amz-Target header
// (AWSCognitoIdentityProviderService.<Name>).
type Operation struct {
	// Name is the operation name, e.g. "ForgotPassword".
	Name string
	// Public is true for the operations the model marks as unauthenticated
	// (authtype "none" / smithy.api#noAuth): SDKs send them unsigned and IAM
	// is not evaluated (spec §1.2). Some authorize with an AccessToken member.
	Public bool
	// Errors lists the error codes the model declares for the operation, in
	// model order. Read-only.
	Errors []string

	input int32 // index of the input shape in shapes
}

// Lookup returns the operation with the given name (case-sensitive, as
// Cognito matches X-Amz-Target).
func Lookup(name string) (*Operation, bool) {
	op, ok := operationIndex[name]
	return op, ok
}

// Operations returns every operation in name order. The returned values are
// shared and must not be modified.
func Operations() []*Operation {
	out := make([]*Operation, len(operations))
	for i := range operations {
		out[i] = &operations[i]
	}
	return out
}

var operationIndex = func() map[string]*Operation {
	m := make(map[string]*Operation, len(operations))
	for i := range operations {
		m[operations[i].Name] = &operations[i]
	}
	return m
}()

// shapeType is the botocore shape type.
type shapeType uint8

const (
	typeStructure shapeType = iota + 1
	typeList
	typeMap
	typeString
	typeBoolean
	typeInteger
	typeLong
	typeFloat
	typeDouble
	typeTimestamp
	typeBlob
)

// shape is one model shape reachable from an operation input. Indices
// (elem, key, member.target) point into shapes.
type shape struct {
	name      string
	typ       shapeType
	members   []member // structure members, in model order
	elem      int32    // list member, or map value
	key       int32    // map key
	min, max  int64    // length (string, list, map, blob) or value (numbers)
	hasMin    bool
	hasMax    bool
	pattern   int // 1-based index into patterns; 0 means none
	enum      []string
	sensitive bool // values are never echoed in messages
	document  bool // free-form JSON; not validated
}

// member is a structure member: {name, target, required, sensitive}.
type member struct {
	name      string
	target    int32
	required  bool
	sensitive bool
}

// patternSpec is a model pattern: the Java text (printed verbatim in
// messages) and its RE2 translation, "" when RE2 cannot express it.
type patternSpec struct {
	text string
	re2  string
}

// memberIndex returns the index of the member whose JSON name is key, or
// -1. Member names are case-sensitive, as in Coral. Structures have at most
// a few dozen members, so a linear scan beats hashing here.
func (s *shape) memberIndex(key []byte) int {
	for i := range s.members {
		if s.members[i].name == string(key) {
			return i
		}
	}
	return -1
}

// deepSensitive[i] reports whether shape i or anything nested in it is
// sensitive. A container value is only echoed in a message when nothing
// inside it is secret (e.g. a list of attributes whose Value is sensitive).
var deepSensitive = func() []bool {
	out := make([]bool, len(shapes))
	state := make([]uint8, len(shapes)) // 0 new, 1 visiting, 2 done
	var visit func(i int32) bool
	visit = func(i int32) bool {
		if state[i] != 0 {
			return out[i] // a cycle contributes nothing new
		}
		state[i] = 1
		s := &shapes[i]
		r := s.sensitive
		for _, m := range s.members {
			r = visit(m.target) || m.sensitive || r
		}
		if s.typ == typeList || s.typ == typeMap {
			r = visit(s.elem) || r
		}
		if s.typ == typeMap {
			r = visit(s.key) || r
		}
		out[i], state[i] = r, 2
		return r
	}
	for i := range shapes {
		visit(int32(i))
	}
	return out
}()

// isNumber reports whether min/max bound the value rather than the length.
func (s *shape) isNumber() bool {
	switch s.typ {
	case typeInteger, typeLong, typeFloat, typeDouble:
		return true
	}
	return false
}
