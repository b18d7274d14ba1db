// Client strings in BYTEA columns.

package postgres

// PostgreSQL's text types cannot hold NUL (U+0000), which a Go string, and
// so a client's attribute value or a Lambda's message text, can. The
// columns that hold such strings are BYTEA holding the string's bytes
// (0003_nul_safe_text.sql); these two helpers cross that boundary, so every
// string comes back byte for byte as it was given.

// bin is s as a BYTEA parameter. It is never nil: pgx sends a nil []byte
// as NULL.
func bin(s string) []byte {
	return append([]byte{}, s...)
}

// binStrings is bin for every element of ss (a BYTEA[] parameter).
func binStrings(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = bin(s)
	}
	return out
}

// textOf is a scan target that stores a BYTEA column into *s.
type textOf struct{ s *string }

// ScanBytes implements pgtype.BytesScanner. v is only valid during the
// call; string(v) copies it.
func (t textOf) ScanBytes(v []byte) error {
	*t.s = string(v)
	return nil
}
