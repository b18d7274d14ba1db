package userpool

import (
	"path/filepath"
	"testing"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
)

// openTestStore opens a fresh SQLite store in the test's temporary directory.
func openTestStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newTestService returns a Service over st with a development clock and the
// cheapest password hashing.
func newTestService(t *testing.T, st store.Store, cfg Config) (*Service, *DevClock) {
	t.Helper()
	h, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		t.Fatal(err)
	}
	clock := &DevClock{}
	cfg.Region, cfg.IssuerBase = "us-east-1", "http://x"
	s, err := New(t.Context(), st, h, clock, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, clock
}

// newTestPool creates a pool and returns its ID.
func newTestPool(t *testing.T, s *Service) string {
	t.Helper()
	pool, err := s.CreateUserPool(t.Context(), &CreateUserPoolInput{PoolName: "p"})
	if err != nil {
		t.Fatal(err)
	}
	return pool.UserPool.Id
}
