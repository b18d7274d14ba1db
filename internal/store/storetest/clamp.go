package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// clampNow is the time ClampFuture is called with, and clampAhead a time
// two hours after it: where a development clock ran ahead.
var (
	clampNow   = t0.Add(time.Hour)
	clampAhead = clampNow.Add(2 * time.Hour)
)

// aheadRecords stores in pool p1 (created before clampNow) records stamped
// at clampAhead — a pool p2, a client, a user bob with a code and a refresh
// token, two messages, p2's signing key — and returns them as stored.
type aheadRecords struct {
	pool    *store.Pool
	client  *store.Client
	user    *store.User
	code    *store.Code
	token   *store.RefreshToken
	inbox   *store.Message // kept for the inbox (SentAt = CreatedAt), expiring an hour after creation
	forever *store.Message // no expiry
	key     *store.SigningKey
}

func storeAhead(t *testing.T, ctx context.Context, s store.Store) aheadRecords {
	t.Helper()
	var r aheadRecords
	r.pool = newPool("p2")
	r.pool.CreatedAt, r.pool.UpdatedAt = clampAhead, clampAhead.Add(time.Second)
	must(t, s.CreatePool(ctx, r.pool), "CreatePool p2")
	r.client = newClient("p1", "c2")
	r.client.CreatedAt, r.client.UpdatedAt = clampAhead, clampAhead
	must(t, s.CreateClient(ctx, r.client), "CreateClient c2")
	r.user = newUser("p1", "bob")
	r.user.CreatedAt, r.user.UpdatedAt, r.user.PasswordChangedAt = clampAhead, clampAhead, clampAhead
	must(t, s.CreateUser(ctx, r.user), "CreateUser bob")
	r.code = newCode("p1", "bob", "RESET", "123456")
	r.code.CreatedAt, r.code.ExpiresAt = clampAhead, clampAhead.Add(time.Hour)
	putCode(t, ctx, s, r.code)
	r.token = newToken("p1", "c2", "bob", "tok-ahead")
	r.token.AuthTime, r.token.CreatedAt, r.token.ExpiresAt = clampAhead, clampAhead, clampAhead.Add(30*24*time.Hour)
	must(t, s.PutRefreshToken(ctx, r.token), "PutRefreshToken")
	r.inbox = newMessage("p1", "bob", "bob@example.com", 1)
	r.inbox.Status, r.inbox.CreatedAt, r.inbox.ExpiresAt = store.MessageInbox, clampAhead, clampAhead.Add(time.Hour)
	enqueue(t, ctx, s, r.inbox)
	r.forever = newMessage("p1", "bob", "bob@example.com", 2)
	r.forever.CreatedAt = clampAhead
	enqueue(t, ctx, s, r.forever)
	r.key = &store.SigningKey{PoolID: "p2", KeyID: "k2", PrivateKey: []byte("der"), CreatedAt: clampAhead}
	must(t, s.CreateSigningKey(ctx, r.key), "CreateSigningKey")
	return r
}

var clampTests = []testCase{
	{"ClampFutureRebasesWhatIsHeld", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		alice := createUser(t, ctx, s, "p1", "alice")
		past := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "654321"))
		r := storeAhead(t, ctx, s)
		n, err := s.ClampFuture(ctx, clampNow)
		must(t, err, "ClampFuture")
		// Re-based: created at now, as long-lived as before.
		r.pool.CreatedAt, r.pool.UpdatedAt = clampNow, clampNow
		r.client.CreatedAt, r.client.UpdatedAt = clampNow, clampNow
		r.user.CreatedAt, r.user.UpdatedAt, r.user.PasswordChangedAt = clampNow, clampNow, clampNow
		r.code.CreatedAt, r.code.ExpiresAt = clampNow, clampNow.Add(time.Hour)
		r.token.AuthTime, r.token.CreatedAt, r.token.ExpiresAt = clampNow, clampNow, clampNow.Add(30*24*time.Hour)
		r.inbox.CreatedAt, r.inbox.SentAt, r.inbox.ExpiresAt = clampNow, clampNow, clampNow.Add(time.Hour)
		r.forever.CreatedAt = clampNow
		r.key.CreatedAt = clampNow
		got, err := s.GetPool(ctx, "p2")
		must(t, err, "GetPool p2")
		same(t, poolView, got, r.pool, "p2 after ClampFuture")
		gotClient, err := s.GetClient(ctx, "c2")
		must(t, err, "GetClient c2")
		same(t, clientView, gotClient, r.client, "c2 after ClampFuture")
		lookup(t, ctx, s, r.user)
		hasCode(t, ctx, s, r.code)
		gotToken, err := s.GetRefreshToken(ctx, "tok-ahead")
		must(t, err, "GetRefreshToken")
		same(t, tokenView, gotToken, r.token, "refresh token after ClampFuture")
		same(t, messageView, getMessage(t, ctx, s, r.inbox.ID), r.inbox, "inbox message after ClampFuture")
		same(t, messageView, getMessage(t, ctx, s, r.forever.ID), r.forever, "message without expiry after ClampFuture")
		gotKey, err := s.GetSigningKey(ctx, "p2")
		must(t, err, "GetSigningKey")
		same(t, signingKeyView, gotKey, r.key, "signing key after ClampFuture")
		// What was stamped at or before now is untouched.
		lookup(t, ctx, s, alice)
		hasCode(t, ctx, s, past)
		// pool, client, user, code, token, 2 messages, key.
		if n != 8 {
			t.Errorf("ClampFuture changed %d records, want 8", n)
		}
		n, err = s.ClampFuture(ctx, clampNow)
		must(t, err, "ClampFuture again")
		if n != 0 {
			t.Errorf("a second ClampFuture changed %d records, want 0", n)
		}
	}},
	{"ClampFutureForgetsRestrictions", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		take(t, ctx, s, "p1", "alice", "confirm", clampNow, time.Hour, 5)
		take(t, ctx, s, "p1", "alice", "confirm", clampAhead, time.Hour, 5)
		b := store.Backoff{Free: 1, First: 10 * time.Hour, Longest: 10 * time.Hour, Quiet: 20 * time.Hour}
		for _, at := range []time.Time{clampAhead, clampAhead} {
			_, err := s.TakeBackoff(ctx, "p1", "ahead", "signin", at, b)
			must(t, err, "TakeBackoff ahead")
		}
		// before: allowed now, refused ahead (locked ten hours).
		for _, at := range []time.Time{clampNow, clampAhead} {
			_, err := s.TakeBackoff(ctx, "p1", "before", "signin", at, b)
			must(t, err, "TakeBackoff before")
		}
		n, err := s.ClampFuture(ctx, clampNow)
		must(t, err, "ClampFuture")
		// The attempt ahead is gone; the one at now still counts.
		wantCount(t, ctx, s, "p1", "alice", "confirm", clampNow, time.Hour, 1)
		// The lockout allowed ahead is forgotten; the one allowed before
		// now keeps its count and its lockout.
		wantBackoff(t, ctx, s, "ahead", b, time.Hour, true)
		wantBackoff(t, ctx, s, "before", b, time.Hour, false)
		// the attempt, the "ahead" record, the "before" record's last seen.
		if n != 3 {
			t.Errorf("ClampFuture changed %d records, want 3", n)
		}
	}},
}
