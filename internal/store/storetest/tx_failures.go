package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// failingCall is a method call that fails with one of the contract's
// errors. kept checks, inside the transaction after the failure and again
// after the commit, that the call left nothing behind.
type failingCall struct {
	name string
	call func(ctx context.Context, tx store.Store) error
	want error
	kept func(t *testing.T, ctx context.Context, s store.Store)
}

// txFixture is the state the failing calls run against.
type txFixture struct {
	alice  *store.User
	code   *store.Code
	leased *store.Message
	token  string
}

func newTxFixture(t *testing.T, ctx context.Context, s store.Store) *txFixture {
	createPool(t, ctx, s, "p1")
	createClient(t, ctx, s, "p1", "c1")
	f := &txFixture{alice: createUser(t, ctx, s, "p1", "alice", email("alice@example.com"))}
	createUser(t, ctx, s, "p1", "bob", email("bob@example.com"))
	putToken(t, ctx, s, "p1", "c1", "alice", "t1")
	must(t, s.CreateSigningKey(ctx, newSigningKey("p1", "k1")), "CreateSigningKey")
	f.code = putCode(t, ctx, s, newCode("p1", "alice", "RESET", "1"))
	m := enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", 1))
	f.token = wantClaim(t, ctx, s, t0, time.Minute, 1, m)
	f.leased = leasedAs(m, t0.Add(time.Minute))
	return f
}

// failingCalls lists, for every method that can fail with ErrNotFound,
// ErrConflict or a *KeyConflictError, a call that does.
func (f *txFixture) failingCalls() []failingCall {
	conflicting := *f.alice
	conflicting.Status = "CHANGED"
	conflicting.Keys = append(slices.Clone(conflicting.Keys), email("bob@example.com"))
	dupHash := newToken("p1", "c1", "alice", "t2")
	dupHash.Hash = tokenHash("t1")
	aliceKept := func(t *testing.T, ctx context.Context, s store.Store) { lookup(t, ctx, s, f.alice) }
	carolGone := func(t *testing.T, ctx context.Context, s store.Store) {
		gone(t, ctx, s, "p1", key("username", "carol"))
		gone(t, ctx, s, "p1", key("sub", "sub-carol"))
		if n, err := s.CountUsers(ctx, "p1"); err != nil || n != 2 {
			t.Errorf("CountUsers = %d, %v; want 2", n, err)
		}
	}
	return []failingCall{
		{"CreatePoolDuplicate", func(ctx context.Context, tx store.Store) error { return tx.CreatePool(ctx, newPool("p1")) }, store.ErrConflict, nil},
		{"CreateClientDuplicate", func(ctx context.Context, tx store.Store) error { return tx.CreateClient(ctx, newClient("p1", "c1")) }, store.ErrConflict, nil},
		{"CreateClientMissingPool", func(ctx context.Context, tx store.Store) error { return tx.CreateClient(ctx, newClient("p9", "c9")) }, store.ErrNotFound,
			func(t *testing.T, ctx context.Context, s store.Store) {
				_, err := s.GetClient(ctx, "c9")
				wantErr(t, err, store.ErrNotFound, "GetClient c9")
			}},
		{"CreateUserKeyConflict", func(ctx context.Context, tx store.Store) error {
			return tx.CreateUser(ctx, newUser("p1", "carol", email("bob@example.com")))
		}, &store.KeyConflictError{Kind: "email", Value: "bob@example.com"}, carolGone},
		{"CreateUserDuplicate", func(ctx context.Context, tx store.Store) error { return tx.CreateUser(ctx, newUser("p1", "alice")) }, store.ErrConflict, aliceKept},
		{"CreateUserMissingPool", func(ctx context.Context, tx store.Store) error { return tx.CreateUser(ctx, newUser("p9", "carol")) }, store.ErrNotFound, nil},
		{"UpdateUserKeyConflict", func(ctx context.Context, tx store.Store) error { return tx.UpdateUser(ctx, &conflicting) },
			&store.KeyConflictError{Kind: "email", Value: "bob@example.com"}, aliceKept},
		{"UpdateUserMissing", func(ctx context.Context, tx store.Store) error { return tx.UpdateUser(ctx, newUser("p1", "carol")) }, store.ErrNotFound, carolGone},
		{"DeleteUserMissing", func(ctx context.Context, tx store.Store) error { return tx.DeleteUser(ctx, "p1", "carol") }, store.ErrNotFound, nil},
		{"UpdatePoolMissing", func(ctx context.Context, tx store.Store) error { return tx.UpdatePool(ctx, newPool("p9")) }, store.ErrNotFound, nil},
		{"DeletePoolMissing", func(ctx context.Context, tx store.Store) error { return tx.DeletePool(ctx, "p9") }, store.ErrNotFound, nil},
		{"UpdateClientMissing", func(ctx context.Context, tx store.Store) error { return tx.UpdateClient(ctx, newClient("p1", "c9")) }, store.ErrNotFound, nil},
		{"DeleteClientMissing", func(ctx context.Context, tx store.Store) error { return tx.DeleteClient(ctx, "c9") }, store.ErrNotFound, nil},
		{"GetUserByKeyMissing", func(ctx context.Context, tx store.Store) error {
			_, err := tx.GetUserByKey(ctx, "p1", "username", "carol")
			return err
		}, store.ErrNotFound, nil},
		{"PutRefreshTokenDuplicateID", func(ctx context.Context, tx store.Store) error {
			tok := newToken("p1", "c1", "alice", "t1")
			tok.Hash = tokenHash("t3")
			return tx.PutRefreshToken(ctx, tok)
		}, store.ErrConflict, func(t *testing.T, ctx context.Context, s store.Store) {
			_, err := s.GetRefreshTokenByHash(ctx, tokenHash("t3"))
			wantErr(t, err, store.ErrNotFound, "GetRefreshTokenByHash of the refused token")
		}},
		{"PutRefreshTokenDuplicateHash", func(ctx context.Context, tx store.Store) error { return tx.PutRefreshToken(ctx, dupHash) }, store.ErrConflict,
			func(t *testing.T, ctx context.Context, s store.Store) {
				_, err := s.GetRefreshToken(ctx, "t2")
				wantErr(t, err, store.ErrNotFound, "GetRefreshToken of the refused token")
			}},
		{"RevokeRefreshTokenMissing", func(ctx context.Context, tx store.Store) error { return tx.RevokeRefreshToken(ctx, "t9") }, store.ErrNotFound, nil},
		{"CreateSigningKeyDuplicate", func(ctx context.Context, tx store.Store) error {
			return tx.CreateSigningKey(ctx, newSigningKey("p1", "k2"))
		}, store.ErrConflict, func(t *testing.T, ctx context.Context, s store.Store) {
			got, err := s.GetSigningKey(ctx, "p1")
			must(t, err, "GetSigningKey")
			same(t, signingKeyView, got, newSigningKey("p1", "k1"), "GetSigningKey after the refused key")
		}},
		{"PutCodeMissingUser", func(ctx context.Context, tx store.Store) error {
			return tx.PutCode(ctx, newCode("p1", "carol", "RESET", "2"))
		}, store.ErrNotFound, nil},
		{"ConsumeCodeWrongMAC", func(ctx context.Context, tx store.Store) error {
			return tx.ConsumeCode(ctx, "p1", "alice", "RESET", codeMAC("2"))
		}, store.ErrNotFound,
			func(t *testing.T, ctx context.Context, s store.Store) { hasCode(t, ctx, s, f.code) }},
		{"TakeAttemptMissingPool", func(ctx context.Context, tx store.Store) error {
			_, err := tx.TakeAttempt(ctx, "p9", "alice", "request", t0, time.Hour, 5)
			return err
		}, store.ErrNotFound, nil},
		{"MarkMessageSentLeaseLost", func(ctx context.Context, tx store.Store) error {
			return tx.MarkMessageSent(ctx, f.leased.ID, "not-the-token", t0, false, false)
		}, store.ErrConflict, func(t *testing.T, ctx context.Context, s store.Store) { wantMessages(t, ctx, s, f.leased) }},
		{"RetryMessageMissing", func(ctx context.Context, tx store.Store) error {
			return tx.RetryMessage(ctx, f.leased.ID+100, f.token, t0, t0, "boom")
		}, store.ErrNotFound, func(t *testing.T, ctx context.Context, s store.Store) { wantMessages(t, ctx, s, f.leased) }},
	}
}

var txFailureTests = []testCase{
	{"FailedMethodLeavesTxUsable", func(t *testing.T, ctx context.Context, s store.Store) {
		// Every failing call runs between two writes of one Tx whose
		// callback handles the error and commits: both writes commit, and
		// the failed call leaves nothing behind.
		f := newTxFixture(t, ctx, s)
		for i, c := range f.failingCalls() {
			t.Run(c.name, func(t *testing.T) {
				before, after := fmt.Sprintf("before-%d", i), fmt.Sprintf("after-%d", i)
				var got error
				err := s.Tx(ctx, func(tx store.Store) error {
					if err := tx.CreatePool(ctx, newPool(before)); err != nil {
						return fmt.Errorf("write before the failing call: %w", err)
					}
					got = c.call(ctx, tx)
					if err := tx.CreatePool(ctx, newPool(after)); err != nil {
						return fmt.Errorf("write after the failing call: %w", err)
					}
					if _, err := tx.GetPool(ctx, before); err != nil {
						return fmt.Errorf("read after the failing call: %w", err)
					}
					if c.kept != nil {
						c.kept(t, ctx, tx)
					}
					return nil
				})
				must(t, err, "Tx whose callback handled a failed call")
				wantFailure(t, got, c.want)
				for _, id := range []string{before, after} {
					if _, err := s.GetPool(ctx, id); err != nil {
						t.Errorf("GetPool %s written in the same Tx: %v", id, err)
					}
				}
				if c.kept != nil {
					c.kept(t, ctx, s)
				}
			})
		}
	}},
	{"FailedNestedTxIsUndone", func(t *testing.T, ctx context.Context, s store.Store) {
		// A nested Tx whose fn fails is a failed method like any other: its
		// writes are undone, and the outer callback may go on.
		want := &txError{"nested fails"}
		err := s.Tx(ctx, func(tx store.Store) error {
			createPool(t, ctx, tx, "p1")
			err := tx.Tx(ctx, func(inner store.Store) error {
				createPool(t, ctx, inner, "p2")
				createUser(t, ctx, inner, "p1", "alice")
				return want
			})
			if err != want { //nolint:errorlint // the very same error value
				t.Errorf("nested Tx = %v, want its callback's error unchanged", err)
			}
			gone(t, ctx, tx, "p1", key("username", "alice"))
			createPool(t, ctx, tx, "p3")
			return nil
		})
		must(t, err, "Tx")
		for id, exists := range map[string]bool{"p1": true, "p2": false, "p3": true} {
			if _, err := s.GetPool(ctx, id); (err == nil) != exists {
				t.Errorf("GetPool %s after commit: %v, want exists = %v", id, err, exists)
			}
		}
		gone(t, ctx, s, "p1", key("username", "alice"))
	}},
}

// wantFailure checks the failed call's error: a *KeyConflictError naming
// the same key, or an error matching want.
func wantFailure(t *testing.T, got, want error) {
	t.Helper()
	var kc *store.KeyConflictError
	if errors.As(want, &kc) {
		wantKeyConflict(t, got, store.UserKey{Kind: kc.Kind, Value: kc.Value}, "failing call")
		return
	}
	wantErr(t, got, want, "failing call")
}
