package userpool

import (
	"path/filepath"
	"testing"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/store/txtwice"
)

// openTestStore opens a fresh SQLite store in the test's temporary
// directory, whose Tx callbacks run twice, the first run rolled back
// (txtwice): as a PostgreSQL retry runs them.
func openTestStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return txtwice.Wrap(st)
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

// testService is a Service on a fresh SQLite file with cfg.
func testService(t *testing.T, cfg Config) (*Service, *DevClock) {
	t.Helper()
	return newTestService(t, openTestStore(t), cfg)
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

// enabledPool creates a pool (in tweaked) and a PreventUserExistenceErrors
// =ENABLED client, and returns their ids.
func enabledPool(t *testing.T, s *Service, in *CreateUserPoolInput) (poolID, clientID string) {
	t.Helper()
	in.PoolName = "p"
	pool, err := s.CreateUserPool(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	client, err := s.CreateUserPoolClient(t.Context(), &CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "c",
		ClientSettings: ClientSettings{PreventUserExistenceErrors: "ENABLED"}})
	if err != nil {
		t.Fatal(err)
	}
	return pool.UserPool.Id, client.UserPoolClient.ClientId
}

// confirmedUser creates a CONFIRMED user with a permanent password.
func confirmedUser(t *testing.T, s *Service, poolID, username string, attrs ...AttributeType) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: username,
		UserAttributes: attrs, MessageAction: "SUPPRESS"}); err != nil {
		t.Fatalf("AdminCreateUser %s: %v", username, err)
	}
	if _, err := s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: poolID, Username: username,
		Password: "Passw0rd!x", Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword %s: %v", username, err)
	}
}
