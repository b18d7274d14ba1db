package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/postgres"
	"github.com/userpool/userpool/internal/store/postgres/pgtest"
)

// TestMigration0003KeepsExistingRows builds a database as release 0002 left
// it (JSONB attributes, text keys, codes and message texts), then opens it:
// 0003_nul_safe_text.sql converts the columns and every string reads back
// unchanged.
func TestMigration0003KeepsExistingRows(t *testing.T) {
	dsn := pgtest.FreshSchema(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	stmts := []string{`CREATE TABLE schema_migrations (
		version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`}
	for _, f := range []string{"migrations/0001_init.sql", "migrations/0002_message_expiry.sql"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b))
	}
	stmts = append(stmts,
		`INSERT INTO schema_migrations (version) VALUES (1), (2)`,
		`INSERT INTO pools VALUES ('p1', 'pool', '\x7b7d', 0, 0)`,
		`INSERT INTO users (pool_id, username, sub, status, enabled, password_hash, attributes, created_at, updated_at)
			VALUES ('p1', 'alice', 's', 'CONFIRMED', true, 'h', '[{"Name":"email","Value":"ålice@example.com"}]', 0, 0)`,
		`INSERT INTO user_keys VALUES ('p1', 'email', 'ålice@example.com', 'alice', 1), ('p1', 'username', 'alice', 'alice', 2)`,
		`INSERT INTO codes VALUES ('p1', 'alice', 'RESET', '\x01', 'email', 0, 0)`,
		`INSERT INTO messages (pool_id, username, purpose, medium, destination, subject, body, code,
			suppressed_reason, status, created_at, from_address, reply_to, last_error)
			VALUES ('p1', 'alice', 'ForgotPassword', 'EMAIL', 'ålice@example.com', 'Sübject', 'Bödy', '123456',
			'', 'dead', 1000, 'Früm <f@x>', 'r@x', 'läst error')`,
		`INSERT INTO message_attempts VALUES (1, 1, 1000, 'läst error')`)
	for _, q := range stmts {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("building the 0002 database: %v\n%s", err, q)
		}
	}
	st, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
	if err != nil {
		t.Fatalf("Open of a 0002 database: %v", err)
	}
	defer st.Close()
	u, err := st.GetUserByKey(ctx, "p1", "email", "ålice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Attributes) != 1 || u.Attributes[0] != (store.Attribute{Name: "email", Value: "ålice@example.com"}) ||
		len(u.Keys) != 2 || u.Keys[0] != (store.UserKey{Kind: "email", Value: "ålice@example.com"}) {
		t.Errorf("user after the upgrade = %+v", u)
	}
	if c, err := st.GetCode(ctx, "p1", "alice", "RESET"); err != nil || c.Attribute != "email" {
		t.Errorf("code after the upgrade = %+v, %v", c, err)
	}
	ms, err := st.ListMessages(ctx, store.MessageFilter{Username: "alice", Destination: "ålice@example.com"})
	if err != nil || len(ms) != 1 {
		t.Fatalf("messages after the upgrade = %v, %v", ms, err)
	}
	m := ms[0]
	if m.Subject != "Sübject" || m.Body != "Bödy" || m.From != "Früm <f@x>" || m.ReplyTo != "r@x" || m.LastError != "läst error" {
		t.Errorf("message after the upgrade = %+v", m)
	}
	a, err := st.ListMessageAttempts(ctx, m.ID)
	if err != nil || len(a) != 1 || a[0].Error != "läst error" || !a[0].At.Equal(time.UnixMilli(1000)) {
		t.Errorf("attempts after the upgrade = %+v, %v", a, err)
	}
	// A message enqueued after the upgrade gets the new defaults.
	n := &store.Message{PoolID: "p1", Status: store.MessageSuppressed, CreatedAt: time.UnixMilli(2000).UTC()}
	if err := st.EnqueueMessage(ctx, n); err != nil {
		t.Fatal(err)
	}
}
