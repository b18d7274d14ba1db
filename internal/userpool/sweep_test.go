package userpool

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store/sqlite"
)

// Names tried once under PreventUserExistenceErrors=ENABLED leave attempt
// rows that TakeAttempt never prunes (the name never comes back);
// Sweep removes them once they are older than the limit window, and only
// then.
func TestSweepRemovesExpiredEnumerationAttempts(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		t.Fatal(err)
	}
	clock := &DevClock{}
	s, err := New(ctx, st, h, clock, nil, Config{Region: "us-east-1", IssuerBase: "http://x"})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p"})
	if err != nil {
		t.Fatal(err)
	}
	client, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "c",
		ClientSettings: ClientSettings{PreventUserExistenceErrors: "ENABLED"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ghost1", "ghost2", "ghost3"} {
		if _, err := s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: client.UserPoolClient.ClientId, Username: name}); err != nil {
			t.Fatalf("ForgotPassword %s: %v", name, err)
		}
	}
	if r, err := s.Sweep(ctx); err != nil || r.Attempts != 0 {
		t.Fatalf("sweep inside the window = %+v, %v; want 0 attempts (the rows still count)", r, err)
	}
	clock.Advance(DefaultLimits.Window + time.Minute)
	if r, err := s.Sweep(ctx); err != nil || r.Attempts != 3 {
		t.Fatalf("sweep after the window = %+v, %v; want 3 attempts", r, err)
	}
	if r, err := s.Sweep(ctx); err != nil || r.Attempts != 0 {
		t.Fatalf("second sweep = %+v, %v; want 0 attempts", r, err)
	}
}
