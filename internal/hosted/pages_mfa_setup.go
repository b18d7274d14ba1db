package hosted

import (
	"net/http"
	"strings"
)

// The authenticator enrolment page of an MFA_SETUP step (Cognito's managed
// login enrols an authenticator app during sign-in when the pool requires
// MFA and the user has none: developer guide, "TOTP software token MFA").
// The page shows AssociateSoftwareToken's secret — as text, grouped for
// typing, and as the otpauth:// key URI (no QR image: the pages run no
// script and load nothing) — and posts the code to /challenge, which
// verifies it (VerifySoftwareToken) and answers MFA_SETUP. The rules are
// userpool.HostedAssociateSoftwareToken's and HostedVerifySoftwareToken's.

const challengeMfaSetup = "MFA_SETUP"

// mfaSetup starts the enrolment for an MFA_SETUP session. A pool that
// offers no authenticator gets the API's refusal as an error page.
func (f *flow) mfaSetup(session string) {
	en, err := f.h.svc.HostedAssociateSoftwareToken(f.r.Context(), f.req.ClientID, session)
	if err != nil {
		f.fail(http.StatusBadRequest, err)
		return
	}
	f.challenge(http.StatusOK, &page{Challenge: challengeMfaSetup, Session: en.Session, Secret: en.SecretCode, KeyURI: en.URI})
}

// mfaSetupPost answers the enrolment page: the code proves the secret,
// then the session VerifySoftwareToken returned answers MFA_SETUP. A wrong
// code shows the page again with the API's message; the session stays
// usable (VerifySoftwareToken uses it up only on success).
func (f *flow) mfaSetupPost(p *page, code string) {
	ctx := f.r.Context()
	session, err := f.h.svc.HostedVerifySoftwareToken(ctx, f.req.ClientID, p.Session, code, "")
	if err != nil {
		f.challenge(http.StatusBadRequest, withError(p, f.message(err)))
		return
	}
	st, err := f.h.svc.HostedRespond(ctx, f.req.ClientID, challengeMfaSetup, session, nil)
	if err != nil {
		// The verify session is used up: this page cannot be retried,
		// the user signs in again (and now has an authenticator).
		f.fail(http.StatusBadRequest, err)
		return
	}
	f.step(st)
}

// SecretGroups is the secret in groups of four characters, for typing it
// into an app.
func (p *page) SecretGroups() string {
	var b strings.Builder
	for i, r := range p.Secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
