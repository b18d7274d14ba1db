package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/storetest"
)

// openTemp opens a store on a new database file in a fresh temporary
// directory. The caller closes it.
func openTemp(tb testing.TB) (*Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "userpool.db")
	s, err := Open(tb.Context(), path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	return s, path
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTemp(t)
		return s
	})
}

func BenchmarkSQLite(b *testing.B) {
	storetest.Benchmark(b, func(b *testing.B) store.Store {
		s, _ := openTemp(b)
		return s
	})
}

func TestOpenFailures(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	text := strings.Repeat("this is a text file, not an SQLite database\n", 100)
	if err := os.WriteFile(garbage, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"directory":      dir,
		"text file":      garbage,
		"missing parent": filepath.Join(dir, "no", "such", "dir", "db"),
		"empty path":     "",
		"memory":         ":memory:",
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(t.Context(), path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", path)
			}
			if !strings.Contains(err.Error(), "sqlite: open") {
				t.Errorf("Open(%q) error %q does not say what failed", path, err)
			}
			t.Logf("Open(%q): %v", path, err)
		})
	}
	// A failed Open must not have modified the file it rejected.
	after, err := os.ReadFile(garbage)
	if err != nil || string(after) != text {
		t.Errorf("Open modified the text file it rejected (err %v)", err)
	}
}

func TestOpenPathNeedingEscapes(t *testing.T) {
	// Characters that are URI syntax must reach SQLite as part of the name.
	path := filepath.Join(t.TempDir(), "we?ird#na%20me.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	defer s.Close()
	if err := s.CreatePool(t.Context(), &store.Pool{ID: "p"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at the exact path: %v", err)
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := t.Context()
	s, path := openTemp(t)
	p := &store.Pool{ID: "p1", Name: "pool", Config: []byte("cfg"), CreatedAt: time.UnixMilli(1700000000123).UTC()}
	if err := s.CreatePool(ctx, p); err != nil {
		t.Fatal(err)
	}
	u := &store.User{PoolID: "p1", Username: "alice", Keys: []store.UserKey{{Kind: "email", Value: "a@x"}}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.GetPool(ctx, "p1")
	if err != nil {
		t.Fatalf("GetPool after reopen: %v", err)
	}
	if got.Name != "pool" || string(got.Config) != "cfg" || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("pool after reopen = %+v", got)
	}
	if _, err := s.GetUserByKey(ctx, "p1", "email", "a@x"); err != nil {
		t.Errorf("GetUserByKey after reopen: %v", err)
	}
}

// appliedMigrations returns version -> applied_at from schema_migrations.
func appliedMigrations(t *testing.T, s *Store) map[int]int64 {
	t.Helper()
	rows, err := s.reader.QueryContext(t.Context(), "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var v int
		var at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		out[v] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrationsRecordedOnce(t *testing.T) {
	migs, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) == 0 || migs[0].version != 1 {
		t.Fatalf("embedded migrations = %v, want 0001_init.sql first", migs)
	}
	s, path := openTemp(t)
	first := appliedMigrations(t, s)
	for _, m := range migs {
		if at, ok := first[m.version]; !ok || at <= 0 {
			t.Errorf("migration %s not recorded in schema_migrations (%v)", m.name, first)
		}
	}
	if len(first) != len(migs) {
		t.Errorf("schema_migrations has %d rows, want %d", len(first), len(migs))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	time.Sleep(5 * time.Millisecond) // a re-application would record a later applied_at
	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err) // re-running CREATE TABLE would fail here
	}
	defer s.Close()
	second := appliedMigrations(t, s)
	if fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("schema_migrations changed on reopen: %v, then %v", first, second)
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	// Hold every reader connection at once, so each check runs on a
	// distinct one; the writer is the one connection the group holds.
	conns := map[*sql.Conn]string{s.group.w.conn: "writer"}
	for range readerConns {
		c, err := s.reader.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[c] = "reader"
	}
	for c, name := range conns {
		queryOnly := map[string]string{"writer": "0", "reader": "1"}[name]
		want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1",
			"busy_timeout": "5000", "query_only": queryOnly}
		for pragma, v := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != v {
				t.Errorf("%s connection: PRAGMA %s = %s, want %s", name, pragma, got, v)
			}
		}
	}
}

func TestReaderRejectsWrites(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	_, err := s.reader.ExecContext(t.Context(), "INSERT INTO settings (name, value) VALUES ('x', x'00')")
	if err == nil {
		t.Fatal("write through the reader pool succeeded")
	}
}

// TestConcurrentWritersNoBusy runs 16 goroutines of mixed writes, split over
// two Stores on the same file: within a Store the single writer connection
// serialises them in Go; between the two, BEGIN IMMEDIATE and busy_timeout
// must make them wait instead of failing with SQLITE_BUSY.
func TestConcurrentWritersNoBusy(t *testing.T) {
	ctx := t.Context()
	a, path := openTemp(t)
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.CreatePool(ctx, &store.Pool{ID: "p1"}); err != nil {
		t.Fatal(err)
	}
	const goroutines, perG = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perG)
	for g := range goroutines {
		s := a
		if g%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for i := range perG {
				if err := writeSome(ctx, s, g, i); err != nil {
					errs <- fmt.Errorf("goroutine %d, op %d: %w", g, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := a.CountUsers(ctx, "p1"); err != nil || n != goroutines*perG {
		t.Errorf("CountUsers = %d, %v; want %d", n, err, goroutines*perG)
	}
}

// writeSome does a plain write, a multi-statement write and a
// read-then-write transaction.
func writeSome(ctx context.Context, s *Store, g, i int) error {
	name := fmt.Sprintf("u-%02d-%02d", g, i)
	u := &store.User{PoolID: "p1", Username: name, Keys: []store.UserKey{{Kind: "username", Value: name}}}
	if err := s.CreateUser(ctx, u); err != nil {
		return err
	}
	if _, err := s.GetOrCreateSetting(ctx, fmt.Sprintf("s%d", i), []byte(name)); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx store.Store) error {
		got, err := tx.GetUserByKey(ctx, "p1", "username", name)
		if err != nil {
			return err
		}
		got.Status = "TOUCHED"
		got.Keys = append(got.Keys, store.UserKey{Kind: "email", Value: name + "@x"})
		return tx.UpdateUser(ctx, got)
	})
}

func TestReaderStatementCache(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	for range 3 {
		if _, err := s.GetPool(ctx, "p"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		if _, err := s.GetClient(ctx, "c"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if n := s.reader.n.Load(); n != 2 {
		t.Errorf("%d statements cached after repeating 2 queries, want 2", n)
	}
	// Past the bound, queries still run, unprepared.
	for i := range maxReaderStmts + 10 {
		var got int
		if err := s.reader.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&got); err != nil || got != i {
			t.Fatalf("query %d = %d, %v", i, got, err)
		}
	}
	if n := s.reader.n.Load(); n != maxReaderStmts {
		t.Errorf("%d statements cached, want the bound %d", n, maxReaderStmts)
	}
	// A query that cannot be prepared reports its error.
	if _, err := s.reader.QueryContext(ctx, "SELECT * FROM no_such_table"); err == nil {
		t.Error("query of a missing table succeeded")
	}
}

// A key listed twice in one user's input is one key, not a conflict with
// itself. (The contract is silent; this backend deduplicates.)
func TestRepeatedKeyInInput(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "p1"}))
	k := store.UserKey{Kind: "email", Value: "a@x"}
	u := &store.User{PoolID: "p1", Username: "alice", Keys: []store.UserKey{k, k}}
	mustDo(t, s.CreateUser(ctx, u))
	mustDo(t, s.UpdateUser(ctx, u))
	got, err := s.GetUserByKey(ctx, "p1", k.Kind, k.Value)
	mustDo(t, err)
	if len(got.Keys) != 1 || got.Keys[0] != k {
		t.Errorf("keys = %v, want [%v]", got.Keys, k)
	}
}

// Keys come back in the order the caller gave them (the contract does not
// promise an order; this backend keeps insertion order).
func TestKeysKeepInputOrder(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "p1"}))
	keys := []store.UserKey{{Kind: "username", Value: "z"}, {Kind: "email", Value: "b@x"}, {Kind: "sub", Value: "a"}}
	u := &store.User{PoolID: "p1", Username: "z", Keys: keys}
	mustDo(t, s.CreateUser(ctx, u))
	u.Keys = []store.UserKey{keys[2], keys[0], {Kind: "phone_number", Value: "+1"}}
	mustDo(t, s.UpdateUser(ctx, u))
	got, err := s.GetUserByKey(ctx, "p1", "sub", "a")
	mustDo(t, err)
	if fmt.Sprint(got.Keys) != fmt.Sprint(u.Keys) {
		t.Errorf("keys = %v, want %v", got.Keys, u.Keys)
	}
}
