package hosted

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/userpool/userpool/internal/userpool"
)

// The sign-in pages: /login (username and password), then the challenge
// pages the sign-in may ask for — a new password (NEW_PASSWORD_REQUIRED),
// an MFA code (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA), the choice of a
// factor (SELECT_MFA_TYPE) or an authenticator's enrolment (MFA_SETUP,
// below) — all posting to /challenge with the session the previous step
// returned. The rules are userpool.HostedSignIn's and
// HostedRespond's; the texts shown are the API's messages.

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if f, ok := h.begin(w, r); ok {
		f.login(http.StatusOK, "", "", r.URL.Query().Get("username"))
	}
}

// login renders /login with an error or an information line.
func (f *flow) login(status int, errText, info, username string) {
	f.render(status, "login", f.usernameField(&page{Title: "Sign in", Error: errText, Info: info, Username: username}))
}

func (h *Handler) loginPost(w http.ResponseWriter, r *http.Request) {
	f, ok := h.begin(w, r)
	if !ok {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("username"))
	step, err := h.svc.HostedSignIn(r.Context(), f.req.ClientID, name, r.PostFormValue("password"))
	var e *userpool.Error
	switch {
	case errors.As(err, &e) && e.Code == userpool.UserNotConfirmed:
		// The password was right: the classic hosted UI then asks for
		// the sign-up code.
		f.render(http.StatusBadRequest, "confirm_user", &page{Title: "Confirm your account", Error: e.Message, Username: name})
	case err != nil:
		f.login(http.StatusBadRequest, f.message(err), "", name)
	default:
		f.step(step)
	}
}

// step shows the next step of a sign-in: the redirect to the app once
// signed in, else the challenge's page.
func (f *flow) step(st *userpool.HostedStep) {
	if st.SignedIn != nil {
		f.complete(st.SignedIn, true)
		return
	}
	if st.ChallengeName == challengeMfaSetup {
		f.mfaSetup(st.Session)
		return
	}
	p := &page{Challenge: st.ChallengeName, Session: st.Session}
	params := st.ChallengeParameters
	switch st.ChallengeName {
	case "NEW_PASSWORD_REQUIRED":
		var names []string
		_ = json.Unmarshal([]byte(params["requiredAttributes"]), &names) // absent or malformed: none
		p.Attributes = requiredFields(names)
	case "SELECT_MFA_TYPE":
		var names []string
		_ = json.Unmarshal([]byte(params["MFAS_CAN_CHOOSE"]), &names)
		p.Choices = choiceFields(names)
	default:
		p.Destination = params["CODE_DELIVERY_DESTINATION"]
	}
	f.challenge(http.StatusOK, p)
}

// challenge renders the page of p.Challenge.
func (f *flow) challenge(status int, p *page) {
	switch p.Challenge {
	case "NEW_PASSWORD_REQUIRED":
		p.Title = "Change password"
		f.render(status, "new_password", p)
	case "SELECT_MFA_TYPE":
		p.Title = "Choose how to verify"
		f.render(status, "select_mfa", p)
	case "SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA":
		p.Title = "Enter your code"
		f.render(status, "mfa_code", p)
	case challengeMfaSetup:
		p.Title = "Set up an authenticator app"
		f.render(status, "mfa_setup", p)
	default:
		// A challenge the pages do not answer (CUSTOM_CHALLENGE, ...),
		// or a form naming one: the refusal's message, else ours.
		msg := p.Error
		if msg == "" {
			msg = userpool.ErrHostedChallenge.Message
		}
		f.render(http.StatusBadRequest, "error", &page{Title: "Error", Error: msg})
	}
}

// codeResponse names the ChallengeResponses member of each code challenge.
var codeResponse = map[string]string{"SMS_MFA": "SMS_MFA_CODE", "EMAIL_OTP": "EMAIL_OTP_CODE",
	"SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE"}

// challengePost answers a challenge page. A refusal shows the same page
// again with the message (the session stays usable until it expires).
func (h *Handler) challengePost(w http.ResponseWriter, r *http.Request) {
	f, ok := h.begin(w, r)
	if !ok {
		return
	}
	// What the page showed travels back with the form, for a re-render;
	// only display depends on it (the session decides what is accepted).
	p := &page{Challenge: r.PostFormValue("challenge"), Session: r.PostFormValue("session"),
		Destination: r.PostFormValue("destination"), Secret: r.PostFormValue("secret"), KeyURI: r.PostFormValue("key_uri"),
		Attributes: requiredFields(strings.Fields(r.PostFormValue("required"))),
		Choices:    choiceFields(strings.Fields(r.PostFormValue("choices")))}
	answers := map[string]string{}
	switch p.Challenge {
	case "NEW_PASSWORD_REQUIRED":
		if r.PostFormValue("password") != r.PostFormValue("password2") {
			f.challenge(http.StatusBadRequest, withError(p, userpool.ErrHostedPasswordsDiffer.Message))
			return
		}
		answers["NEW_PASSWORD"] = r.PostFormValue("password")
		for i, a := range p.Attributes {
			p.Attributes[i].Value = r.PostFormValue("attr_" + a.Name)
			answers["userAttributes."+a.Name] = p.Attributes[i].Value
		}
	case "SELECT_MFA_TYPE":
		answers["ANSWER"] = r.PostFormValue("answer")
	case challengeMfaSetup:
		f.mfaSetupPost(p, strings.TrimSpace(r.PostFormValue("code")))
		return
	default:
		answers[codeResponse[p.Challenge]] = strings.TrimSpace(r.PostFormValue("code"))
	}
	st, err := h.svc.HostedRespond(r.Context(), f.req.ClientID, p.Challenge, p.Session, answers)
	if err != nil {
		f.challenge(http.StatusBadRequest, withError(p, f.message(err)))
		return
	}
	f.step(st)
}

func withError(p *page, msg string) *page {
	p.Error = msg
	return p
}

// requiredFields are the inputs of the attributes a new password must come
// with.
func requiredFields(names []string) []field {
	var out []field
	for _, n := range names {
		n = strings.TrimPrefix(n, "userAttributes.")
		out = append(out, field{Name: n, Label: attributeLabel(n)})
	}
	return out
}

// choiceFields are the radio buttons of SELECT_MFA_TYPE.
func choiceFields(names []string) []field {
	labels := map[string]string{"SMS_MFA": "Text message (SMS)", "EMAIL_OTP": "Email",
		"SOFTWARE_TOKEN_MFA": "Authenticator app"}
	var out []field
	for _, n := range names {
		if l, ok := labels[n]; ok {
			out = append(out, field{Name: n, Label: l})
		}
	}
	return out
}

// attributeLabel is the label of an attribute input: its name, readable.
func attributeLabel(name string) string {
	name = strings.TrimPrefix(name, "custom:")
	name = strings.ReplaceAll(name, "_", " ")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

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
