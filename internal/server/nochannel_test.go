package server_test

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
)

// TestNoChannelOutsideDevKeepsNoCode: a medium without a delivery channel
// keeps its messages for the development inbox only with --dev; outside it
// nobody can read them, and a stored plaintext code is only a risk, so no
// message is kept at all (the code itself is stored as an HMAC as always).
func TestNoChannelOutsideDevKeepsNoCode(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, withStore(st), withInboxOnly("EMAIL"))
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	if _, err := e.forgot(clientID, "alice"); err != nil {
		t.Fatal(err)
	}
	msgs, err := st.ListMessages(t.Context(), store.MessageFilter{PoolID: poolID})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Code != "" || m.Body != "" {
			t.Fatalf("a message with its code was kept outside --dev: %+v", m)
		}
	}
	if _, err := st.GetCode(t.Context(), poolID, "alice", "RESET"); err != nil {
		t.Fatalf("the code itself (its HMAC) was not stored: %v", err)
	}
}
