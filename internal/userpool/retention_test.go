package userpool

import (
	"strings"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// enabledClient creates a pool with a PreventUserExistenceErrors=ENABLED
// client and returns the pool and client IDs.
func enabledClient(t *testing.T, s *Service) (poolID, clientID string) {
	t.Helper()
	poolID = newTestPool(t, s)
	client, err := s.CreateUserPoolClient(t.Context(), &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "c",
		ClientSettings: ClientSettings{PreventUserExistenceErrors: "ENABLED"}})
	if err != nil {
		t.Fatal(err)
	}
	return poolID, client.UserPoolClient.ClientId
}

// forgot runs ForgotPassword for name, which must be answered.
func forgot(t *testing.T, s *Service, clientID, name string) {
	t.Helper()
	if _, err := s.ForgotPassword(t.Context(), &ForgotPasswordInput{ClientId: clientID, Username: name}); err != nil {
		t.Fatalf("ForgotPassword %q: %v", name, err)
	}
}

// A suppressed record exists so that an unknown name costs the write a
// real user's code costs; outside --dev nobody can read it (the development
// inbox is the only reader), so it must not keep what was typed: a 128-
// character name per request made every row about 1.5 KB. With Dev it
// keeps the name, which the inbox shows a test author.
func TestSuppressedRecordsKeepNoInputOutsideDev(t *testing.T) {
	typed := strings.Repeat("n", 128)
	for _, dev := range []bool{false, true} {
		st := openTestStore(t)
		s, _ := newTestService(t, st, Config{Dev: dev})
		poolID, clientID := enabledClient(t, s)
		forgot(t, s, clientID, typed)
		msgs, err := st.ListMessages(t.Context(), store.MessageFilter{})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("dev %v: messages = %v, %v; want the one suppressed record", dev, msgs, err)
		}
		m := msgs[0]
		want := store.Message{ID: m.ID, PoolID: poolID, Purpose: "FORGOT_PASSWORD", Medium: "EMAIL",
			SuppressedReason: "USER_NOT_FOUND", Status: store.MessageSuppressed, CreatedAt: m.CreatedAt}
		if dev {
			want.Username = typed
		}
		if *m != want {
			t.Errorf("dev %v: suppressed record\n got %+v\nwant %+v", dev, *m, want)
		}
	}
}

// The sweep deletes finished messages (here an unknown name's suppressed
// record and a message kept for the inbox) once they are older than
// MessageRetention, and attempts once they are out of the limit window;
// a pending message stays, however old.
func TestSweepDeletesMessagesAfterRetention(t *testing.T) {
	ctx := t.Context()
	st := openTestStore(t)
	s, clock := newTestService(t, st, Config{MessageRetention: 24 * time.Hour})
	poolID, clientID := enabledClient(t, s)
	forgot(t, s, clientID, "ghost")
	for _, status := range []string{store.MessageInbox, store.MessagePending} {
		if err := st.EnqueueMessage(ctx, &store.Message{PoolID: poolID, Username: "u", Status: status, CreatedAt: s.now()}); err != nil {
			t.Fatal(err)
		}
	}
	sweep := func(wantAttempts, wantMessages int64) {
		t.Helper()
		got, err := s.Sweep(ctx)
		if err != nil || got != (SweepResult{Attempts: wantAttempts, Messages: wantMessages}) {
			t.Fatalf("Sweep at %s = %+v, %v; want %d attempts and %d messages", s.now(), got, err, wantAttempts, wantMessages)
		}
	}
	sweep(0, 0)
	clock.Advance(DefaultLimits.Window + time.Minute)
	sweep(1, 0)
	clock.Advance(24 * time.Hour)
	sweep(0, 2)
	msgs, err := st.ListMessages(ctx, store.MessageFilter{})
	if err != nil || len(msgs) != 1 || msgs[0].Status != store.MessagePending {
		t.Fatalf("messages left = %v, %v; want only the pending one", msgs, err)
	}
}

// An unknown name's attempt rows live for the limit window and nobody
// reads what was typed: the subject is a fixed-size digest of the folded
// name (a 128-character name made every attempt row and its index entry
// carry it), distinct per name, equal for names the pool's case folding
// makes equal.
func TestUnknownSubjectIsADigestOfTheFoldedName(t *testing.T) {
	s, _ := newTestService(t, openTestStore(t), Config{})
	out, err := s.CreateUserPool(t.Context(), &CreateUserPoolInput{PoolName: "p",
		UsernameConfiguration: &UsernameConfigurationType{CaseSensitive: boolp(false)}})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := s.loadPool(t.Context(), s.store, out.UserPool.Id)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("N", 128)
	subject := unknownSubject(pool, long)
	if len(subject) > 32 || strings.Contains(strings.ToLower(subject), "nnnn") || !strings.HasPrefix(subject, "\x00") {
		t.Errorf("unknown subject %q: want at most 32 bytes, behind a NUL, without the name", subject)
	}
	if unknownSubject(pool, strings.ToLower(long)) != subject {
		t.Error("case variants of a name are different subjects in a case-insensitive pool")
	}
	if unknownSubject(pool, long[1:]) == subject || unknownSubject(pool, "alice") == unknownSubject(pool, "bob") {
		t.Error("different names share a subject")
	}
}
