package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// t0 is the base time of fixtures. It has millisecond precision and is in
// UTC, so a conforming store returns it unchanged.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

func newPool(id string) *store.Pool {
	return &store.Pool{
		ID:        id,
		Name:      "pool " + id,
		Config:    []byte(`{"pool":"` + id + `"}`),
		CreatedAt: t0,
		UpdatedAt: t0.Add(time.Second),
	}
}

func newClient(poolID, id string) *store.Client {
	return &store.Client{
		ID:        id,
		PoolID:    poolID,
		Name:      "client " + id,
		Secret:    "secret-" + id,
		Config:    []byte(`{"client":"` + id + `"}`),
		CreatedAt: t0,
		UpdatedAt: t0.Add(2 * time.Second),
	}
}

// newUser returns a user with a "username" and a "sub" key, plus extra keys.
func newUser(poolID, username string, extra ...store.UserKey) *store.User {
	keys := []store.UserKey{{Kind: "username", Value: username}, {Kind: "sub", Value: "sub-" + username}}
	return &store.User{
		PoolID:       poolID,
		Username:     username,
		Sub:          "sub-" + username,
		Status:       "CONFIRMED",
		Enabled:      true,
		PasswordHash: "hash-" + username,
		Attributes: []store.Attribute{
			{Name: "sub", Value: "sub-" + username},
			{Name: "email", Value: username + "@example.com"},
		},
		Keys:      append(keys, extra...),
		CreatedAt: t0,
		UpdatedAt: t0.Add(3 * time.Second),
		// Every fixture user has a history, so every user test checks that
		// it round-trips (and the Update tests that it is replaced).
		PasswordHistory:   []string{"hash-2-" + username, "hash-1-" + username},
		PasswordChangedAt: t0.Add(-time.Hour),
	}
}

func newToken(poolID, clientID, username, id string) *store.RefreshToken {
	return &store.RefreshToken{
		ID:        id,
		Hash:      tokenHash(id),
		PoolID:    poolID,
		ClientID:  clientID,
		Username:  username,
		AuthTime:  t0.Add(-time.Minute),
		CreatedAt: t0,
		ExpiresAt: t0.Add(30 * 24 * time.Hour),
	}
}

func tokenHash(id string) []byte {
	h := sha256.Sum256([]byte("token " + id))
	return h[:]
}

func key(kind, value string) store.UserKey { return store.UserKey{Kind: kind, Value: value} }

func email(v string) store.UserKey { return key("email", v) }

func createPool(t *testing.T, ctx context.Context, s store.Store, id string) *store.Pool {
	t.Helper()
	p := newPool(id)
	must(t, s.CreatePool(ctx, p), "CreatePool "+id)
	return p
}

func createClient(t *testing.T, ctx context.Context, s store.Store, poolID, id string) *store.Client {
	t.Helper()
	c := newClient(poolID, id)
	must(t, s.CreateClient(ctx, c), "CreateClient "+id)
	return c
}

func createUser(t *testing.T, ctx context.Context, s store.Store, poolID, username string, extra ...store.UserKey) *store.User {
	t.Helper()
	u := newUser(poolID, username, extra...)
	must(t, s.CreateUser(ctx, u), "CreateUser "+username)
	return u
}

func putToken(t *testing.T, ctx context.Context, s store.Store, poolID, clientID, username, id string) *store.RefreshToken {
	t.Helper()
	tok := newToken(poolID, clientID, username, id)
	must(t, s.PutRefreshToken(ctx, tok), "PutRefreshToken "+id)
	return tok
}

// must fails the test now if err is not nil.
func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// wantErr fails the test now unless err matches target with errors.Is. It
// also checks the rule that sql.ErrNoRows never leaves a store.
func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one matching %v", what, err, target)
	}
	if errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("%s: error %v leaks sql.ErrNoRows", what, err)
	}
}

// wantKeyConflict fails the test unless err is a *store.KeyConflictError for
// the given key that also matches store.ErrConflict.
func wantKeyConflict(t *testing.T, err error, want store.UserKey, what string) {
	t.Helper()
	var kc *store.KeyConflictError
	if !errors.As(err, &kc) {
		t.Fatalf("%s: got error %v (%T), want a *store.KeyConflictError", what, err, err)
	}
	if kc.Kind != want.Kind || kc.Value != want.Value {
		t.Errorf("%s: conflict on key %s=%q, want %s=%q", what, kc.Kind, kc.Value, want.Kind, want.Value)
	}
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("%s: errors.Is(%v, store.ErrConflict) = false", what, err)
	}
}

// The view functions render a record as a string holding every field, with
// times in RFC 3339 plus their location, byte slices quoted and user keys
// sorted (the contract does not order them). Comparing views compares
// records field by field and prints a readable diff.

func timeView(tm time.Time) string {
	return tm.Format("2006-01-02T15:04:05.000000000") + "@" + tm.Location().String()
}

func poolView(p *store.Pool) string {
	return fmt.Sprintf("Pool{ID:%q Name:%q Config:%q CreatedAt:%s UpdatedAt:%s}",
		p.ID, p.Name, p.Config, timeView(p.CreatedAt), timeView(p.UpdatedAt))
}

func clientView(c *store.Client) string {
	return fmt.Sprintf("Client{ID:%q PoolID:%q Name:%q Secret:%q Config:%q CreatedAt:%s UpdatedAt:%s}",
		c.ID, c.PoolID, c.Name, c.Secret, c.Config, timeView(c.CreatedAt), timeView(c.UpdatedAt))
}

func userView(u *store.User) string {
	keys := make([]string, 0, len(u.Keys))
	for _, k := range u.Keys {
		keys = append(keys, fmt.Sprintf("%s=%q", k.Kind, k.Value))
	}
	slices.Sort(keys)
	attrs := make([]string, 0, len(u.Attributes))
	for _, a := range u.Attributes {
		attrs = append(attrs, fmt.Sprintf("%q:%q", a.Name, a.Value))
	}
	return fmt.Sprintf("User{PoolID:%q Username:%q Sub:%q Status:%q Enabled:%v PasswordHash:%q Attributes:[%s] Keys:[%s] CreatedAt:%s UpdatedAt:%s PasswordHistory:%q PasswordChangedAt:%s Verifier:%x MFA:%q}",
		u.PoolID, u.Username, u.Sub, u.Status, u.Enabled, u.PasswordHash,
		strings.Join(attrs, " "), strings.Join(keys, " "), timeView(u.CreatedAt), timeView(u.UpdatedAt),
		u.PasswordHistory, timeView(u.PasswordChangedAt), u.Verifier, u.MFA)
}

func tokenView(r *store.RefreshToken) string {
	return fmt.Sprintf("RefreshToken{ID:%q Hash:%x PoolID:%q ClientID:%q Username:%q AuthTime:%s CreatedAt:%s ExpiresAt:%s Revoked:%v Scopes:%q}",
		r.ID, r.Hash, r.PoolID, r.ClientID, r.Username,
		timeView(r.AuthTime), timeView(r.CreatedAt), timeView(r.ExpiresAt), r.Revoked, r.Scopes)
}

func codeView(c *store.Code) string {
	return fmt.Sprintf("Code{PoolID:%q Username:%q Purpose:%q MAC:%x Attribute:%q CreatedAt:%s ExpiresAt:%s}",
		c.PoolID, c.Username, c.Purpose, c.MAC, c.Attribute, timeView(c.CreatedAt), timeView(c.ExpiresAt))
}

func messageView(m *store.Message) string {
	return fmt.Sprintf("Message{ID:%d PoolID:%q Username:%q Purpose:%q Medium:%q Destination:%q Subject:%q Body:%q Code:%q SuppressedReason:%q Status:%q CreatedAt:%s From:%q ReplyTo:%q Attempts:%d NextAttemptAt:%s LockedUntil:%s LastError:%q SentAt:%s ExpiresAt:%s}",
		m.ID, m.PoolID, m.Username, m.Purpose, m.Medium, m.Destination, m.Subject, m.Body,
		m.Code, m.SuppressedReason, m.Status, timeView(m.CreatedAt), m.From, m.ReplyTo,
		m.Attempts, timeView(m.NextAttemptAt), timeView(m.LockedUntil), m.LastError, timeView(m.SentAt), timeView(m.ExpiresAt))
}

func attemptView(a store.MessageAttempt) string {
	return fmt.Sprintf("MessageAttempt{MessageID:%d Number:%d At:%s Error:%q}",
		a.MessageID, a.Number, timeView(a.At), a.Error)
}

func signingKeyView(k *store.SigningKey) string {
	return fmt.Sprintf("SigningKey{PoolID:%q KeyID:%q PrivateKey:%x CreatedAt:%s}",
		k.PoolID, k.KeyID, k.PrivateKey, timeView(k.CreatedAt))
}

// same fails the test if the views of got and want differ.
func same[T any](t *testing.T, view func(T) string, got, want T, what string) {
	t.Helper()
	if g, w := view(got), view(want); g != w {
		t.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}

// sameList compares two lists element by element, in order.
func sameList[T any](t *testing.T, view func(T) string, got, want []T, what string) {
	t.Helper()
	g := make([]string, len(got))
	for i, v := range got {
		g[i] = view(v)
	}
	w := make([]string, len(want))
	for i, v := range want {
		w[i] = view(v)
	}
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got: %s\nwant: %s", what, strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
}

// lookup asserts that every key of want resolves to a user equal to want.
func lookup(t *testing.T, ctx context.Context, s store.Store, want *store.User) {
	t.Helper()
	for _, k := range want.Keys {
		got, err := s.GetUserByKey(ctx, want.PoolID, k.Kind, k.Value)
		must(t, err, fmt.Sprintf("GetUserByKey %s=%q", k.Kind, k.Value))
		same(t, userView, got, want, fmt.Sprintf("GetUserByKey %s=%q", k.Kind, k.Value))
	}
}

// gone asserts that the key resolves to no user.
func gone(t *testing.T, ctx context.Context, s store.Store, poolID string, k store.UserKey) {
	t.Helper()
	_, err := s.GetUserByKey(ctx, poolID, k.Kind, k.Value)
	wantErr(t, err, store.ErrNotFound, fmt.Sprintf("GetUserByKey %s=%q in pool %q", k.Kind, k.Value, poolID))
}
