package hosted

import (
	"errors"
	"maps"
	"net/http"
	"net/url"

	"github.com/userpool/userpool/internal/userpool"
)

// authorize serves GET /oauth2/authorize (Cognito developer guide,
// "Authorize endpoint"): a request ParseAuthorize refuses is shown or sent
// back; a browser whose hosted session is valid for the pool gets its
// answer at once (Cognito's session cookie) unless prompt=login; any other
// goes to /login with the same parameters, or with prompt=none back to the
// app with login_required.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	f, ok := h.begin(w, r)
	if !ok {
		return
	}
	// prompt=login asks for the password whatever the session says.
	if c, err := r.Cookie(sessionCookie); err == nil && !f.req.ForcesLogin() {
		in, err := h.svc.OpenHostedSession(r.Context(), f.pool.PoolID, c.Value)
		var e *userpool.Error
		switch {
		case err == nil:
			f.complete(in, false)
			return
		case !errors.As(err, &e):
			f.fail(http.StatusInternalServerError, err)
			return
		}
	}
	if f.req.Silent() {
		http.Redirect(w, r, userpool.LoginRequiredURL(f.req), http.StatusFound)
		return
	}
	// The sign-in page serves the request without the prompt: it has
	// been applied.
	q := maps.Clone(f.oauth)
	q.Del("prompt")
	http.Redirect(w, r, f.base()+"/login?"+q.Encode(), http.StatusFound)
}

// complete ends a sign-in for the flow's authorize request: the session
// cookie (renewed when fresh is set), then the redirect to the app with
// the code or the tokens.
func (f *flow) complete(in *userpool.SignedIn, fresh bool) {
	if fresh {
		http.SetCookie(f.w, cookie(f.r, f.pool.Domain, sessionCookie, f.h.svc.SealHostedSession(in), 3600))
	}
	target, err := f.h.svc.CompleteAuthorize(f.r.Context(), f.req, in)
	if err != nil {
		f.fail(http.StatusInternalServerError, err)
		return
	}
	http.Redirect(f.w, f.r, target, http.StatusFound)
}

// refuse answers a ParseAuthorize refusal: a redirectable one goes back to
// the app, an untrusted one to this domain's /error page (Cognito's
// /error?error=redirect_mismatch), never to the unverified URI.
func (f *flow) refuse(err error) {
	var ae *userpool.AuthorizeError
	switch {
	case errors.As(err, &ae) && ae.Redirect:
		http.Redirect(f.w, f.r, userpool.AuthorizeErrorURL(ae), http.StatusFound)
	case errors.As(err, &ae):
		http.Redirect(f.w, f.r, f.base()+"/error?"+url.Values{"error": {ae.Code}}.Encode(), http.StatusFound)
	default:
		f.fail(http.StatusInternalServerError, err)
	}
}

// logout serves GET /logout (Cognito developer guide, "Logout endpoint"):
// with client_id and a logout_uri listed in the client's LogoutURLs it
// ends the hosted session and goes there; with client_id, redirect_uri and
// response_type it ends the session and shows /login for that request;
// anything else is an error page — never a redirect to an unlisted URL.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	f, ok := h.open(w, r)
	if !ok {
		return
	}
	uri, req, err := h.svc.ParseLogout(r.Context(), f.pool.Domain, r.URL.Query())
	if err != nil {
		f.refuse(err)
		return
	}
	http.SetCookie(w, cookie(r, f.pool.Domain, sessionCookie, "", -1))
	if req == nil {
		http.Redirect(w, r, uri, http.StatusFound)
		return
	}
	q := url.Values{}
	for _, k := range oauthParams {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	http.Redirect(w, r, f.base()+"/login?"+q.Encode(), http.StatusFound)
}

// errorPage serves GET /error?error=<code>: the text shown is ours for
// that code, never the query's (no content injection).
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request) {
	f, ok := h.open(w, r)
	if !ok {
		return
	}
	f.render(http.StatusBadRequest, "error", &page{Title: "An error was encountered",
		Error: userpool.OAuthErrorText(r.URL.Query().Get("error"))})
}
