package hosted

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/userpool/userpool/internal/userpool"
)

// registerOAuth mounts the OAuth 2.0 endpoints that are not pages:
// /oauth2/token, /oauth2/userInfo, /oauth2/revoke. Single-page apps call
// them cross-origin, so they (and only they: the pages must not be
// readable from other origins) allow any origin and answer preflights.
func (h *Handler) registerOAuth() {
	h.route("POST /oauth2/token", h.oauthCORS(h.oauthToken))
	h.route("GET /oauth2/userInfo", h.oauthCORS(h.oauthUserInfo))
	h.route("POST /oauth2/userInfo", h.oauthCORS(h.oauthUserInfo))
	h.route("POST /oauth2/revoke", h.oauthCORS(h.oauthRevoke))
	for _, p := range []string{"/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke"} {
		h.route("OPTIONS "+p, h.oauthCORS(oauthPreflight))
	}
}

// oauthCORS allows any origin, as Cognito's OAuth endpoints do: a browser app
// on any host may redeem its code and call userInfo with its token.
// Credentials (cookies) are not allowed, so "*" is safe.
func (h *Handler) oauthCORS(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fn(w, r)
	}
}

// oauthPreflight answers a CORS preflight: the methods and the two request
// headers the endpoints read.
func oauthPreflight(w http.ResponseWriter, _ *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	hd.Set("Access-Control-Max-Age", "3600")
	w.WriteHeader(http.StatusNoContent)
}

// oauthRequest resolves the domain and reads a form POST; false when the
// domain is unknown (404 written).
func (h *Handler) oauthRequest(w http.ResponseWriter, r *http.Request) (*userpool.OAuthRequest, bool) {
	pool, ok := h.oauthPool(w, r)
	if !ok {
		return nil, false
	}
	req := &userpool.OAuthRequest{PoolID: pool.PoolID, ContentType: r.Header.Get("Content-Type"),
		Authorization: r.Header.Get("Authorization")}
	if err := r.ParseForm(); err == nil {
		req.Form = r.PostForm
	}
	return req, true
}

// oauthPool resolves the request's domain, or writes a 404.
func (h *Handler) oauthPool(w http.ResponseWriter, r *http.Request) (*userpool.HostedPool, bool) {
	pool, err := h.svc.DomainPool(r.Context(), r.PathValue("domain"))
	var ue *userpool.Error
	if errors.As(err, &ue) && ue.Code == userpool.ResourceNotFound {
		http.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.oauthFail(w, r, err)
		return nil, false
	}
	return pool, true
}

func (h *Handler) oauthToken(w http.ResponseWriter, r *http.Request) {
	req, ok := h.oauthRequest(w, r)
	if !ok {
		return
	}
	res, err := h.svc.Token(r.Context(), req)
	if err != nil {
		h.oauthFail(w, r, err)
		return
	}
	oauthJSON(w, http.StatusOK, res)
}

func (h *Handler) oauthUserInfo(w http.ResponseWriter, r *http.Request) {
	pool, ok := h.oauthPool(w, r)
	if !ok {
		return
	}
	claims, err := h.svc.UserInfo(r.Context(), pool.PoolID, r.Header.Get("Authorization"))
	if err != nil {
		h.oauthFail(w, r, err)
		return
	}
	oauthJSON(w, http.StatusOK, claims)
}

func (h *Handler) oauthRevoke(w http.ResponseWriter, r *http.Request) {
	req, ok := h.oauthRequest(w, r)
	if !ok {
		return
	}
	if err := h.svc.OAuthRevoke(r.Context(), req); err != nil {
		h.oauthFail(w, r, err)
		return
	}
	oauthNoStore(w.Header())
	w.WriteHeader(http.StatusOK) // RFC 7009 section 2.2: an empty 200
}

// oauthFail writes an OAuth error as RFC 6749 section 5.2 JSON; a 401 also gets
// RFC 6750's WWW-Authenticate challenge. An internal error is logged (its
// text never holds a secret: the service never puts one in an error) and
// answered server_error.
func (h *Handler) oauthFail(w http.ResponseWriter, r *http.Request, err error) {
	e, internal := userpool.AsOAuthError(err)
	if internal {
		h.log.Error("oauth endpoint failed", "path", r.URL.Path, "error", err)
	}
	body := map[string]string{"error": e.Code}
	if e.Description != "" {
		body["error_description"] = e.Description
	}
	if e.Status == http.StatusUnauthorized {
		challenge := `Bearer error="` + e.Code + `"`
		if e.Description != "" {
			challenge += `, error_description="` + e.Description + `"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	oauthJSON(w, e.Status, body)
}

// oauthJSON answers as Cognito's token endpoint does: JSON in UTF-8,
// never cached (RFC 6749 section 5.1: Cache-Control no-store, Pragma no-cache).
func oauthJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // token responses and string maps always marshal
	hd := w.Header()
	hd.Set("Content-Type", "application/json;charset=UTF-8")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	oauthNoStore(hd)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func oauthNoStore(hd http.Header) {
	hd.Set("Cache-Control", "no-store")
	hd.Set("Pragma", "no-cache")
}
