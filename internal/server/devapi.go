package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

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
func registerDevAPI(mux *http.ServeMux, svc *userpool.Service, clock *userpool.DevClock) {
	mux.HandleFunc("GET /_userpool/messages", func(w http.ResponseWriter, r *http.Request) { listMessages(svc, w, r) })
	mux.HandleFunc("GET /_userpool/inbox", serveInbox)
	mux.HandleFunc("GET /_userpool/clock", func(w http.ResponseWriter, r *http.Request) { writeClock(w, clock) })
	mux.HandleFunc("POST /_userpool/clock", func(w http.ResponseWriter, r *http.Request) { moveClock(clock, w, r) })
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
// &destination=&limit=&after=&wait=: newest first; with wait (seconds) it
// blocks until a message newer than after matches.
func listMessages(svc *userpool.Service, w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := userpool.InboxFilter{UserPoolId: q.Get("userPoolId"), Username: q.Get("username"), Destination: q.Get("destination")}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), 100); err != nil || f.Limit < 1 || f.Limit > 1000 {
		devError(w, http.StatusBadRequest, "limit must be a whole number from 1 to 1000")
		return
	}
	after, err := intParam(q.Get("after"), 0)
	if err != nil || after < 0 {
		devError(w, http.StatusBadRequest, "after must be a message id")
		return
	}
	f.After = int64(after)
	wait, err := strconv.ParseFloat(defaultStr(q.Get("wait"), "0"), 64)
	if err != nil || wait < 0 {
		devError(w, http.StatusBadRequest, "wait must be a number of seconds")
		return
	}
	msgs, err := svc.Inbox(r.Context(), f, min(time.Duration(wait*float64(time.Second)), maxWait))
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

// moveClock serves POST /_userpool/clock with {"advanceSeconds": N} (N >= 0;
// time never runs backwards, so issued codes stay consistent) or
// {"reset": true}.
func moveClock(clock *userpool.DevClock, w http.ResponseWriter, r *http.Request) {
	var req struct {
		AdvanceSeconds *float64 `json:"advanceSeconds"`
		Reset          bool     `json:"reset"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		devError(w, http.StatusBadRequest, "want {\"advanceSeconds\": N} or {\"reset\": true}: %v", err)
		return
	}
	switch {
	case req.Reset && req.AdvanceSeconds == nil:
		clock.Reset()
	case !req.Reset && req.AdvanceSeconds != nil && *req.AdvanceSeconds >= 0 && *req.AdvanceSeconds <= 10*365*86400:
		clock.Advance(time.Duration(*req.AdvanceSeconds * float64(time.Second)))
	default:
		devError(w, http.StatusBadRequest, "want {\"advanceSeconds\": N} with 0 <= N <= 315360000, or {\"reset\": true}")
		return
	}
	writeClock(w, clock)
}
