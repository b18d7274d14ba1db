package apimodel

import (
	"strconv"
	"strings"
)

// render prints the value that starts at pos the way Coral's messages show
// it, i.e. Java's toString of the deserialized object: strings unquoted,
// numbers and booleans as Java prints them, lists as "[a, b]", maps as
// "{k=v, k2=v2}" (document order). Callers never render sensitive values.
func render(data []byte, pos int, id int32) string {
	var b strings.Builder
	s := scanner{data: data, pos: pos}
	renderValue(&b, &s, id)
	return b.String()
}

func renderValue(b *strings.Builder, s *scanner, id int32) {
	sh := &shapes[id]
	start := s.peek()
	if start == 'n' {
		s.literal()
		b.WriteString(renderNull)
		return
	}
	if sh.document {
		from := s.pos
		s.skip()
		b.Write(s.data[from:s.pos])
		return
	}
	switch sh.typ {
	case typeList:
		renderList(b, s, sh)
	case typeMap:
		renderMap(b, s, sh)
	case typeStructure:
		renderStructure(b, s, sh)
	default:
		renderScalar(b, s, sh)
	}
}

func renderScalar(b *strings.Builder, s *scanner, sh *shape) {
	switch sh.typ {
	case typeString:
		raw, escaped := s.str()
		if escaped {
			raw = unescape(nil, raw)
		}
		b.Write(raw)
	case typeBlob:
		raw, escaped := s.str()
		if escaped {
			raw = unescape(nil, raw)
		}
		data, _ := decodeBase64(raw)
		b.WriteString(strings.ReplaceAll(renderBlob, "%N%", strconv.Itoa(len(data))))
	case typeInteger, typeLong:
		n, _ := parseIntegral(s.num(), 64)
		b.WriteString(strconv.FormatInt(n, 10))
	case typeBoolean:
		b.WriteString(strconv.FormatBool(s.data[s.pos] == 't'))
		s.literal()
	default: // floats and timestamps: as written
		b.Write(s.num())
	}
}

func renderList(b *strings.Builder, s *scanner, sh *shape) {
	b.WriteString(renderListOpen)
	for i := 0; s.nextElem(); i++ {
		if i > 0 {
			b.WriteString(renderSeparator)
		}
		renderValue(b, s, sh.elem)
	}
	b.WriteString(renderListClose)
}

func renderMap(b *strings.Builder, s *scanner, sh *shape) {
	b.WriteString(renderMapOpen)
	for i := 0; ; i++ {
		key, escaped, ok := s.nextKey()
		if !ok {
			break
		}
		if escaped {
			key = unescape(nil, key)
		}
		if i > 0 {
			b.WriteString(renderSeparator)
		}
		b.Write(key)
		b.WriteString(renderMapEquals)
		renderValue(b, s, sh.elem)
	}
	b.WriteString(renderMapClose)
}

// renderStructure prints the present members in model order, like a map
// keyed by member name. UNVERIFIED: Coral's toString of a structure has not
// been observed; this only shows up for list or map length violations on
// lists of structures.
func renderStructure(b *strings.Builder, s *scanner, sh *shape) {
	var offBuf [32]int
	offs := memberOffsets(s, sh, offBuf[:0])
	end := s.pos
	b.WriteString(renderMapOpen)
	first := true
	for i, off := range offs {
		if off == 0 {
			continue
		}
		if !first {
			b.WriteString(renderSeparator)
		}
		first = false
		b.WriteString(sh.members[i].name)
		b.WriteString(renderMapEquals)
		s.pos = off - 1
		renderValue(b, s, sh.members[i].target)
	}
	b.WriteString(renderMapClose)
	s.pos = end
}
