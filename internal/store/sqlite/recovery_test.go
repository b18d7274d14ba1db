package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Behaviour of the 0002_recovery schema that the contract leaves to the
// backend: upgrading an existing database, id allocation, pruning and the
// indexes the hot queries rely on.

// TestMigration0002UpgradesExistingDatabase opens a database that has only
// the 0001 schema and a user in it, as an earlier release left it: the
// upgrade must keep the user and give it an empty history and an unknown
// (zero) PasswordChangedAt.
func TestMigration0002UpgradesExistingDatabase(t *testing.T) {
	ctx := quick(t)
	path := filepath.Join(t.TempDir(), "old.db")
	migs, err := loadMigrations()
	mustDo(t, err)
	if len(migs) < 2 || migs[0].version != 1 || migs[1].version != 2 {
		t.Fatalf("embedded migrations = %v, want 0001 and 0002 first", migs)
	}
	base, err := fileURI(path)
	mustDo(t, err)
	old, err := openDB(ctx, base, connParams, 1)
	mustDo(t, err)
	for _, q := range []string{
		"CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)",
		migs[0].sql,
		"INSERT INTO schema_migrations VALUES (1, 1)",
		"INSERT INTO pools VALUES ('p1', 'pool', x'', 0, 0)",
		`INSERT INTO users VALUES ('p1', 'alice', 'sub-a', 'CONFIRMED', 1, 'hash', '[]', 5, 6)`,
		"INSERT INTO user_keys VALUES ('p1', 'username', 'alice', 'alice')",
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("building the 0001 database: %v", err)
		}
	}
	mustDo(t, old.Close())

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a 0001 database: %v", err)
	}
	defer s.Close()
	if got := appliedMigrations(t, s); len(got) != len(migs) {
		t.Errorf("schema_migrations after the upgrade = %v, want %d versions", got, len(migs))
	}
	u, err := s.GetUserByKey(ctx, "p1", "username", "alice")
	mustDo(t, err)
	if u.PasswordHash != "hash" || u.PasswordHistory != nil || !u.PasswordChangedAt.IsZero() ||
		!u.UpdatedAt.Equal(time.UnixMilli(6)) {
		t.Errorf("user after the upgrade = %+v, want the old fields, no history, zero PasswordChangedAt", u)
	}
	// The upgraded user takes part in the new tables.
	mustDo(t, s.PutCode(ctx, &store.Code{PoolID: "p1", Username: "alice", Purpose: "RESET", MAC: []byte("m")}))
	u.PasswordHistory, u.PasswordChangedAt = []string{"hash"}, time.UnixMilli(7).UTC()
	mustDo(t, s.UpdateUser(ctx, u))
	got, err := s.GetUserByKey(ctx, "p1", "username", "alice")
	mustDo(t, err)
	if len(got.PasswordHistory) != 1 || !got.PasswordChangedAt.Equal(u.PasswordChangedAt) {
		t.Errorf("user after UpdateUser = %+v", got)
	}
}

// Message ids come from AUTOINCREMENT: deleting the newest message (a future
// retention job) does not make its id available again.
func TestMessageIDsNotReusedAfterDelete(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	var last *store.Message
	for range 3 {
		last = &store.Message{PoolID: "p1", Status: "pending"}
		mustDo(t, s.EnqueueMessage(ctx, last))
	}
	if _, err := s.writes().ExecContext(ctx, "DELETE FROM messages"); err != nil {
		t.Fatal(err)
	}
	m := &store.Message{PoolID: "p1", Status: "pending"}
	mustDo(t, s.EnqueueMessage(ctx, m))
	if m.ID <= last.ID {
		t.Errorf("message after deleting all got ID %d, want more than the deleted %d", m.ID, last.ID)
	}
}

// The hot queries of the new tables are index lookups, not table scans.
func TestRecoveryQueriesUseIndexes(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	inbox, inboxArgs := messageQuery(store.MessageFilter{PoolID: "p", Username: "u", AfterID: 7})
	byDest, byDestArgs := messageQuery(store.MessageFilter{Destination: "d"})
	for _, tc := range []struct {
		query string
		args  []any
		index string
	}{
		{countAttempts, []any{"p", "s", "k", 1, 5}, "attempts_subject"},
		{inbox, inboxArgs, "messages_inbox"},
		{byDest, byDestArgs, "messages_destination"},
		{getCodeQuery, []any{"p", "u", "r"}, "sqlite_autoindex_codes_1"},
	} {
		plan := queryPlan(t, s.reader.db, tc.query, tc.args...)
		if !strings.Contains(plan, tc.index) {
			t.Errorf("plan of %q does not use %s:\n%s", tc.query, tc.index, plan)
		}
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plan of %q sorts instead of walking the index:\n%s", tc.query, plan)
		}
		t.Logf("%s\n%s", tc.query, plan)
	}
}

func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	mustDo(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		mustDo(t, rows.Scan(&id, &parent, &notused, &detail))
		b.WriteString(detail + "\n")
	}
	mustDo(t, rows.Err())
	return b.String()
}
