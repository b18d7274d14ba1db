package hosted

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// Browser-facing protections of the hosted pages. The pages run no
// script at all, so the Content-Security-Policy allows none: the only
// inline content is the stylesheet, admitted by a nonce fresh in every
// response. Forms may post to the domain itself and, because a sign-in's
// POST answers with a redirect to the app (browsers apply form-action to
// the redirects a form submission follows), to the origin of the
// request's registered redirect URI.

// Cookie names: the CSRF secret of the browser and the hosted session
// (Cognito's own is named "cognito"; ours are ours).
const (
	csrfCookie    = "userpool_csrf"
	sessionCookie = "userpool_session"
	csrfField     = "_csrf"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return b
}

func randomString(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }

// securityHeaders sets the headers every page and redirect carries and
// returns the response's style nonce. formOrigin, when not "", is added
// to form-action.
func securityHeaders(w http.ResponseWriter, formOrigin string) string {
	nonce := randomString(18)
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp(nonce, formOrigin))
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	return nonce
}

func csp(nonce, formOrigin string) string {
	action := "'self'"
	if formOrigin != "" {
		action += " " + formOrigin
	}
	return "default-src 'none'; style-src 'nonce-" + nonce + "'; form-action " + action +
		"; frame-ancestors 'none'; base-uri 'none'"
}

// originOf is the CSP source for a redirect URI: scheme://host[:port], or
// "scheme:" for an app scheme (myapp://callback). A URI that is not a
// plain source yields "" (the form then posts to 'self' only).
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return ""
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return u.Scheme + ":"
	}
	if u.Host == "" || strings.ContainsAny(u.Host, " ;,'") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// cookie builds a hosted cookie: HttpOnly, SameSite=Lax (the session must
// ride the top-level navigation from the app to /oauth2/authorize), scoped
// to the domain's path, Secure over TLS.
func cookie(r *http.Request, domain, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: PathPrefix + domain + "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil}
}

// ensureCSRF returns the browser's CSRF cookie value, setting a new one
// when it has none.
func ensureCSRF(w http.ResponseWriter, r *http.Request, domain string) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 16 {
		return c.Value
	}
	v := randomString(24)
	http.SetCookie(w, cookie(r, domain, csrfCookie, v, 0))
	return v
}

// csrfValid checks a POST's token against the browser's cookie.
func (h *Handler) csrfValid(r *http.Request, domain string) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	given := r.PostFormValue(csrfField)
	return given != "" && hmac.Equal([]byte(given), []byte(h.svc.HostedFormToken(domain, c.Value)))
}
