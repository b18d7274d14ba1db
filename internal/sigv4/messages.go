package sigv4

import "fmt"

// kind names one failure Verify can report.
type kind int

const (
	errMissingToken kind = iota
	errAlgorithm
	errMissingParam
	errMalformedPair
	errCredentialShape
	errMissingDate
	errBadDate
	errHostNotSigned
	errDateNotSigned
	errHeaderNotSigned
	errScopeService
	errScopeTerminator
	errScopeDate
	errUnknownKey
	errSignature
	errExpired
	errNotYetCurrent
	numKinds
)

// message is one row of the error table: the AWS error code, HTTP status,
// message text (a fmt format) and where the text comes from.
type message struct {
	code   string
	status int
	text   string
	source string // "OBSERVED ..." or "UNVERIFIED ..."
}

const (
	incomplete = "IncompleteSignatureException"
	invalidSig = "InvalidSignatureException"
)

// messages holds every text Verify returns, in one place.
var messages = [numKinds]message{
	errMissingToken: {"MissingAuthenticationTokenException", 403, "Missing Authentication Token",
		"OBSERVED text (docs/cognito-behaviour.md §1.2); status 403 UNVERIFIED (AWS common errors list it as 403)"},
	errAlgorithm: {incomplete, 400, "Unsupported AWS 'algorithm': '%s'. Only AWS4-HMAC-SHA256 is supported.",
		"UNVERIFIED wording"},
	errMissingParam: {incomplete, 400, "Authorization header requires '%s' parameter.",
		"UNVERIFIED, recalled AWS wording"},
	errMalformedPair: {incomplete, 400, "'%s' not a valid key=value pair (missing equal-sign) in Authorization header.",
		"UNVERIFIED, recalled AWS wording"},
	errCredentialShape: {incomplete, 400, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'",
		"UNVERIFIED, recalled AWS wording"},
	errMissingDate: {incomplete, 400, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
		"UNVERIFIED, recalled AWS wording"},
	errBadDate: {incomplete, 400, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
		"UNVERIFIED wording"},
	errHostNotSigned: {incomplete, 400, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
		"UNVERIFIED, recalled AWS wording"},
	errDateNotSigned: {incomplete, 400, "'X-Amz-Date' or 'Date' must be a 'SignedHeader' in the AWS Authorization.",
		"UNVERIFIED wording"},
	errHeaderNotSigned: {incomplete, 400, "'%s' must be a 'SignedHeader' in the AWS Authorization.",
		"UNVERIFIED wording, modelled on the Host text"},
	errScopeService: {invalidSig, 400, "Credential should be scoped to correct service: '%s'. ",
		"UNVERIFIED, recalled AWS wording (trailing space is AWS's)"},
	errScopeTerminator: {invalidSig, 400, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ",
		"UNVERIFIED, recalled AWS wording"},
	errScopeDate: {invalidSig, 400, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
		"UNVERIFIED, recalled AWS wording"},
	errUnknownKey: {"UnrecognizedClientException", 400, "The security token included in the request is invalid.",
		"OBSERVED (docs/cognito-behaviour.md §1.2, [S8q]), status 400 observed"},
	errSignature: {invalidSig, 400, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
		"UNVERIFIED here (text as specified in the brief, matches widely reported AWS output)"},
	errExpired: {invalidSig, 400, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
		"UNVERIFIED here (format as specified in the brief)"},
	errNotYetCurrent: {invalidSig, 400, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
		"UNVERIFIED, recalled AWS wording for future-dated requests"},
}

// newError builds the *Error for k, formatting its text with args.
func newError(k kind, args ...any) *Error {
	m := messages[k]
	text := m.text
	if len(args) > 0 {
		text = fmt.Sprintf(m.text, args...)
	}
	return &Error{Code: m.code, Message: text, Status: m.status}
}

// MissingToken is the error for a call that needed a signature and carried
// none; servers use it where they refuse a call as unsigned on grounds of
// their own (e.g. a cross-origin admin call in an unsigned development mode).
func MissingToken() *Error { return newError(errMissingToken) }
