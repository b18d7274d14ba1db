package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// txError is the error the rollback tests return from their callbacks. A
// distinct type lets the tests check that Tx returns it unchanged, not
// wrapped or replaced.
type txError struct{ msg string }

func (e *txError) Error() string { return e.msg }

var txTests = []testCase{
	{"Commit", func(t *testing.T, ctx context.Context, s store.Store) {
		var u *store.User
		err := s.Tx(ctx, func(tx store.Store) error {
			createPool(t, ctx, tx, "p1")
			createClient(t, ctx, tx, "p1", "c1")
			u = createUser(t, ctx, tx, "p1", "alice", email("alice@example.com"))
			putToken(t, ctx, tx, "p1", "c1", "alice", "t1")
			_, err := tx.GetOrCreateSetting(ctx, "s", []byte("v"))
			return err
		})
		must(t, err, "Tx")
		if _, err := s.GetPool(ctx, "p1"); err != nil {
			t.Errorf("GetPool after commit: %v", err)
		}
		if _, err := s.GetClient(ctx, "c1"); err != nil {
			t.Errorf("GetClient after commit: %v", err)
		}
		lookup(t, ctx, s, u)
		if _, err := s.GetRefreshToken(ctx, "t1"); err != nil {
			t.Errorf("GetRefreshToken after commit: %v", err)
		}
		v, err := s.GetOrCreateSetting(ctx, "s", []byte("other"))
		if err != nil || string(v) != "v" {
			t.Errorf("GetOrCreateSetting after commit = %q, %v; want %q", v, err, "v")
		}
	}},
	{"Rollback", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p0")
		createUser(t, ctx, s, "p0", "bob")
		want := &txError{"callback failed"}
		err := s.Tx(ctx, func(tx store.Store) error {
			createPool(t, ctx, tx, "p1")
			createUser(t, ctx, tx, "p0", "alice")
			must(t, tx.DeleteUser(ctx, "p0", "bob"), "DeleteUser")
			must(t, tx.CreateSigningKey(ctx, newSigningKey("p0", "k")), "CreateSigningKey")
			_, err := tx.GetOrCreateSetting(ctx, "s", []byte("v"))
			must(t, err, "GetOrCreateSetting")
			return want
		})
		if err != want { //nolint:errorlint // the contract says "unchanged": the very same error value
			t.Fatalf("Tx returned %v (%T), want the callback's error unchanged", err, err)
		}
		_, err = s.GetPool(ctx, "p1")
		wantErr(t, err, store.ErrNotFound, "GetPool after rollback")
		gone(t, ctx, s, "p0", key("username", "alice"))
		lookup(t, ctx, s, newUser("p0", "bob"))
		_, err = s.GetSigningKey(ctx, "p0")
		wantErr(t, err, store.ErrNotFound, "GetSigningKey after rollback")
		v, err := s.GetOrCreateSetting(ctx, "s", []byte("after"))
		if err != nil || string(v) != "after" {
			t.Errorf("GetOrCreateSetting after rollback = %q, %v; want %q", v, err, "after")
		}
	}},
	{"RollbackOnStoreError", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		err := s.Tx(ctx, func(tx store.Store) error {
			createPool(t, ctx, tx, "p2")
			return tx.CreatePool(ctx, newPool("p1")) // conflict
		})
		wantErr(t, err, store.ErrConflict, "Tx returning a store error")
		_, err = s.GetPool(ctx, "p2")
		wantErr(t, err, store.ErrNotFound, "GetPool after rollback")
	}},
	{"ReadsSeeOwnWrites", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p0")
		err := s.Tx(ctx, func(tx store.Store) error {
			p := createPool(t, ctx, tx, "p1")
			got, err := tx.GetPool(ctx, "p1")
			must(t, err, "GetPool inside the Tx")
			same(t, poolView, got, p, "pool inside the Tx")
			u := createUser(t, ctx, tx, "p1", "alice", email("alice@example.com"))
			lookup(t, ctx, tx, u)
			u.Keys = u.Keys[:2]
			u.Status = "UPDATED"
			must(t, tx.UpdateUser(ctx, u), "UpdateUser inside the Tx")
			lookup(t, ctx, tx, u)
			gone(t, ctx, tx, "p1", email("alice@example.com"))
			if n, err := tx.CountUsers(ctx, "p1"); err != nil || n != 1 {
				t.Errorf("CountUsers inside the Tx = %d, %v; want 1", n, err)
			}
			ps, err := tx.ListPools(ctx, "", 10)
			must(t, err, "ListPools inside the Tx")
			if ids := poolIDs(ps); len(ids) != 2 || ids[1] != "p1" {
				t.Errorf("ListPools inside the Tx = %v, want [p0 p1]", ids)
			}
			must(t, tx.DeletePool(ctx, "p0"), "DeletePool inside the Tx")
			_, err = tx.GetPool(ctx, "p0")
			wantErr(t, err, store.ErrNotFound, "GetPool of a pool deleted inside the Tx")
			return nil
		})
		must(t, err, "Tx")
	}},
	{"Nested", func(t *testing.T, ctx context.Context, s store.Store) {
		// A nested Tx runs inside the outer one: its writes commit, or roll
		// back, with the outer transaction.
		want := errors.New("outer fails")
		err := s.Tx(ctx, func(tx store.Store) error {
			createPool(t, ctx, tx, "p1")
			err := tx.Tx(ctx, func(inner store.Store) error {
				createPool(t, ctx, inner, "p2")
				_, err := inner.GetPool(ctx, "p1") // sees the outer writes
				return err
			})
			must(t, err, "nested Tx")
			if _, err := tx.GetPool(ctx, "p2"); err != nil {
				t.Errorf("outer Tx does not see the nested Tx's write: %v", err)
			}
			return want
		})
		if !errors.Is(err, want) {
			t.Fatalf("Tx = %v, want %v", err, want)
		}
		for _, id := range []string{"p1", "p2"} {
			_, err := s.GetPool(ctx, id)
			wantErr(t, err, store.ErrNotFound, "GetPool "+id+" after the outer Tx rolled back")
		}
		err = s.Tx(ctx, func(tx store.Store) error {
			return tx.Tx(ctx, func(inner store.Store) error {
				createPool(t, ctx, inner, "p3")
				return nil
			})
		})
		must(t, err, "Tx with nested Tx")
		if _, err := s.GetPool(ctx, "p3"); err != nil {
			t.Errorf("GetPool of a nested Tx's write after commit: %v", err)
		}
	}},
	{"NestedErrorReturnedUnchanged", func(t *testing.T, ctx context.Context, s store.Store) {
		want := &txError{"inner failed"}
		err := s.Tx(ctx, func(tx store.Store) error {
			return tx.Tx(ctx, func(store.Store) error { return want })
		})
		if err != want { //nolint:errorlint // must be the very same error value
			t.Fatalf("Tx = %v (%T), want the nested callback's error unchanged", err, err)
		}
	}},
	{"CodeAndMessageCommitTogether", func(t *testing.T, ctx context.Context, s store.Store) {
		// The transactional outbox, as ForgotPassword uses it: the code and
		// the message carrying it are one commit.
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		c := newCode("p1", "alice", "RESET", "123456")
		m := newMessage("p1", "alice", "alice@example.com", 123456)
		err := s.Tx(ctx, func(tx store.Store) error {
			if ok := take(t, ctx, tx, "p1", "alice", "request", t0, time.Hour, 1); !ok {
				t.Errorf("TakeAttempt inside the Tx refused the first attempt")
			}
			putCode(t, ctx, tx, c)
			enqueue(t, ctx, tx, m)
			// Reads inside the Tx see its writes.
			hasCode(t, ctx, tx, c)
			got := listMessages(t, ctx, tx, store.MessageFilter{PoolID: "p1"})
			sameList(t, messageView, got, []*store.Message{m}, "ListMessages inside the Tx")
			wantTake(t, ctx, tx, "p1", "alice", "request", t0, time.Hour, 1, false)
			return nil
		})
		must(t, err, "Tx")
		hasCode(t, ctx, s, c)
		// The ID set inside the Tx is the committed message's ID.
		got := listMessages(t, ctx, s, store.MessageFilter{PoolID: "p1"})
		sameList(t, messageView, got, []*store.Message{m}, "ListMessages after commit")
		wantCount(t, ctx, s, "p1", "alice", "request", t0, time.Hour, 2)
		must(t, s.Tx(ctx, func(tx store.Store) error {
			return tx.ConsumeCode(ctx, "p1", "alice", "RESET", c.MAC)
		}), "Tx consuming the code")
		noCode(t, ctx, s, "p1", "alice", "RESET")
	}},
	{"CodeAndMessageRollBackTogether", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		want := &txError{"delivery cannot be scheduled"}
		err := s.Tx(ctx, func(tx store.Store) error {
			putCode(t, ctx, tx, newCode("p1", "alice", "RESET", "123456"))
			enqueue(t, ctx, tx, newMessage("p1", "alice", "alice@example.com", 123456))
			return want
		})
		if err != want { //nolint:errorlint // the very same error value
			t.Fatalf("Tx returned %v (%T), want the callback's error unchanged", err, err)
		}
		noCode(t, ctx, s, "p1", "alice", "RESET")
		if got := listMessages(t, ctx, s, store.MessageFilter{}); len(got) != 0 {
			t.Errorf("ListMessages after rollback = %v, want none", got)
		}
		// And the same for a nested Tx inside a failing one.
		err = s.Tx(ctx, func(tx store.Store) error {
			must(t, tx.Tx(ctx, func(inner store.Store) error {
				putCode(t, ctx, inner, newCode("p1", "alice", "RESET", "654321"))
				enqueue(t, ctx, inner, newMessage("p1", "alice", "alice@example.com", 654321))
				return nil
			}), "nested Tx")
			return want
		})
		if err != want { //nolint:errorlint // the very same error value
			t.Fatalf("Tx returned %v (%T), want the callback's error unchanged", err, err)
		}
		noCode(t, ctx, s, "p1", "alice", "RESET")
		if got := listMessages(t, ctx, s, store.MessageFilter{}); len(got) != 0 {
			t.Errorf("ListMessages after the nested rollback = %v, want none", got)
		}
	}},
	{"RecoveryWritesRollBack", func(t *testing.T, ctx context.Context, s store.Store) {
		// Every write of the recovery methods is undone with the Tx:
		// replacing and consuming codes, recording and clearing attempts.
		createPool(t, ctx, s, "p1")
		createUser(t, ctx, s, "p1", "alice")
		createUser(t, ctx, s, "p1", "bob")
		a := putCode(t, ctx, s, newCode("p1", "alice", "RESET", "1"))
		b := putCode(t, ctx, s, newCode("p1", "bob", "RESET", "2"))
		take(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 1)
		kept := enqueue(t, ctx, s, newMessage("p1", "alice", "alice@example.com", 1))
		err := s.Tx(ctx, func(tx store.Store) error {
			putCode(t, ctx, tx, newCode("p1", "alice", "RESET", "3"))
			must(t, tx.ConsumeCode(ctx, "p1", "bob", "RESET", b.MAC), "ConsumeCode inside the Tx")
			noCode(t, ctx, tx, "p1", "bob", "RESET")
			must(t, tx.ClearAttempts(ctx, "p1", "alice", "confirm"), "ClearAttempts inside the Tx")
			for range 3 {
				take(t, ctx, tx, "p1", "carol", "confirm", t0, time.Hour, 1)
			}
			enqueue(t, ctx, tx, newMessage("p1", "bob", "bob@example.com", 2))
			return &txError{"fails"}
		})
		if err == nil {
			t.Fatal("Tx succeeded, want the callback's error")
		}
		hasCode(t, ctx, s, a)
		hasCode(t, ctx, s, b)
		wantCount(t, ctx, s, "p1", "alice", "confirm", t0, time.Hour, 1)
		wantCount(t, ctx, s, "p1", "carol", "confirm", t0, time.Hour, 0)
		got := listMessages(t, ctx, s, store.MessageFilter{})
		sameList(t, messageView, got, []*store.Message{kept}, "ListMessages after rollback")
		// IDs still increase past the rolled-back message.
		next := enqueue(t, ctx, s, newMessage("p1", "bob", "bob@example.com", 3))
		if next.ID <= kept.ID {
			t.Errorf("message after the rollback got ID %d, want more than %d", next.ID, kept.ID)
		}
	}},
	{"ConcurrentTxs", func(t *testing.T, ctx context.Context, s store.Store) {
		// Transactions from many goroutines all commit; each one's writes
		// arrive complete.
		createPool(t, ctx, s, "p1")
		parallel(16, func(i int) {
			err := s.Tx(ctx, func(tx store.Store) error {
				u := newUser("p1", string(rune('a'+i)))
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				return tx.PutRefreshToken(ctx, newToken("p1", "c", u.Username, u.Username))
			})
			if err != nil {
				t.Errorf("Tx %d: %v", i, err)
			}
		})
		if n, err := s.CountUsers(ctx, "p1"); err != nil || n != 16 {
			t.Errorf("CountUsers = %d, %v; want 16", n, err)
		}
		for i := range 16 {
			name := string(rune('a' + i))
			if _, err := s.GetRefreshToken(ctx, name); err != nil {
				t.Errorf("GetRefreshToken %s: %v", name, err)
			}
		}
	}},
}
