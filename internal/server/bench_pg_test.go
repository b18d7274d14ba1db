package server_test

import (
	"testing"

	"github.com/userpool/userpool/internal/store/postgres/pgtest"
)

// BenchmarkForgotPasswordPostgres is BenchmarkForgotPassword on
// PostgreSQL (skipped without USERPOOL_TEST_POSTGRES_DSN): the hot path
// with the attempt committed on its own, then the code and its message
// in one SERIALIZABLE transaction.
func BenchmarkForgotPasswordPostgres(b *testing.B) {
	srv, _, client := benchHandlerOn(b, pgtest.Open(b), 100)
	benchForgotOn(b, srv, client, 100, 1)
}

// BenchmarkForgotPasswordPostgresConcurrent is
// BenchmarkForgotPasswordConcurrent on PostgreSQL.
func BenchmarkForgotPasswordPostgresConcurrent(b *testing.B) {
	srv, _, client := benchHandlerOn(b, pgtest.Open(b), 1000)
	benchForgotOn(b, srv, client, 1000, 16)
}
