// Package hosted serves a pool domain's hosted endpoints — the OAuth 2.0 /
// OpenID Connect endpoints (/oauth2/authorize, /oauth2/token,
// /oauth2/userInfo, /oauth2/revoke, /logout) and the hosted pages (/login,
// /signup, /confirmUser, /forgotPassword, /confirmForgotPassword and the
// challenge pages) — as Cognito's managed login does at
// https://<prefix>.auth.<region>.amazoncognito.com.
//
// Locally every domain is served on the API's own listener under a path
// prefix: /_domain/<domain>/oauth2/authorize and so on, where <domain> is
// the prefix given to CreateUserPoolDomain (or a custom domain name). The
// scheme needs no DNS, no /etc/hosts entry and no wildcard certificate, and
// works the same for a browser, curl and an OIDC library that reads the
// discovery document (which advertises these URLs).
//
// This package holds no Cognito rule: every page and endpoint calls the
// same userpool.Service methods as the AWS JSON API (limits, ENABLED
// answers, triggers and password-policy messages included).
package hosted

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/userpool/userpool/internal/userpool"
)

// PathPrefix is where the hosted domains are mounted on the listener.
const PathPrefix = "/_domain/"

// Config holds what the hosted endpoints need.
type Config struct {
	Service *userpool.Service
	Log     *slog.Logger
}

// Handler serves /_domain/<domain>/….
type Handler struct {
	svc *userpool.Service
	log *slog.Logger
	mux *http.ServeMux
}

// New builds the handler.
func New(cfg Config) *Handler {
	h := &Handler{svc: cfg.Service, log: cfg.Log, mux: http.NewServeMux()}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.registerOAuth()
	h.registerPages()
	return h
}

// ServeHTTP routes a request under PathPrefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// route registers pattern ("GET /oauth2/token") under the domain prefix,
// with the domain as the path value "domain".
func (h *Handler) route(pattern string, fn http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	h.mux.HandleFunc(method+" "+PathPrefix+"{domain}"+path, fn)
}
