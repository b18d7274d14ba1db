package userpool

import "encoding/base64"

// Pagination tokens are opaque to clients: the base64 of the last key
// returned. They carry nothing secret; a forged one only moves the cursor.

func encodePageToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

func decodePageToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) == 0 {
		return "", errPaginationToken
	}
	return string(b), nil
}

// page trims recs (fetched with limit+1) to limit and returns the token for
// the next page, or "" when there is none.
func page[T any](recs []T, limit int, key func(T) string) ([]T, string) {
	if len(recs) <= limit {
		return recs, ""
	}
	recs = recs[:limit]
	return recs, encodePageToken(key(recs[len(recs)-1]))
}
