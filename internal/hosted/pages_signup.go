package hosted

import (
	"net/http"
	"strings"

	"github.com/userpool/userpool/internal/userpool"
)

// The self-service pages: /signup, /confirmUser (with "Resend code"),
// /forgotPassword and /confirmForgotPassword. Each calls the very API
// operation an app would — SignUp, ConfirmSignUp, ResendConfirmationCode,
// ForgotPassword, ConfirmForgotPassword — with the SECRET_HASH an SDK
// would send for a confidential client, so every rule (password policy,
// PreventUserExistenceErrors' simulated answers, triggers, limits) and
// every message is the API's.

// usernameField sets the label and input type of the username: the pool's
// username attribute when it has one (email or phone number).
func (f *flow) usernameField(p *page) *page {
	p.UsernameLabel, p.UsernameType = "Username", "text"
	form, err := f.h.svc.HostedSignUpForm(f.r.Context(), f.req.ClientID)
	if err == nil {
		switch form.UsernameAttribute {
		case "email":
			p.UsernameLabel, p.UsernameType = "Email", "email"
		case "phone_number":
			p.UsernameLabel, p.UsernameType = "Phone number", "tel"
		}
	}
	return p
}

// secretHash is the SECRET_HASH of username for the flow's client.
func (f *flow) secretHash(username string) (string, bool) {
	h, err := f.h.svc.HostedSecretHash(f.r.Context(), f.req.ClientID, username)
	if err != nil {
		f.fail(http.StatusInternalServerError, err)
		return "", false
	}
	return h, true
}

// beginNamed begins a POST of a page that names a user (confirm, resend,
// forgot, confirm forgot): the trimmed username and the SECRET_HASH the
// API operation needs for it.
func (h *Handler) beginNamed(w http.ResponseWriter, r *http.Request) (f *flow, name, hash string, ok bool) {
	if f, ok = h.begin(w, r); !ok {
		return nil, "", "", false
	}
	name = strings.TrimSpace(r.PostFormValue("username"))
	hash, ok = f.secretHash(name)
	return f, name, hash, ok
}

func (h *Handler) signupPage(w http.ResponseWriter, r *http.Request) {
	if f, ok := h.begin(w, r); ok {
		f.signup(http.StatusOK, "", nil)
	}
}

// signup renders /signup; values refills the form after a refusal.
func (f *flow) signup(status int, errText string, values map[string]string) {
	p := f.usernameField(&page{Title: "Sign up", Error: errText, Username: values["username"]})
	if form, err := f.h.svc.HostedSignUpForm(f.r.Context(), f.req.ClientID); err == nil {
		for _, n := range form.Required {
			p.Attributes = append(p.Attributes, field{Name: n, Label: attributeLabel(n), Value: values["attr_"+n]})
		}
	}
	f.render(status, "signup", p)
}

func (h *Handler) signupPost(w http.ResponseWriter, r *http.Request) {
	f, ok := h.begin(w, r)
	if !ok {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("username"))
	values := map[string]string{"username": name}
	in := &userpool.SignUpInput{ClientId: f.req.ClientID, Username: name, Password: r.PostFormValue("password")}
	if form, err := h.svc.HostedSignUpForm(r.Context(), f.req.ClientID); err == nil {
		for _, n := range form.Required {
			v := strings.TrimSpace(r.PostFormValue("attr_" + n))
			values["attr_"+n] = v
			in.UserAttributes = append(in.UserAttributes, userpool.AttributeType{Name: n, Value: v})
		}
	}
	var okHash bool
	if in.SecretHash, okHash = f.secretHash(name); !okHash {
		return
	}
	out, err := h.svc.SignUp(r.Context(), in)
	switch {
	case err != nil:
		f.signup(http.StatusBadRequest, f.message(err), values)
	case out.UserConfirmed:
		f.login(http.StatusOK, "", "Your account is ready. Sign in.", name)
	default:
		f.confirmUser(http.StatusOK, "", name, out.CodeDeliveryDetails)
	}
}

// confirmUser renders /confirmUser for username.
func (f *flow) confirmUser(status int, errText, username string, d *userpool.CodeDeliveryDetailsType) {
	p := &page{Title: "Confirm your account", Error: errText, Username: username}
	if d != nil {
		p.Destination = d.Destination
	}
	f.render(status, "confirm_user", p)
}

func (h *Handler) confirmUserPage(w http.ResponseWriter, r *http.Request) {
	if f, ok := h.begin(w, r); ok {
		f.confirmUser(http.StatusOK, "", r.URL.Query().Get("username"), nil)
	}
}

func (h *Handler) confirmUserPost(w http.ResponseWriter, r *http.Request) {
	f, name, hash, ok := h.beginNamed(w, r)
	if !ok {
		return
	}
	_, err := h.svc.ConfirmSignUp(r.Context(), &userpool.ConfirmSignUpInput{ClientId: f.req.ClientID, SecretHash: hash,
		Username: name, ConfirmationCode: strings.TrimSpace(r.PostFormValue("code"))})
	if err != nil {
		f.confirmUser(http.StatusBadRequest, f.message(err), name, nil)
		return
	}
	f.login(http.StatusOK, "", "Your account is confirmed. Sign in.", name)
}

// resendPost is the confirmation page's "Resend code" button.
func (h *Handler) resendPost(w http.ResponseWriter, r *http.Request) {
	f, name, hash, ok := h.beginNamed(w, r)
	if !ok {
		return
	}
	out, err := h.svc.ResendConfirmationCode(r.Context(), &userpool.ResendConfirmationCodeInput{ClientId: f.req.ClientID,
		SecretHash: hash, Username: name})
	if err != nil {
		f.confirmUser(http.StatusBadRequest, f.message(err), name, nil)
		return
	}
	f.confirmUser(http.StatusOK, "", name, out.CodeDeliveryDetails)
}

func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) {
	if f, ok := h.begin(w, r); ok {
		f.render(http.StatusOK, "forgot", f.usernameField(&page{Title: "Forgot your password?"}))
	}
}

// forgotPost sends the reset code. Under PreventUserExistenceErrors=ENABLED
// ForgotPassword answers an unknown name as if it were known (a simulated
// delivery), so this page answers both the same way.
func (h *Handler) forgotPost(w http.ResponseWriter, r *http.Request) {
	f, name, hash, ok := h.beginNamed(w, r)
	if !ok {
		return
	}
	out, err := h.svc.ForgotPassword(r.Context(), &userpool.ForgotPasswordInput{ClientId: f.req.ClientID,
		SecretHash: hash, Username: name})
	if err != nil {
		p := f.usernameField(&page{Title: "Forgot your password?", Error: f.message(err), Username: name})
		f.render(http.StatusBadRequest, "forgot", p)
		return
	}
	p := &page{Title: "Reset your password", Username: name}
	if out.CodeDeliveryDetails != nil {
		p.Destination = out.CodeDeliveryDetails.Destination
	}
	f.render(http.StatusOK, "confirm_forgot", p)
}

func (h *Handler) confirmForgotPost(w http.ResponseWriter, r *http.Request) {
	f, name, hash, ok := h.beginNamed(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Reset your password", Username: name, Destination: r.PostFormValue("destination")}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		f.render(http.StatusBadRequest, "confirm_forgot", withError(p, userpool.ErrHostedPasswordsDiffer.Message))
		return
	}
	_, err := h.svc.ConfirmForgotPassword(r.Context(), &userpool.ConfirmForgotPasswordInput{ClientId: f.req.ClientID,
		SecretHash: hash, Username: name, ConfirmationCode: strings.TrimSpace(r.PostFormValue("code")), Password: pw})
	if err != nil {
		f.render(http.StatusBadRequest, "confirm_forgot", withError(p, f.message(err)))
		return
	}
	f.login(http.StatusOK, "", "Your password has been changed. Sign in.", name)
}
