package apimodel

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner walks a JSON text that json.Valid has already accepted, so it can
// skip every syntax check: it only needs to find token boundaries. This
// keeps validation allocation-free on the happy path (no reflection, no
// map[string]any, no interface boxing per token), which matters because it
// runs on every request.
type scanner struct {
	data []byte
	pos  int
}

// peek skips whitespace and returns the first byte of the next token, or 0
// at the end of the input.
func (s *scanner) peek() byte {
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return c
		}
	}
	return 0
}

// str consumes the string at s.pos and returns its raw contents (without
// quotes) and whether it contains escape sequences.
func (s *scanner) str() (raw []byte, escaped bool) {
	start := s.pos + 1
	// Fast path: most strings have no escapes, so the closing quote is the
	// first '"' (bytes.IndexByte is vectorised).
	if end := bytes.IndexByte(s.data[start:], '"'); bytes.IndexByte(s.data[start:start+end], '\\') < 0 {
		s.pos = start + end + 1
		return s.data[start : start+end], false
	}
	for i := start; ; i++ {
		switch s.data[i] {
		case '"':
			s.pos = i + 1
			return s.data[start:i], escaped
		case '\\':
			escaped = true
			i++ // skip the escaped byte; \uXXXX digits are plain bytes
		}
	}
}

// num consumes a number and returns its text.
func (s *scanner) num() []byte {
	start := s.pos
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '-', '+', '.', 'e', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			s.pos++
		default:
			return s.data[start:s.pos]
		}
	}
	return s.data[start:]
}

// literal consumes true, false or null.
func (s *scanner) literal() {
	if s.data[s.pos] == 'f' {
		s.pos += len("false")
	} else {
		s.pos += len("true") // also len("null")
	}
}

// skip consumes one complete value of any kind. It is iterative, so deeply
// nested unknown members cannot exhaust the stack.
func (s *scanner) skip() {
	depth := 0
	for {
		switch c := s.peek(); c {
		case '{', '[':
			depth++
			s.pos++
		case '}', ']':
			depth--
			s.pos++
		case ',', ':':
			s.pos++
			continue
		case '"':
			s.str()
		case 't', 'f', 'n':
			s.literal()
		default:
			s.num()
		}
		if depth == 0 {
			return
		}
	}
}

// nextKey advances over '{' or ',' and returns the next member name, leaving
// s.pos at the member's value; ok is false (and the closing '}' consumed)
// at the end of the object.
func (s *scanner) nextKey() (key []byte, escaped, ok bool) {
	c := s.peek()
	s.pos++
	if c == '}' || (c == '{' && s.peek() == '}') {
		if c == '{' {
			s.pos++
		}
		return nil, false, false
	}
	s.peek()
	key, escaped = s.str()
	s.peek() // ':'
	s.pos++
	s.peek()
	return key, escaped, true
}

// nextElem advances over '[' or ',' and reports whether another element
// follows (leaving s.pos at it); at the end it consumes the closing ']'.
func (s *scanner) nextElem() bool {
	c := s.peek()
	s.pos++
	if c == ']' {
		return false
	}
	if c == '[' && s.peek() == ']' {
		s.pos++
		return false
	}
	s.peek()
	return true
}

// unescape decodes the contents of a JSON string with escapes, appending to
// dst. Lone UTF-16 surrogates become U+FFFD, as encoding/json does, so the
// handlers that later decode the body see the same string. (Java would keep
// the lone surrogate; a known, harmless difference.)
func unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2 = utf16.DecodeRune(r, hex4(raw[i+3:]))
				}
				if r2 != utf8.RuneError {
					i += 6
				}
				r = r2
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, raw[i])
		}
	}
	return dst
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// utf16Len is the length Java's String.length() reports: UTF-16 code units,
// so a character outside the BMP (e.g. an emoji) counts twice. Cognito's
// length limits are enforced in these units.
func utf16Len(b []byte) int64 {
	n := int64(0)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
