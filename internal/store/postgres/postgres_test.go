package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/postgres"
	"github.com/userpool/userpool/internal/store/storetest"
)

// testDSN returns the database the tests may use. Without
// USERPOOL_TEST_POSTGRES_DSN the tests are skipped — except in CI, where
// that means the install step is broken, so they fail.
func testDSN(t testing.TB) string {
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
	t.Skip("USERPOOL_TEST_POSTGRES_DSN is not set")
	return ""
}

// freshSchema creates an empty schema for one test and returns a DSN whose
// search_path points at it, so tests never see each other's rows.
func freshSchema(t testing.TB) string {
	t.Helper()
	dsn := testDSN(t)
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

func open(t testing.TB) store.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), freshSchema(t), postgres.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestOpenFailsClearly(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", postgres.Options{}); err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	if _, err := postgres.Open(context.Background(), "::not a dsn::", postgres.Options{}); err == nil {
		t.Fatal("Open of a malformed DSN succeeded")
	}
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	dsn := freshSchema(t)
	for range 2 {
		st, err := postgres.Open(context.Background(), dsn, postgres.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkPostgres runs the store's hot-path benchmarks on PostgreSQL,
// beside BenchmarkSQLite (see BENCHMARKS.md).
func BenchmarkPostgres(b *testing.B) {
	storetest.Benchmark(b, func(b *testing.B) store.Store { return open(b) })
}
