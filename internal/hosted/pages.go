package hosted

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/userpool/userpool/internal/userpool"
)

// The hosted pages: server-rendered html/template pages with no script,
// following Cognito's classic hosted UI ("Login endpoint"): /login,
// /signup, /confirmUser, /forgotPassword, /confirmForgotPassword, the
// challenge pages (new password, MFA code, MFA choice, authenticator
// enrolment) and /error. Every
// form carries the /oauth2/authorize parameters, so each path ends with
// the redirect to the app.

//go:embed templates/*.html templates/hosted.css
var templateFS embed.FS

var (
	stylesheet = template.CSS(mustRead("templates/hosted.css"))
	pageNames  = []string{"login", "signup", "confirm_user", "forgot", "confirm_forgot", "new_password",
		"mfa_code", "select_mfa", "mfa_setup", "error"}
	pageTemplates = parsePages()
)

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func parsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, n := range pageNames {
		out[n] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html"))
	}
	return out
}

// registerPages mounts /oauth2/authorize, /login, /logout and the hosted
// pages.
func (h *Handler) registerPages() {
	h.route("GET /oauth2/authorize", h.authorize)
	h.route("GET /logout", h.logout)
	h.route("GET /error", h.errorPage)
	h.route("GET /login", h.loginPage)
	h.route("POST /login", h.loginPost)
	h.route("POST /challenge", h.challengePost)
	h.route("GET /signup", h.signupPage)
	h.route("POST /signup", h.signupPost)
	h.route("GET /confirmUser", h.confirmUserPage)
	h.route("POST /confirmUser", h.confirmUserPost)
	h.route("POST /resendCode", h.resendPost)
	h.route("GET /forgotPassword", h.forgotPage)
	h.route("POST /forgotPassword", h.forgotPost)
	h.route("POST /confirmForgotPassword", h.confirmForgotPost)
}

// oauthParams are the /oauth2/authorize parameters every page carries.
var oauthParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "identity_provider", "prompt"}

// flow is one page request: its domain and pool, the validated authorize
// request it serves and what the page needs to render.
type flow struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	pool   *userpool.HostedPool
	req    *userpool.AuthorizeRequest
	oauth  url.Values
	nonce  string
	secret string // the browser's CSRF cookie value
}

// base is the domain's path prefix, /_domain/<domain>.
func (f *flow) base() string { return PathPrefix + f.pool.Domain }

// begin starts a page request: the domain must exist (404), a POST must
// carry the browser's CSRF token (403, nothing done), and the OAuth
// parameters must pass ParseAuthorize (refusals shown or redirected as
// /oauth2/authorize does). ok false means the answer was written.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request) (*flow, bool) {
	f, ok := h.open(w, r)
	if !ok {
		return nil, false
	}
	pool := f.pool
	if r.Method == http.MethodPost && !h.csrfValid(r, pool.Domain) {
		f.render(http.StatusForbidden, "error", &page{Title: "Forbidden", Error: userpool.ErrHostedForbidden.Message})
		return nil, false
	}
	src := r.URL.Query()
	if r.Method == http.MethodPost {
		src = r.PostForm
	}
	f.oauth = url.Values{}
	for _, k := range oauthParams {
		if v := src.Get(k); v != "" {
			f.oauth.Set(k, v)
		}
	}
	req, err := h.svc.ParseAuthorize(r.Context(), pool.Domain, f.oauth)
	if err != nil {
		f.refuse(err)
		return nil, false
	}
	f.req = req
	f.nonce = securityHeaders(w, originOf(req.RedirectURI))
	return f, true
}

// open starts any request of a domain: security headers, the domain's
// pool (an unknown domain is a 404 page) and the browser's CSRF cookie.
func (h *Handler) open(w http.ResponseWriter, r *http.Request) (*flow, bool) {
	f := &flow{h: h, w: w, r: r, nonce: securityHeaders(w, ""), oauth: url.Values{}}
	pool, err := h.svc.DomainPool(r.Context(), r.PathValue("domain"))
	if err != nil {
		f.pool = &userpool.HostedPool{Domain: r.PathValue("domain")}
		var e *userpool.Error
		status := http.StatusInternalServerError
		if errors.As(err, &e) {
			status = http.StatusNotFound
		}
		f.fail(status, err)
		return nil, false
	}
	f.pool = pool
	f.secret = ensureCSRF(w, r, pool.Domain)
	return f, true
}

// fail shows an error page for err: a Cognito error's own message, else
// the generic text (the cause logged, never shown).
func (f *flow) fail(status int, err error) {
	f.render(status, "error", &page{Title: "Error", Error: f.message(err)})
}

// message is what a page shows for err.
func (f *flow) message(err error) string {
	var e *userpool.Error
	if errors.As(err, &e) {
		return e.Message
	}
	f.h.log.Error("hosted page", "path", f.r.URL.Path, "err", err)
	return userpool.ErrHostedInternal.Message
}

// render executes page name into the response with status.
func (f *flow) render(status int, name string, p *page) {
	p.Nonce, p.CSS, p.Pool = f.nonce, stylesheet, f.pool.PoolName
	p.base, p.oauth = f.base(), f.oauth
	if f.secret != "" {
		p.CSRF = f.h.svc.HostedFormToken(f.pool.Domain, f.secret)
	}
	for _, k := range oauthParams {
		if v := f.oauth.Get(k); v != "" {
			p.Hidden = append(p.Hidden, field{Name: k, Value: v})
		}
	}
	var buf bytes.Buffer
	if err := pageTemplates[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		f.h.log.Error("hosted template", "page", name, "err", err)
		http.Error(f.w, userpool.ErrHostedInternal.Message, http.StatusInternalServerError)
		return
	}
	f.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	f.w.WriteHeader(status)
	_, _ = f.w.Write(buf.Bytes())
}

// field is a name and value: a hidden input, a labelled attribute input.
type field struct {
	Name, Value, Label string
}

// page is what a template renders.
type page struct {
	Nonce, Pool, CSRF, Title, Error, Info string
	CSS                                   template.CSS
	Hidden                                []field

	Username, UsernameLabel, UsernameType string
	Attributes                            []field
	Challenge, Session, Destination       string
	Choices                               []field
	Secret, KeyURI                        string // MFA_SETUP's authenticator key

	base  string
	oauth url.Values
}

// Action is the path a form on this domain posts to.
func (p *page) Action(path string) string { return p.base + "/" + path }

// Link is a page of this domain with the OAuth parameters (and extra
// name/value pairs) in its query.
func (p *page) Link(path string, extra ...string) template.URL {
	q := url.Values{}
	for k, v := range p.oauth {
		q[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	// Built from url.Values.Encode under our own path: nothing to escape.
	return template.URL(p.base + "/" + path + "?" + q.Encode())
}
