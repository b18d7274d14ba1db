package postgres_test

import (
	"context"
	"testing"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/postgres"
	"github.com/userpool/userpool/internal/store/postgres/pgtest"
	"github.com/userpool/userpool/internal/store/storetest"
)

func open(t testing.TB) store.Store { return pgtest.Open(t) }

func TestConformance(t *testing.T) {
	pgtest.DSN(t)
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
	dsn := pgtest.FreshSchema(t)
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
