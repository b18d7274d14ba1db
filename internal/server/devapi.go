package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/sigv4"
	"github.com/userpool/userpool/internal/userpool"
)

// maxWait caps an inbox long poll below the server's write timeout.
const maxWait = 50 * time.Second

// registerDevAPI mounts the development API mounted under /_userpool/ with --dev: the
// message inbox (codes without scraping a mailbox, user-asks rows 1–6) and
// the movable clock (expiry and limit windows in milliseconds, row 8). It is
// not AWS-shaped: plain JSON, {"error": "..."} on a bad request.
//
// Routes are exact patterns: a /_userpool/ prefix would overlap the
// /{pool}/.well-known/ routes.
func (s *Server) registerDevAPI(svc *userpool.Service, clock *userpool.DevClock) {
	handle := func(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, s.devGuard(h)) }
	handle("GET /_userpool/messages", func(w http.ResponseWriter, r *http.Request) { listMessages(svc, w, r) })
	handle("DELETE /_userpool/messages", func(w http.ResponseWriter, r *http.Request) { clearMessages(svc, w, r) })
	handle("GET /_userpool/clock", func(w http.ResponseWriter, r *http.Request) { writeClock(w, clock) })
	handle("POST /_userpool/clock", func(w http.ResponseWriter, r *http.Request) { moveClock(clock, w, r) })
	// The page holds no data (it fetches the messages with the key the
	// user gives it), so it needs no key itself.
	s.mux.HandleFunc("GET /_userpool/inbox", serveInbox)
}

// devGuard admits a development API request. Its codes give the same power
// as AdminSetUserPassword, so:
//   - with --dev-listen-public every call needs an admin key, as a SigV4
//     signature or "Authorization: Bearer AKID:SECRET";
//   - on loopback (no key needed) the request must be addressed to a
//     loopback name — a page that rebinds its own name to 127.0.0.1 (DNS
//     rebinding) arrives with its own Host — and a browser call must come
//     from a loopback page or a --cors-origins one (a cross-site form post
//     needs no preflight).
func (s *Server) devGuard(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch o, sent := origin(r); {
		case s.devPublic:
			if !s.devKeyOK(r) {
				devError(w, http.StatusForbidden, "the development API needs an admin key: a SigV4 signature or Authorization: Bearer AKID:SECRET")
				return
			}
		case !loopbackHost(r.Host):
			devError(w, http.StatusForbidden, "the development API answers only requests to localhost, 127.0.0.1 or [::1] "+
				"(to reach it from elsewhere, start with --dev-listen-public and admin keys)")
			return
		case sent && !loopbackOrigin(o) && !s.corsOrigins[o]:
			devError(w, http.StatusForbidden, "the development API does not answer pages from other origins")
			return
		}
		next(w, r)
	}
}

// devKeyOK checks a development API request's admin key.
func (s *Server) devKeyOK(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(auth, "Bearer "); ok {
		id, secret, ok := strings.Cut(token, ":")
		want, known := s.iam.keys[id]
		// Compared in constant time; an unknown ID is compared too, so the
		// time taken does not tell which IDs exist.
		return subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 && ok && known
	}
	if auth == "" || len(s.iam.keys) == 0 {
		return false
	}
	_, err := sigv4.Verify(r, bodyOf(r), s.iam.now(), signingName, s.iam.lookup)
	return err == nil
}

func devJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func devError(w http.ResponseWriter, status int, format string, args ...any) {
	devJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// listMessages serves GET /_userpool/messages?userPoolId=&username=
// &destination=&purpose=&limit=&after=&since=&wait=: newest first; with
// wait (seconds) it blocks until a message matches (inboxQuery).
func listMessages(svc *userpool.Service, w http.ResponseWriter, r *http.Request) {
	f, wait, problem := inboxQuery(r.URL.Query())
	if problem != "" {
		devError(w, http.StatusBadRequest, "%s", problem)
		return
	}
	msgs, err := svc.Inbox(r.Context(), f, wait)
	if err != nil {
		if ue, ok := err.(*userpool.Error); ok {
			devError(w, http.StatusNotFound, "%s", ue.Message)
			return
		}
		devError(w, http.StatusInternalServerError, "listing messages failed")
		return
	}
	devJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func intParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

func defaultStr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func writeClock(w http.ResponseWriter, clock *userpool.DevClock) {
	devJSON(w, http.StatusOK, map[string]any{"now": clock.Now().UTC(), "offsetSeconds": clock.Offset().Seconds()})
}

// moveClock serves POST /_userpool/clock with {"advanceSeconds": N} (N >= 0),
// {"set": "<RFC 3339>"} (not before real time) or {"reset": true}. Moving
// back clamps the state stamped after the new time (userpool/devclock.go),
// so a reset or a set back leaves no lockout or code lifetime from the
// span the clock was ahead.
func moveClock(clock *userpool.DevClock, w http.ResponseWriter, r *http.Request) {
	var req struct {
		AdvanceSeconds *float64 `json:"advanceSeconds"`
		Set            *string  `json:"set"`
		Reset          bool     `json:"reset"`
	}
	const want = `want {"advanceSeconds": N} with 0 <= N <= 315360000, {"set": "<RFC 3339 time from now to 10 years ahead>"} or {"reset": true}`
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		devError(w, http.StatusBadRequest, "%s: %v", want, err)
		return
	}
	var err error
	switch n := req.AdvanceSeconds; {
	case req.Reset && n == nil && req.Set == nil:
		err = clock.ReturnToRealTime(r.Context())
	case !req.Reset && n != nil && req.Set == nil && *n >= 0 && *n <= 10*365*86400:
		clock.Advance(time.Duration(*n * float64(time.Second)))
	case !req.Reset && n == nil && req.Set != nil:
		t, perr := time.Parse(time.RFC3339Nano, *req.Set)
		if perr != nil || t.After(time.Now().AddDate(10, 0, 0)) {
			devError(w, http.StatusBadRequest, "%s", want)
			return
		}
		if err = clock.Set(r.Context(), t); errors.Is(err, userpool.ErrClockBeforeRealTime) {
			devError(w, http.StatusBadRequest, "%v", err)
			return
		}
	default:
		devError(w, http.StatusBadRequest, "%s", want)
		return
	}
	if err != nil {
		devError(w, http.StatusInternalServerError, "the clock moved, but clamping the state stamped after it failed: %v", err)
		return
	}
	writeClock(w, clock)
}
