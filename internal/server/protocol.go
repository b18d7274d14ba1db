// Package server is userpool's HTTP edge: the AWS JSON 1.1 wire protocol
// (spec §1), operation routing, the well-known token endpoints, and the one
// place where errors become HTTP responses.
package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/userpool/userpool/internal/apimodel"
	"github.com/userpool/userpool/internal/userpool"
)

const (
	targetPrefix = "AWSCognitoIdentityProviderService."
	jsonType     = "application/x-amz-json-1.1"
)

// Framework-level exceptions, produced by the protocol layer itself rather
// than by an operation (Coral names, spec §1.4).
const (
	serializationException    = "SerializationException"
	unknownOperationException = "UnknownOperationException"
	requestTooLargeException  = "RequestEntityTooLargeException"
	requestTimeoutException   = "RequestTimeoutException"
)

// statusOf is the one status table (spec §1.4): Cognito answers every
// modelled client error with 400, including TooManyRequestsException (the
// live service returns 400 although the model says 429); WAF blocks are 403,
// service faults 500, an oversized body 413 and a body that did not arrive
// in time 408.
func statusOf(code string) int {
	switch code {
	case userpool.InternalError:
		return http.StatusInternalServerError
	case userpool.ForbiddenException:
		return http.StatusForbidden
	case requestTooLargeException:
		return http.StatusRequestEntityTooLarge
	case requestTimeoutException:
		return http.StatusRequestTimeout
	}
	return http.StatusBadRequest
}

// Messages the protocol layer writes; operation messages live in
// userpool/errors.go.
const (
	msgInternal        = "An internal error occurred."            // UNVERIFIED wording
	msgTooManyRequests = "Too many requests"                      // spec §1.4 (OBS)
	msgMalformedJSON   = "Could not parse request body into json" // as apimodel; UNVERIFIED
	msgBodyTooLarge    = "Request body is larger than the server's limit of %d bytes."
	msgBodyTimeout     = "Request body was not received in time." // not an AWS text: AWS's front end has its own limits
	msgNotImplementedF = "userpool does not implement %s."
)

// errorBody is the AWS JSON 1.1 error document. SerializationException keeps
// the Coral framework's capitalised "Message" member (spec §1.4, OBS);
// Cognito's own exceptions use "message".
func errorBody(code, message string) []byte {
	key := "message"
	if code == serializationException {
		key = "Message"
	}
	// Written by hand to keep Cognito's member order: __type first.
	b := append([]byte(`{"__type":`), quote(code)...)
	if message != "" {
		b = append(b, `,"`+key+`":`...)
		b = append(b, quote(message)...)
	}
	return append(b, '}')
}

func quote(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// writeError writes an error response: body, x-amzn-ErrorType with its
// trailing colon, x-amzn-ErrorMessage, and the status from statusOf. It and
// writeErrorStatus are the only writers of error responses.
func writeError(w http.ResponseWriter, code, message string) {
	writeErrorStatus(w, statusOf(code), code, message)
}

// writeErrorStatus is writeError with a status decided elsewhere (the
// SigV4 errors carry their own, from internal/sigv4's table).
func writeErrorStatus(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", jsonType)
	h.Set("x-amzn-ErrorType", code+":")
	if message != "" {
		h.Set("x-amzn-ErrorMessage", headerSafe(message))
	}
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(code, message))
}

// headerSafe drops characters that cannot appear in a header value.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// writeResult writes a 200 response with the operation's output.
func writeResult(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", jsonType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// classify turns a decode, validation or operation error into the code and
// message to send; ok is false for unexpected errors (which the caller logs).
func classify(err error) (code, message string, ok bool) {
	var ue *userpool.Error
	var se *apimodel.SerializationError
	var ve *apimodel.ValidationError
	switch {
	case errors.As(err, &ue):
		return ue.Code, ue.Message, true
	case errors.As(err, &ve):
		// Cognito reports model-constraint violations as
		// InvalidParameterException, not ValidationException (spec §1.5).
		return userpool.InvalidParameter, ve.Error(), true
	case errors.As(err, &se):
		return serializationException, se.Message, true
	}
	return userpool.InternalError, msgInternal, false
}
