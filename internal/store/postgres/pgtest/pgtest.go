// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema on the server named by USERPOOL_TEST_POSTGRES_DSN, dropped when
// the test ends. The store's own tests and the server's tests that run
// on both backends share it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store/postgres"
)

// DSN returns the database the tests may use. Without
// USERPOOL_TEST_POSTGRES_DSN the tests are skipped — except in CI, where
// that means the install step is broken, so they fail.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("USERPOOL_TEST_POSTGRES_DSN")
	switch {
	case dsn != "":
		return dsn
	case os.Getenv("CI") != "":
		t.Fatal("USERPOOL_TEST_POSTGRES_DSN is not set in CI: .ci/run must start PostgreSQL")
	case testing.Short():
		t.Skip("-short: no PostgreSQL")
	}
	t.Skip("USERPOOL_TEST_POSTGRES_DSN is not set: the PostgreSQL backend is NOT tested here (bash .ci/run starts a throw-away PostgreSQL and sets it)")
	return ""
}

// FreshSchema creates an empty schema for one test and returns a DSN whose
// search_path points at it, so tests never see each other's rows.
func FreshSchema(t testing.TB) string {
	t.Helper()
	dsn := DSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a migrated store in a fresh schema, closed when the test ends.
func Open(t testing.TB) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), FreshSchema(t), postgres.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
