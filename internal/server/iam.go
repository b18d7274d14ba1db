package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/userpool/userpool/internal/sigv4"
)

// signingName is the SigV4 service name of Cognito user pools (spec §1.1).
const signingName = "cognito-idp"

// iam authenticates the operations Cognito authorises with IAM: every
// operation the model does not mark as unauthenticated (spec §1.2). The
// public ones (ForgotPassword, InitiateAuth, ...) never reach it: Cognito
// does not evaluate IAM for them, and SDKs may send them unsigned.
type iam struct {
	keys     map[string]string // access key ID → secret access key
	unsigned bool              // accept admin calls without a signature
	now      func() time.Time
}

// lookup is the sigv4.Lookup over the configured keys.
func (a *iam) lookup(id string) (string, bool) {
	secret, ok := a.keys[id]
	return secret, ok
}

// open reports whether admin calls are accepted without a signature.
func (a *iam) open() bool { return len(a.keys) == 0 && a.unsigned }

// check verifies r's signature over body. Configured keys always win: a
// server with keys verifies every admin call even in development. Without
// keys and without AllowUnsigned every admin call is refused, so a
// zero-value Config is closed, not open.
func (a *iam) check(r *http.Request, body []byte) *sigv4.Error {
	if a.open() {
		return nil
	}
	// The wall clock, never the development clock: moving codes forward in
	// time must not expire every signature.
	_, verr := sigv4.Verify(r, body, a.now(), signingName, a.lookup, "x-amz-target", "content-type")
	if verr == nil {
		return nil
	}
	var e *sigv4.Error
	if !errors.As(verr, &e) { // Verify documents only *sigv4.Error; never let anything else through
		e = &sigv4.Error{Code: "InvalidSignatureException", Message: verr.Error(), Status: http.StatusBadRequest}
	}
	return e
}
