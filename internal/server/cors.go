package server

import (
	"net"
	"net/http"
	"strings"

	"github.com/userpool/userpool/internal/sigv4"
)

// CORS and the unsigned development mode. Cognito answers every origin
// (browser apps call it cross-origin), and so does this server for the
// public operations. But with --dev and no admin keys the admin operations
// need no signature, and a browser sends a cross-origin call (after a
// preflight it cannot be refused on: the preflight names the X-Amz-Target
// header, not its value) with the visitor's network position: any web page
// could call ListUsers or AdminSetUserPassword on the developer's machine.
// So in that mode an admin call that carries an Origin is refused unless the
// origin was listed with --cors-origins. Calls from outside a browser (the
// AWS CLI, SDKs in tests) send no Origin and are unaffected; with keys the
// signature protects admin calls from any origin, as on AWS.

// unsignedAdminOK decides an admin call in the unsigned mode: refused
// (false) when it comes from a browser origin that was not listed; for a
// listed origin the answer may be read by it.
func (s *Server) unsignedAdminOK(w http.ResponseWriter, r *http.Request) bool {
	origin, sent := origin(r)
	if !sent {
		return true
	}
	h := w.Header()
	if !s.corsOrigins[origin] {
		h.Del("Access-Control-Allow-Origin")
		h.Del("Access-Control-Expose-Headers")
		s.log.Info("unsigned admin call from a browser origin refused; list it with --cors-origins to allow it",
			"request_id", requestID(r), "origin", origin)
		e := sigv4.MissingToken()
		writeErrorStatus(w, e.Status, e.Code, e.Message)
		return false
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	return true
}

// origin returns the request's Origin header and whether one was sent
// ("null", a sandboxed or file: page, counts as sent).
func origin(r *http.Request) (string, bool) {
	v := r.Header.Values("Origin")
	if len(v) == 0 {
		return "", false
	}
	return strings.TrimSpace(v[0]), true
}

// loopbackHost reports whether a Host header names this machine's
// loopback interface: localhost and its subdomains (RFC 6761: browsers
// resolve them to loopback themselves, so DNS cannot rebind them), or a
// loopback IP literal.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "]"), "["), ".")
	host = strings.ToLower(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOrigin reports whether an Origin is a page served from loopback
// (the developer's own app, or the inbox page itself).
func loopbackOrigin(origin string) bool {
	_, rest, ok := strings.Cut(origin, "://")
	return ok && loopbackHost(rest)
}
