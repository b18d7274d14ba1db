package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The development API (/_userpool/...): the message inbox and the clock.
// It exists only with --dev, and the codes it shows never leak into the
// AWS-shaped API.

func TestDevAPIOnlyWithDev(t *testing.T) {
	t.Parallel()
	for _, dev := range []bool{false, true} {
		opts := []func(*envConfig){}
		if dev {
			opts = append(opts, withDev)
		}
		e := newEnv(t, opts...)
		for _, r := range []struct{ method, path, body string }{
			{http.MethodGet, "/_userpool/messages", ""},
			{http.MethodDelete, "/_userpool/messages?userPoolId=us-east-1_none", ""},
			{http.MethodGet, "/_userpool/clock", ""},
			{http.MethodPost, "/_userpool/clock", `{"advanceSeconds":0}`},
		} {
			status, body := e.devCall(r.method, r.path, r.body)
			if want := map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[dev]; status != want {
				t.Errorf("dev=%v %s %s: %d %s, want %d", dev, r.method, r.path, status, body, want)
			}
		}
	}
}

func TestDevAPIMessageFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	alias := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
	}).Id)
	plain := aws.ToString(e.pool().Id)
	aliasClient, plainClient := aws.ToString(e.client(alias).ClientId), aws.ToString(e.client(plain).ClientId)
	e.confirmedUser(alias, "alice", goodPassword, verifiedEmail("alice-a@example.com")...)
	e.confirmedUser(alias, "bob", goodPassword, verifiedEmail("bob@example.com")...)
	e.confirmedUser(plain, "alice", goodPassword, verifiedEmail("alice-b@example.com")...)

	send := func(pool, client, user string) inboxMsg {
		_, err := e.forgot(client, user)
		ok(t, err, "ForgotPassword")
		return e.latestMessage(t, pool, user)
	}
	m1 := send(alias, aliasClient, "alice")
	m2 := send(alias, aliasClient, "bob")
	m3 := send(plain, plainClient, "alice")
	m4 := send(alias, aliasClient, "alice")
	if !(m1.ID < m2.ID && m2.ID < m3.ID && m3.ID < m4.ID) {
		t.Fatalf("ids not increasing: %d %d %d %d", m1.ID, m2.ID, m3.ID, m4.ID)
	}
	ids := func(msgs []inboxMsg) []int64 {
		out := []int64{}
		for _, m := range msgs {
			out = append(out, m.ID)
		}
		return out
	}
	cases := []struct {
		name  string
		query url.Values
		want  []inboxMsg
	}{
		{"pool and username by alias", url.Values{"userPoolId": {alias}, "username": {"alice-a@example.com"}}, []inboxMsg{m4, m1}},
		{"pool and username", url.Values{"userPoolId": {alias}, "username": {"alice"}}, []inboxMsg{m4, m1}},
		{"pool", url.Values{"userPoolId": {alias}}, []inboxMsg{m4, m2, m1}},
		{"other pool", url.Values{"userPoolId": {plain}}, []inboxMsg{m3}},
		{"destination", url.Values{"destination": {"alice-b@example.com"}}, []inboxMsg{m3}},
		{"everything, newest first", url.Values{}, []inboxMsg{m4, m3, m2, m1}},
		{"limit", url.Values{"userPoolId": {alias}, "limit": {"1"}}, []inboxMsg{m4}},
		{"after", url.Values{"userPoolId": {alias}, "after": {fmt.Sprint(m1.ID)}}, []inboxMsg{m4, m2}},
		{"after the newest", url.Values{"after": {fmt.Sprint(m4.ID)}}, nil},
	}
	for _, c := range cases {
		got := e.inbox(c.query)
		if fmt.Sprint(ids(got)) != fmt.Sprint(ids(c.want)) {
			t.Errorf("%s: ids %v, want %v", c.name, ids(got), ids(c.want))
			continue
		}
		for i, m := range got {
			if m != c.want[i] {
				t.Errorf("%s: message %+v, want %+v", c.name, m, c.want[i])
			}
		}
	}
	if m1.UserPoolID != alias || m1.Username != "alice" || m1.Destination != "alice-a@example.com" || m3.UserPoolID != plain ||
		m1.CreatedAt.IsZero() || m4.CreatedAt.Before(m1.CreatedAt) {
		t.Errorf("messages %+v, %+v", m1, m3)
	}
}

// wait long-polls: a GET that starts before the message is written returns
// as soon as it is, well before the wait is over.
func TestDevAPIMessagesWait(t *testing.T) {
	t.Parallel()
	events := make(chan string, 100)
	e, poolID, clientID := recoverySetup(t, withLogEvents(events))
	type result struct {
		status  int
		msgs    []inboxMsg
		elapsed time.Duration
		err     error
	}
	done := make(chan result, 1)
	q := url.Values{"userPoolId": {poolID}, "username": {"alice"}, "wait": {"5"}}
	start := time.Now()
	go func() {
		r := result{}
		resp, err := http.Get(e.URL + "/_userpool/messages?" + q.Encode())
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var out struct {
			Messages []inboxMsg `json:"messages"`
		}
		r.status, r.err = resp.StatusCode, json.NewDecoder(resp.Body).Decode(&out)
		r.msgs, r.elapsed = out.Messages, time.Since(start)
		done <- r
	}()
	waitFor(t, events, "inbox long poll waiting")
	_, err := e.forgot(clientID, "alice")
	ok(t, err, "ForgotPassword")
	r := <-done
	ok(t, r.err, "long poll")
	if r.status != http.StatusOK || len(r.msgs) != 1 || !sixDigits.MatchString(r.msgs[0].Code) {
		t.Fatalf("long poll: %d %+v", r.status, r.msgs)
	}
	if r.elapsed > 3*time.Second {
		t.Fatalf("long poll returned after %v, want soon after the message", r.elapsed)
	}

	// Nothing newer: it waits the whole time and returns an empty list.
	start = time.Now()
	msgs := e.inbox(url.Values{"userPoolId": {poolID}, "after": {fmt.Sprint(r.msgs[0].ID)}, "wait": {"0.4"}})
	if elapsed := time.Since(start); len(msgs) != 0 || elapsed < 400*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("empty long poll: %d messages after %v", len(msgs), elapsed)
	}
}

func TestDevAPIBadParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	for _, r := range []struct{ method, path, body string }{
		{http.MethodGet, "/_userpool/messages?limit=0", ""},
		{http.MethodGet, "/_userpool/messages?limit=1001", ""},
		{http.MethodGet, "/_userpool/messages?limit=ten", ""},
		{http.MethodGet, "/_userpool/messages?after=-1", ""},
		{http.MethodGet, "/_userpool/messages?after=x", ""},
		{http.MethodGet, "/_userpool/messages?wait=-1", ""},
		{http.MethodGet, "/_userpool/messages?wait=soon", ""},
		{http.MethodPost, "/_userpool/clock", `{"advanceSeconds":-1}`},
		{http.MethodPost, "/_userpool/clock", `{"advanceSeconds":60,"reset":true}`},
		{http.MethodPost, "/_userpool/clock", `{"advance":60}`},
		{http.MethodPost, "/_userpool/clock", `{"advanceSeconds":"60"}`},
		{http.MethodPost, "/_userpool/clock", `{}`},
		{http.MethodPost, "/_userpool/clock", `{"reset":false}`},
		{http.MethodPost, "/_userpool/clock", `advance`},
	} {
		status, body := e.devCall(r.method, r.path, r.body)
		var out map[string]any
		err := json.Unmarshal(body, &out)
		if msg, _ := out["error"].(string); status != http.StatusBadRequest || err != nil || msg == "" {
			t.Errorf("%s %s %s: %d %s, want 400 {\"error\": ...}", r.method, r.path, r.body, status, body)
		}
	}
	if off := e.Clock.Offset(); off != 0 {
		t.Fatalf("refused requests moved the clock by %v", off)
	}
}

// The clock moves codes towards expiry; reset returns to real time.
func TestDevAPIClock(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	type clock struct {
		Now           time.Time `json:"now"`
		OffsetSeconds float64   `json:"offsetSeconds"`
	}
	call := func(method, body string) clock {
		status, b := e.devCall(method, "/_userpool/clock", body)
		var c clock
		if status != http.StatusOK || json.Unmarshal(b, &c) != nil {
			t.Fatalf("%s /_userpool/clock %s: %d %s", method, body, status, b)
		}
		return c
	}
	if c := call(http.MethodGet, ""); c.OffsetSeconds != 0 || time.Since(c.Now).Abs() > 5*time.Second {
		t.Fatalf("initial clock %+v", c)
	}
	code := e.mustForgot(poolID, clientID, "alice")
	c := call(http.MethodPost, `{"advanceSeconds":3601}`)
	if c.OffsetSeconds != 3601 || c.Now.Sub(time.Now()) < time.Hour || e.Clock.Offset() != 3601*time.Second {
		t.Fatalf("after advancing: %+v, offset %v", c, e.Clock.Offset())
	}
	wantAPIError(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "ExpiredCodeException", msgExpiredCode)

	c = call(http.MethodPost, `{"reset":true}`)
	if c.OffsetSeconds != 0 || time.Since(c.Now).Abs() > 5*time.Second || e.Clock.Offset() != 0 {
		t.Fatalf("after reset: %+v", c)
	}
	code = e.mustForgot(poolID, clientID, "alice")
	ok(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "ConfirmForgotPassword in real time")
}

// No AWS-shaped response, body or header, carries a code: codes reach
// test authors only through the development inbox.
func TestAWSResponsesNeverCarryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool(autoVerifyEmail).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	const ct = "application/x-amz-json-1.1"
	check := func(what string, resp *http.Response, code string) {
		t.Helper()
		b, err := io.ReadAll(resp.Body)
		ok(t, err, "read "+what)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", what, resp.StatusCode, b)
		}
		if !sixDigits.MatchString(code) {
			t.Fatalf("%s: no code in the inbox (%q)", what, code)
		}
		if strings.Contains(string(b), code) {
			t.Errorf("%s: body %s contains the code %s", what, b, code)
		}
		for k, vs := range resp.Header {
			for _, v := range vs {
				if strings.Contains(v, code) {
					t.Errorf("%s: header %s: %s contains the code %s", what, k, v, code)
				}
			}
		}
	}
	resp := e.raw("AWSCognitoIdentityProviderService.ForgotPassword", ct, `{"ClientId":"`+clientID+`","Username":"alice"}`)
	check("ForgotPassword", resp, e.latestCode(t, poolID, "alice"))
	resp = e.raw("AWSCognitoIdentityProviderService.SignUp", ct, `{"ClientId":"`+clientID+`","Username":"sam","Password":"`+goodPassword+
		`","UserAttributes":[{"Name":"email","Value":"sam@example.com"}]}`)
	check("SignUp", resp, e.latestCode(t, poolID, "sam"))
	resp = e.raw("AWSCognitoIdentityProviderService.ResendConfirmationCode", ct, `{"ClientId":"`+clientID+`","Username":"sam"}`)
	check("ResendConfirmationCode", resp, e.latestCode(t, poolID, "sam"))
	resp = e.raw("AWSCognitoIdentityProviderService.AdminResetUserPassword", ct, `{"UserPoolId":"`+poolID+`","Username":"alice"}`)
	check("AdminResetUserPassword", resp, e.latestCode(t, poolID, "alice"))
}

// TestDevAPIIsNotCrossOrigin: a web page on another origin must not be able
// to read codes from a developer's local --dev server: no CORS header, and
// the data calls are refused outright (the page itself holds no data).
func TestDevAPIIsNotCrossOrigin(t *testing.T) {
	e := newEnv(t, withDev)
	want := map[string]int{"/_userpool/messages": 403, "/_userpool/inbox": 200, "/_userpool/clock": 403}
	for _, path := range []string{"/_userpool/messages", "/_userpool/inbox", "/_userpool/clock"} {
		req, _ := http.NewRequest(http.MethodGet, e.URL+path, nil)
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want[path] || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: status %d, Access-Control-Allow-Origin %q; want %d and none", path, resp.StatusCode,
				resp.Header.Get("Access-Control-Allow-Origin"), want[path])
		}
	}
}

// waitFor returns once the service logged msg (withLogEvents).
func waitFor(t *testing.T, events <-chan string, msg string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-events:
			if m == msg {
				return
			}
		case <-timeout:
			t.Fatalf("the service never logged %q", msg)
		}
	}
}
