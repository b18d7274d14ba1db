package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/userpool"
)

// inboxQuery reads GET /_userpool/messages' parameters, or says what is
// wrong with them. after (a message ID) and since (an RFC 3339 time on the
// server's clock, which the development API may have moved) both select
// newer messages; a client that must not see an old code records the
// newest ID before acting and passes it as after: IDs grow with every
// message whatever the clock does, so no clock skew or clock move between
// the client and the server can make an old message look new.
func inboxQuery(q url.Values) (f userpool.InboxFilter, wait time.Duration, problem string) {
	f = userpool.InboxFilter{UserPoolId: q.Get("userPoolId"), Username: q.Get("username"), Destination: q.Get("destination")}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), 100); err != nil || f.Limit < 1 || f.Limit > 1000 {
		return f, 0, "limit must be a whole number from 1 to 1000"
	}
	after, err := intParam(q.Get("after"), 0)
	if err != nil || after < 0 {
		return f, 0, "after must be a message id"
	}
	f.After = int64(after)
	if v, ok := q["purpose"]; ok {
		if f.Purpose = v[0]; !slices.Contains(userpool.MessagePurposes(), f.Purpose) {
			return f, 0, "purpose must be one of " + strings.Join(userpool.MessagePurposes(), ", ")
		}
	}
	if v := q.Get("since"); v != "" {
		if f.Since, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return f, 0, "since must be an RFC 3339 time, e.g. 2025-01-02T03:04:05Z"
		}
	}
	secs, err := strconv.ParseFloat(defaultStr(q.Get("wait"), "0"), 64)
	if err != nil || secs < 0 {
		return f, 0, "wait must be a number of seconds"
	}
	return f, min(time.Duration(secs*float64(time.Second)), maxWait), ""
}

// clearMessages serves DELETE /_userpool/messages?userPoolId=: it clears
// one pool's inbox between tests and answers {"deleted": N}. Messages still
// pending delivery stay (userpool.Service.ClearInbox says why). The pool is
// required, so no call empties every pool's inbox by mistake.
func clearMessages(svc *userpool.Service, w http.ResponseWriter, r *http.Request) {
	poolID := r.URL.Query().Get("userPoolId")
	if poolID == "" {
		devError(w, http.StatusBadRequest, "userPoolId is required: the pool whose inbox to clear")
		return
	}
	n, err := svc.ClearInbox(r.Context(), poolID)
	if err != nil {
		devError(w, http.StatusInternalServerError, "clearing messages failed")
		return
	}
	devJSON(w, http.StatusOK, map[string]int64{"deleted": n})
}
