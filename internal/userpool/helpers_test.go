package userpool

import (
	"path/filepath"
	"testing"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store/sqlite"
)

// testService is a Service on a fresh SQLite file with cfg (Region and
// IssuerBase filled in) and a DevClock.
func testService(t *testing.T, cfg Config) (*Service, *DevClock) {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Region, cfg.IssuerBase = "us-east-1", "http://x"
	clock := &DevClock{}
	s, err := New(ctx, st, h, clock, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, clock
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
