package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The development inbox's filters for race-free code reading (purpose,
// since) and its clearing between tests (DELETE /_userpool/messages).

// inboxIDs lists the IDs of the messages a query returns.
func (e *env) inboxIDs(q url.Values) []int64 {
	e.t.Helper()
	ids := []int64{}
	for _, m := range e.inbox(q) {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestDevAPIMessagesByPurposeAndSince(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool(autoVerifyEmail).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	// A second apart on the server's clock, which is all since compares.
	e.mustForgot(poolID, clientID, "alice")
	m1 := e.latestMessage(t, poolID, "alice")
	e.Clock.Advance(time.Second)
	_, err := e.signUp(clientID, "sam", goodPassword, attr("email", "sam@example.com"))
	ok(t, err, "SignUp")
	m2 := e.latestMessage(t, poolID, "sam")
	e.Clock.Advance(time.Second)
	e.mustForgot(poolID, clientID, "alice")
	m3 := e.latestMessage(t, poolID, "alice")
	if m1.Purpose != "FORGOT_PASSWORD" || m2.Purpose != "SIGN_UP" || !m2.CreatedAt.After(m1.CreatedAt) || !m3.CreatedAt.After(m2.CreatedAt) {
		t.Fatalf("messages %+v, %+v, %+v", m1, m2, m3)
	}
	at := func(tm time.Time) string { return tm.Format(time.RFC3339Nano) }
	plus2 := time.FixedZone("", 2*3600)
	for _, c := range []struct {
		name  string
		query url.Values
		want  []int64
	}{
		{"purpose", url.Values{"purpose": {"FORGOT_PASSWORD"}}, []int64{m3.ID, m1.ID}},
		{"purpose and pool", url.Values{"userPoolId": {poolID}, "purpose": {"SIGN_UP"}}, []int64{m2.ID}},
		{"purpose and user", url.Values{"userPoolId": {poolID}, "username": {"alice"}, "purpose": {"SIGN_UP"}}, []int64{}},
		{"since excludes its own instant", url.Values{"since": {at(m1.CreatedAt)}}, []int64{m3.ID, m2.ID}},
		{"since in another zone", url.Values{"since": {at(m2.CreatedAt.In(plus2))}}, []int64{m3.ID}},
		{"since a millisecond before", url.Values{"since": {at(m1.CreatedAt.Add(-time.Millisecond))}}, []int64{m3.ID, m2.ID, m1.ID}},
		{"since the newest", url.Values{"since": {at(m3.CreatedAt)}}, []int64{}},
		{"since and purpose", url.Values{"since": {at(m1.CreatedAt)}, "purpose": {"FORGOT_PASSWORD"}}, []int64{m3.ID}},
		{"since and after", url.Values{"since": {at(m1.CreatedAt.Add(-time.Hour))}, "after": {fmt.Sprint(m2.ID)}}, []int64{m3.ID}},
	} {
		if got := e.inboxIDs(c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s (%s): ids %v, want %v", c.name, c.query.Encode(), got, c.want)
		}
	}
	for _, q := range []string{"purpose=forgot_password", "purpose=RESET", "purpose=", "since=yesterday",
		"since=2025-01-02", "since=2025-01-02T03:04:05", "since=1735787045"} {
		status, body := e.devCall(http.MethodGet, "/_userpool/messages?"+q, "")
		var out map[string]string
		if status != http.StatusBadRequest || json.Unmarshal(body, &out) != nil || out["error"] == "" {
			t.Errorf("GET /_userpool/messages?%s: %d %s, want 400 {\"error\": ...}", q, status, body)
		}
	}
}

// DELETE /_userpool/messages?userPoolId= clears one pool's inbox: its
// finished messages go, its pending ones (still to be delivered) and other
// pools' messages stay.
func TestDevAPIDeleteMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev, withInboxOnly("EMAIL")) // SMS has a channel: pending
	poolA, poolB := aws.ToString(e.pool().Id), aws.ToString(e.pool().Id)
	clientA, clientB := aws.ToString(e.client(poolA).ClientId), aws.ToString(e.client(poolB).ClientId)
	enabledA := aws.ToString(e.client(poolA, enabledClient).ClientId)
	e.confirmedUser(poolA, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	e.confirmedUser(poolA, "bob", goodPassword, verifiedPhone("+15550100")...)
	e.confirmedUser(poolB, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	e.mustForgot(poolA, clientA, "alice")
	_, err := e.forgot(clientA, "bob")
	ok(t, err, "ForgotPassword bob")
	_, err = e.forgot(enabledA, "ghost") // suppressed: USER_NOT_FOUND
	ok(t, err, "ForgotPassword ghost")
	e.mustForgot(poolB, clientB, "alice")
	before := e.inbox(url.Values{"userPoolId": {poolA}})
	if len(before) != 3 || before[1].Status != "pending" || before[0].Status != "suppressed" {
		t.Fatalf("pool A's inbox before clearing: %+v", before)
	}
	pending, other := before[1], e.inboxIDs(url.Values{"userPoolId": {poolB}})

	clear := func(q string, wantStatus int, want string) {
		t.Helper()
		status, body := e.devCall(http.MethodDelete, "/_userpool/messages"+q, "")
		if status != wantStatus || string(body) != want+"\n" {
			t.Fatalf("DELETE /_userpool/messages%s: %d %s, want %d %s", q, status, body, wantStatus, want)
		}
	}
	// Another web origin cannot clear it (a DELETE needs no form, but the
	// dev API refuses foreign origins outright).
	req, err := http.NewRequest(http.MethodDelete, e.URL+"/_userpool/messages?userPoolId="+poolA, nil)
	ok(t, err, "new request")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	ok(t, err, "DELETE from another origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("DELETE from another origin: %d, want 403", resp.StatusCode)
	}
	clear("?userPoolId="+poolA, http.StatusOK, `{"deleted":2}`)
	if got := e.inboxIDs(url.Values{"userPoolId": {poolA}}); fmt.Sprint(got) != fmt.Sprint([]int64{pending.ID}) {
		t.Errorf("pool A after clearing: %v, want only the pending SMS %d", got, pending.ID)
	}
	if got := e.inboxIDs(url.Values{"userPoolId": {poolB}}); fmt.Sprint(got) != fmt.Sprint(other) || len(got) != 1 {
		t.Errorf("pool B after clearing A: %v, want %v", got, other)
	}
	clear("?userPoolId="+poolA, http.StatusOK, `{"deleted":0}`)
	clear("", http.StatusBadRequest, `{"error":"userPoolId is required: the pool whose inbox to clear"}`)
	clear("?userPoolId=", http.StatusBadRequest, `{"error":"userPoolId is required: the pool whose inbox to clear"}`)
	// A new message after clearing is listed as usual, with a higher ID.
	e.mustForgot(poolA, clientA, "alice")
	if n := e.latestMessage(t, poolA, "alice"); n.ID <= before[0].ID {
		t.Errorf("message after clearing has ID %d", n.ID)
	}
}
