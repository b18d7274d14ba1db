// Package sigv4 verifies AWS Signature Version 4 (header form,
// AWS4-HMAC-SHA256) on requests to the AWS JSON 1.1 API.
//
// Verify is a pure function: the caller passes the body bytes it already
// read, the current time and a credential lookup; nothing global is read.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
	// MaxSkew is how far X-Amz-Date may lie from now, either way.
	MaxSkew = 15 * time.Minute
	// amzTimeFormat is AWS's yyyyMMdd'T'HHmmss'Z'.
	amzTimeFormat = "20060102T150405Z"
	amzDateFormat = "20060102"
)

// Lookup returns the secret access key for an access key ID.
type Lookup func(accessKeyID string) (secret string, ok bool)

// Error is an authentication failure carrying AWS's error code, message
// and HTTP status.
type Error struct {
	Code    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// authorization is the parsed Authorization header.
type authorization struct {
	accessKeyID   string
	date          string // yyyyMMdd from the credential scope
	region        string
	service       string
	term          string
	signedHeaders []string
	signature     string
}

// Verify checks the SigV4 Authorization header of r against body (the exact
// request body bytes), now, and the secret returned by lookup. service is the
// signing name the credential scope must carry (e.g. "cognito-idp"). The
// region in the scope is not checked: a self-hosted server accepts whatever
// region its clients are configured with. On success it returns the access
// key ID; every failure is an *Error.
//
// required names further headers (lower case) that must be among the
// signed ones: for the AWS JSON protocol x-amz-target and content-type, so
// that a captured signature cannot be replayed as another operation.
func Verify(r *http.Request, body []byte, now time.Time, service string, lookup Lookup, required ...string) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 || strings.TrimSpace(values[0]) == "" {
		return "", newError(errMissingToken)
	}
	if len(values) > 1 {
		return "", newError(errMalformedPair, "Authorization")
	}
	auth, err := parseAuthorization(values[0])
	if err != nil {
		return "", err
	}

	signed := make(map[string]bool, len(auth.signedHeaders))
	for _, h := range auth.signedHeaders {
		signed[h] = true
	}
	if !signed["host"] {
		return "", newError(errHostNotSigned)
	}
	for _, h := range required {
		if !signed[h] {
			return "", newError(errHeaderNotSigned, http.CanonicalHeaderKey(h))
		}
	}
	reqTime, err := requestTime(r, signed)
	if err != nil {
		return "", err
	}
	amzDate := reqTime.Format(amzTimeFormat)

	if auth.service != service {
		return "", newError(errScopeService, service)
	}
	if auth.term != terminator {
		return "", newError(errScopeTerminator, auth.term)
	}
	if d := reqTime.Format(amzDateFormat); auth.date != d {
		return "", newError(errScopeDate, auth.date, d, amzDate)
	}

	secret, ok := lookup(auth.accessKeyID)
	if !ok {
		return "", newError(errUnknownKey)
	}

	now = now.UTC()
	if earliest := now.Add(-MaxSkew); reqTime.Before(earliest) {
		return "", newError(errExpired, amzDate, earliest.Format(amzTimeFormat), now.Format(amzTimeFormat))
	}
	if latest := now.Add(MaxSkew); reqTime.After(latest) {
		return "", newError(errNotYetCurrent, amzDate, latest.Format(amzTimeFormat), now.Format(amzTimeFormat))
	}

	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && claimed != bodyHash {
		return "", newError(errSignature)
	}

	scope := auth.date + "/" + auth.region + "/" + auth.service + "/" + terminator
	creq := canonicalRequest(r, auth.signedHeaders, bodyHash)
	creqSum := sha256.Sum256([]byte(creq))
	stringToSign := algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(creqSum[:])

	key := hmacSHA256([]byte("AWS4"+secret), auth.date)
	key = hmacSHA256(key, auth.region)
	key = hmacSHA256(key, auth.service)
	key = hmacSHA256(key, terminator)
	want := hex.EncodeToString(hmacSHA256(key, stringToSign))

	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return "", newError(errSignature)
	}
	return auth.accessKeyID, nil
}

// parseAuthorization splits "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func parseAuthorization(v string) (*authorization, error) {
	v = strings.TrimSpace(v)
	alg, rest, _ := strings.Cut(v, " ")
	if alg != algorithm {
		return nil, newError(errAlgorithm, alg)
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, newError(errMalformedPair, part)
		}
		k = strings.TrimSpace(k)
		if _, dup := params[k]; dup {
			return nil, newError(errMalformedPair, part)
		}
		params[k] = strings.TrimSpace(val)
	}
	for _, name := range []string{"Credential", "SignedHeaders", "Signature"} {
		if params[name] == "" {
			return nil, newError(errMissingParam, name)
		}
	}
	cred := strings.Split(params["Credential"], "/")
	if len(cred) != 5 || cred[0] == "" {
		return nil, newError(errCredentialShape, params["Credential"])
	}
	a := &authorization{
		accessKeyID:   cred[0],
		date:          cred[1],
		region:        cred[2],
		service:       cred[3],
		term:          cred[4],
		signedHeaders: strings.Split(params["SignedHeaders"], ";"),
		signature:     params["Signature"],
	}
	for _, h := range a.signedHeaders {
		if h == "" || h != strings.ToLower(h) {
			return nil, newError(errMalformedPair, "SignedHeaders="+params["SignedHeaders"])
		}
	}
	return a, nil
}

// requestTime reads X-Amz-Date (or, failing that, Date) and checks that the
// header it came from is signed.
func requestTime(r *http.Request, signed map[string]bool) (time.Time, error) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(amzTimeFormat, v)
		if err != nil {
			return time.Time{}, newError(errBadDate)
		}
		if !signed["x-amz-date"] {
			return time.Time{}, newError(errDateNotSigned)
		}
		return t.UTC(), nil
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return time.Time{}, newError(errBadDate)
		}
		if !signed["date"] {
			return time.Time{}, newError(errDateNotSigned)
		}
		return t.UTC(), nil
	}
	return time.Time{}, newError(errMissingDate)
}

// canonicalRequest builds the SigV4 canonical request.
func canonicalRequest(r *http.Request, signedHeaders []string, bodyHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL))
	b.WriteByte('\n')
	for _, h := range signedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(bodyHash)
	return b.String()
}

// canonicalURI URI-encodes the (already escaped) path once more, as AWS
// does for every service but S3.
func canonicalURI(u *url.URL) string {
	if u == nil {
		return "/"
	}
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, true)
}

// canonicalQuery sorts the query parameters by name, then value, and encodes
// both per AWS rules.
func canonicalQuery(u *url.URL) string {
	if u == nil || u.RawQuery == "" {
		return ""
	}
	q, _ := url.ParseQuery(u.RawQuery) // malformed pairs are dropped, as the SDK does
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, uriEncode(k, false)+"="+uriEncode(v, false))
		}
	}
	return strings.Join(parts, "&")
}

// headerValue returns the canonical value of the lower-case header name h.
func headerValue(r *http.Request, h string) string {
	var vals []string
	switch h {
	case "host":
		host := r.Host
		if host == "" && r.URL != nil {
			host = r.URL.Host
		}
		vals = []string{host}
	default:
		vals = r.Header.Values(http.CanonicalHeaderKey(h))
		if len(vals) == 0 && h == "content-length" && r.ContentLength > 0 {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	}
	out := make([]string, len(vals)) // never modify r.Header in place
	for i, v := range vals {
		out[i] = trimAll(v)
	}
	return strings.Join(out, ",")
}

// trimAll trims the value and collapses runs of spaces to one.
func trimAll(v string) string {
	v = strings.Trim(v, " \t")
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// uriEncode percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (and '/'
// when keepSlash), with upper-case hex, as SigV4 requires.
func uriEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
