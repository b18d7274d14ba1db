package apimodel

import (
	"encoding/base64"
	"math"
	"strconv"
)

// typeCheck is the first pass: it walks the body in document order, as
// Coral's streaming deserializer does, and returns the first JSON type
// mismatch as a SerializationError. Constraint checks only run on a body
// that deserializes, so type errors always win.
//
// Unknown members and document values are skipped unchecked (AWS ignores
// unknown members), and JSON null is accepted everywhere: it means absent.
func typeCheck(s *scanner, id int32) *SerializationError {
	sh := &shapes[id]
	c := s.peek()
	switch {
	case c == 'n':
		s.literal()
		return nil
	case sh.document:
		s.skip()
		return nil
	}
	switch sh.typ {
	case typeStructure, typeMap:
		if c != '{' {
			return containerMismatch(c, msgExpectedMap)
		}
		return checkObject(s, sh)
	case typeList:
		if c != '[' {
			return containerMismatch(c, msgExpectedList)
		}
		for s.nextElem() {
			if err := typeCheck(s, sh.elem); err != nil {
				return err
			}
		}
		return nil
	}
	return checkScalar(s, sh, c)
}

// containerMismatch reports a structure, map or list that got another kind
// of value. A '[' or '{' is reported as an unexpected start token, anything
// else with the "expected" text (Coral's two forms).
func containerMismatch(c byte, expected string) *SerializationError {
	switch c {
	case '{':
		return &SerializationError{Message: msgUnexpectedStructure}
	case '[':
		return &SerializationError{Message: msgUnexpectedList}
	}
	return &SerializationError{Message: expected}
}

func checkObject(s *scanner, sh *shape) *SerializationError {
	var buf [64]byte
	for {
		key, escaped, ok := s.nextKey()
		if !ok {
			return nil
		}
		if sh.typ == typeMap {
			// JSON keys are always strings and map keys are string shapes:
			// only their constraints can fail, in the second pass.
			if err := typeCheck(s, sh.elem); err != nil {
				return err
			}
			continue
		}
		if escaped {
			key = unescape(buf[:0], key)
		}
		i := sh.memberIndex(key)
		if i < 0 {
			s.skip()
			continue
		}
		if err := typeCheck(s, sh.members[i].target); err != nil {
			return err
		}
	}
}

// checkScalar accepts the JSON value kinds each scalar type can be built
// from and names the mismatch otherwise.
func checkScalar(s *scanner, sh *shape, c byte) *SerializationError {
	token := c
	switch c {
	case '{', '[':
		return containerMismatch(c, "")
	case '"':
		raw, escaped := s.str()
		switch sh.typ {
		case typeString:
			return nil
		case typeBlob:
			return checkBase64(raw, escaped)
		}
	case 't', 'f':
		s.literal()
		if sh.typ == typeBoolean {
			return nil
		}
	default:
		token = '0'
		if checkNumber(s.num(), sh.typ) {
			return nil
		}
	}
	return &SerializationError{Message: conversionMessage(token, sh.typ)}
}

// checkNumber reports whether a JSON number can become the shape's Java
// type. Integers and longs must be integral (1.0 and 1e2 are, 1.5 is not)
// and inside the Java type's range.
func checkNumber(text []byte, t shapeType) bool {
	switch t {
	case typeInteger:
		_, ok := parseIntegral(text, 32)
		return ok
	case typeLong:
		_, ok := parseIntegral(text, 64)
		return ok
	case typeFloat, typeDouble, typeTimestamp: // timestamps: epoch seconds
		return true
	}
	return false
}

// parseIntegral parses a JSON number as an integer of the given bit size.
// Non-plain forms (fraction or exponent) go through float64, which is exact
// for every int32; for longs beyond 2^53 in exponent form it may round
// (no input shape is a long today).
func parseIntegral(text []byte, bits int) (int64, bool) {
	if n, err := strconv.ParseInt(string(text), 10, bits); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil || f != math.Trunc(f) {
		return 0, false
	}
	limit := math.Ldexp(1, bits-1)
	if f < -limit || f >= limit {
		return 0, false
	}
	return int64(f), true
}

// checkBase64 accepts standard base64, with or without padding (the SDKs
// send padded standard base64).
func checkBase64(raw []byte, escaped bool) *SerializationError {
	if escaped {
		raw = unescape(nil, raw)
	}
	if _, err := decodeBase64(raw); err != nil {
		return &SerializationError{Message: msgInvalidBase64}
	}
	return nil
}

func decodeBase64(raw []byte) ([]byte, error) {
	enc := base64.StdEncoding
	if len(raw)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	out := make([]byte, enc.DecodedLen(len(raw)))
	n, err := enc.Decode(out, raw)
	return out[:n], err
}
