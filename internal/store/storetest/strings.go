package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// textSamples hold every class of code point a client can send in a JSON
// string (valid UTF-8 only: encoding/json turns anything else into U+FFFD
// before it reaches the store), as well as texts that look like an escape
// of some layer (SQL, bytea, JSON, printf) and strings at the model's length
// limits. Attribute values have no pattern in Cognito's model, only a
// length, so every one of them is a valid attribute value.
var textSamples = []string{
	"",
	"\x00", "a\x00b", "a\x00c", "\x00\x00trailing\x00",
	"\x01\x02\a\b\t\n\v\f\r\x0e\x1b\x1f",                  // C0 controls
	"\x7f",                                                // DEL
	"\u0080\u0085\u009f",                                  // C1 controls
	"\u00a0\u2028\u2029",                                  // no-break space, line and paragraph separators
	"😀", "👨\u200d👩\u200d👧\u200d👦", "\U0001d11e\U0010fffd", // non-BMP, ZWJ sequence
	"e\u0301", "\u0301\u0308leading marks", // combining marks
	"\ufeffBOM", "\uffff\ufffe\ufffd", // BOM, noncharacters, replacement character
	"\u202eright-to-left\u202c", "שלום", "مرحبا",
	`\x00 \u0000 \\ \N "double" 'single' %s %00 $1 ?`, // escapes as literal text
	" leading and trailing spaces ",
	strings.Repeat("é", 2048), strings.Repeat("😀", 1024), strings.Repeat("\x00", 2048),
	strings.Repeat("mixed \x00\u0085😀e\u0301\ufeff ", 1000), // a long message body
}

// nameSamples are the text samples without NUL: what a pattern-checked
// name (username, pool or client name) can hold.
func nameSamples() []string {
	var out []string
	for _, v := range textSamples {
		if v != "" && !strings.Contains(v, "\x00") {
			out = append(out, v)
		}
	}
	return out
}

var stringTests = []testCase{
	{"UserAttributesAndKeys", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		u := newUser("p1", "alice")
		other := newUser("p1", "bob")
		for i, v := range textSamples {
			u.Attributes = append(u.Attributes, store.Attribute{Name: fmt.Sprintf("custom:%d%s", i, v), Value: v})
			u.Keys = append(u.Keys, key(fmt.Sprintf("k%d", i), v))
			// A value that only differs after a NUL is another key.
			other.Keys = append(other.Keys, key(fmt.Sprintf("k%d", i), v+"\x00"))
		}
		must(t, s.CreateUser(ctx, u), "CreateUser")
		must(t, s.CreateUser(ctx, other), "CreateUser other")
		lookup(t, ctx, s, u)
		lookup(t, ctx, s, other)
		slices.Reverse(u.Attributes)
		u.Keys = u.Keys[:2]
		for i, v := range textSamples {
			u.Keys = append(u.Keys, key(fmt.Sprintf("updated%d", i), v))
		}
		must(t, s.UpdateUser(ctx, u), "UpdateUser")
		lookup(t, ctx, s, u)
		users, err := s.ListUsers(ctx, "p1", "", 10)
		must(t, err, "ListUsers")
		sameList(t, userView, users, []*store.User{u, other}, "ListUsers")
	}},
	{"Names", func(t *testing.T, ctx context.Context, s store.Store) {
		var usernames []string
		for i, v := range nameSamples() {
			p := newPool(fmt.Sprintf("p%02d%s", i, v))
			p.Name = v
			p.Config = []byte(v + "\x00\xff\xfe invalid UTF-8 is still bytes")
			must(t, s.CreatePool(ctx, p), "CreatePool")
			got, err := s.GetPool(ctx, p.ID)
			must(t, err, "GetPool")
			same(t, poolView, got, p, "GetPool")
			c := newClient(p.ID, "c"+p.ID)
			c.Name, c.Config = v, p.Config
			must(t, s.CreateClient(ctx, c), "CreateClient")
			gotc, err := s.GetClient(ctx, c.ID)
			must(t, err, "GetClient")
			same(t, clientView, gotc, c, "GetClient")
			u := createUser(t, ctx, s, "p00"+nameSamples()[0], v)
			lookup(t, ctx, s, u)
			usernames = append(usernames, v)
		}
		// Usernames come back in byte order.
		slices.Sort(usernames)
		users, err := s.ListUsers(ctx, "p00"+nameSamples()[0], "", len(usernames)+1)
		must(t, err, "ListUsers")
		var got []string
		for _, u := range users {
			got = append(got, u.Username)
		}
		if !slices.Equal(got, usernames) {
			t.Errorf("ListUsers order:\n got %q\nwant %q", got, usernames)
		}
	}},
	{"CodeAttributes", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		for i, v := range textSamples {
			c := newCode("p1", "alice", fmt.Sprintf("VERIFY:%d", i), "123456")
			c.Attribute = v
			putCode(t, ctx, s, c)
			hasCode(t, ctx, s, c)
		}
	}},
	{"AttemptSubjects", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		// Each sample, and each with a NUL appended, is its own subject.
		var subjects []string
		for _, v := range textSamples {
			subjects = append(subjects, v, v+"\x00")
		}
		slices.Sort(subjects)
		subjects = slices.Compact(subjects)
		for _, want := range []bool{true, false} {
			for _, v := range subjects {
				wantTake(t, ctx, s, "p1", v, "request", t0, time.Hour, 1, want)
			}
		}
	}},
	{"Messages", testMessageStrings},
}

// testMessageStrings sends every sample through every text field of a
// message (a CustomMessage Lambda returns subject and body, attribute values
// become destinations, a temporary password becomes the code, a delivery
// channel's answer becomes an error).
func testMessageStrings(t *testing.T, ctx context.Context, s store.Store) {
	var msgs []*store.Message
	for i, v := range textSamples {
		m := newMessage("p1", v, v, i)
		m.Subject, m.Body, m.Code, m.From, m.ReplyTo = v, v, v, v, v
		msgs = append(msgs, enqueue(t, ctx, s, m))
	}
	wantMessages(t, ctx, s, msgs...)
	for _, m := range msgs {
		if m.Username == "" {
			continue // an empty filter field matches every message
		}
		for _, f := range []store.MessageFilter{{Username: m.Username}, {Destination: m.Destination}} {
			sameList(t, messageView, listMessages(t, ctx, s, f), []*store.Message{m}, fmt.Sprintf("ListMessages %+v", f))
		}
	}
	token, _ := claim(t, ctx, s, tNow, time.Minute, len(msgs))
	for i, m := range msgs {
		v := textSamples[i]
		if i%2 == 0 {
			must(t, s.RetryMessage(ctx, m.ID, token, tNow, tNow.Add(time.Hour), v), "RetryMessage")
			msgs[i] = retriedAs(m, tNow.Add(time.Hour), v)
		} else {
			must(t, s.KillMessage(ctx, m.ID, token, tNow, v), "KillMessage")
			msgs[i] = killedAs(m, v)
		}
		wantAttempts(t, ctx, s, m.ID, store.MessageAttempt{MessageID: m.ID, Number: 1, At: tNow, Error: v})
	}
	wantMessages(t, ctx, s, msgs...)
}
