package apimodel

import (
	"encoding/base64"
	"strconv"
)

// Decode validates body exactly as Validate does and, when it is valid,
// returns its canonical form: the only JSON an operation may decode. It
// holds exactly the values the validator checked, so the validator and the
// operation can never disagree about what was sent:
//
//   - member names are matched exactly, as AWS's JSON protocol does; a key
//     that differs in case ("username" beside "Username") is an unknown
//     member and is dropped, never an alias (encoding/json, which the
//     operations decode with, would match it case-insensitively);
//   - unknown members are dropped at every depth;
//   - a repeated member or map key keeps its last occurrence, as the
//     validator does (Jackson's behaviour, on which Coral builds);
//   - null means absent everywhere: a null member, list element or map
//     value is dropped (encoding/json would keep an earlier value of the
//     member, or decode the element as a zero value the validator never saw);
//   - integral numbers for integer and long shapes are written in plain
//     decimal ("1e2" and "100.0" are 100, as for Java), and blobs as padded
//     base64, the forms encoding/json reads.
//
// Strings are copied as they were sent: the validator and encoding/json
// unescape them identically (a lone surrogate becomes U+FFFD in both), and
// invalid UTF-8 never gets this far.
func (op *Operation) Decode(body []byte) ([]byte, error) {
	s, err := op.check(body)
	if err != nil {
		return nil, err
	}
	c := canonical{s: s, out: make([]byte, 0, len(body))}
	c.value(op.input)
	return c.out, nil
}

// canonical writes the canonical form of an already validated body.
type canonical struct {
	s   scanner
	out []byte
}

// value writes the value at the scanner position, which is not null, as
// shape id.
func (c *canonical) value(id int32) {
	sh := &shapes[id]
	c.s.peek()
	start := c.s.pos
	switch {
	case sh.document:
		c.s.skip()
		c.out = append(c.out, c.s.data[start:c.s.pos]...)
	case sh.typ == typeStructure:
		c.structure(sh)
	case sh.typ == typeList:
		c.list(sh)
	case sh.typ == typeMap:
		c.mapValue(sh)
	case sh.typ == typeInteger || sh.typ == typeLong:
		n, _ := parseIntegral(c.s.num(), 64) // range-checked by typeCheck
		c.out = strconv.AppendInt(c.out, n, 10)
	case sh.typ == typeBlob:
		raw, escaped := c.s.str()
		if escaped {
			raw = unescape(nil, raw)
		}
		b, _ := decodeBase64(raw) // checked by typeCheck
		c.out = append(c.out, '"')
		c.out = base64.StdEncoding.AppendEncode(c.out, b)
		c.out = append(c.out, '"')
	default:
		c.s.skip()
		c.out = append(c.out, c.s.data[start:c.s.pos]...)
	}
}

// structure writes the members the model names, in model order, each with
// its last non-null value.
func (c *canonical) structure(sh *shape) {
	var offBuf [32]int
	offs := memberOffsets(&c.s, sh, offBuf[:0])
	end := c.s.pos
	c.out = append(c.out, '{')
	n := 0
	for i := range sh.members {
		if offs[i] == 0 {
			continue
		}
		if n > 0 {
			c.out = append(c.out, ',')
		}
		n++
		// Member names are model identifiers: nothing to escape.
		c.out = append(c.out, '"')
		c.out = append(c.out, sh.members[i].name...)
		c.out = append(c.out, '"', ':')
		c.s.pos = offs[i] - 1
		c.value(sh.members[i].target)
	}
	c.out = append(c.out, '}')
	c.s.pos = end
}

// list writes the non-null elements.
func (c *canonical) list(sh *shape) {
	c.out = append(c.out, '[')
	n := 0
	for c.s.nextElem() {
		if c.s.peek() == 'n' {
			c.s.skip()
			continue
		}
		if n > 0 {
			c.out = append(c.out, ',')
		}
		n++
		c.value(sh.elem)
	}
	c.out = append(c.out, ']')
}

// mapEntry is where a map key's last value starts.
type mapEntry struct {
	rawKey []byte // as sent (escaped), for output
	value  int    // offset of the value
}

// mapValue writes each distinct key once with its last value; a key whose
// last value is null is left out. Keys are compared unescaped, as a Java
// map compares them.
func (c *canonical) mapValue(sh *shape) {
	var entries []mapEntry
	index := map[string]int{}
	var scratch []byte
	for {
		raw, escaped, ok := c.s.nextKey()
		if !ok {
			break
		}
		key := raw
		if escaped {
			scratch = unescape(scratch[:0], raw)
			key = scratch
		}
		isNull := c.s.peek() == 'n'
		i, seen := index[string(key)]
		switch {
		case !seen && !isNull:
			index[string(key)] = len(entries)
			entries = append(entries, mapEntry{rawKey: raw, value: c.s.pos})
		case seen:
			entries[i].value = c.s.pos
			if isNull {
				entries[i].value = -1
			}
		}
		c.s.skip()
	}
	end := c.s.pos
	c.out = append(c.out, '{')
	n := 0
	for _, e := range entries {
		if e.value < 0 {
			continue
		}
		if n > 0 {
			c.out = append(c.out, ',')
		}
		n++
		c.out = append(c.out, '"')
		c.out = append(c.out, e.rawKey...)
		c.out = append(c.out, '"', ':')
		c.s.pos = e.value
		c.value(sh.elem)
	}
	c.out = append(c.out, '}')
	c.s.pos = end
}
