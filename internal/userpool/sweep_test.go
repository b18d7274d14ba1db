package userpool

import (
	"testing"
	"time"
)

// Names tried once under PreventUserExistenceErrors=ENABLED leave attempt
// rows that TakeAttempt never prunes (the name never comes back);
// SweepAttempts removes them once they are older than the limit window,
// and only then.
func TestSweepAttemptsRemovesExpiredEnumerationRows(t *testing.T) {
	ctx := t.Context()
	s, clock := testService(t, Config{})
	_, clientID := enabledPool(t, s, &CreateUserPoolInput{})
	for _, name := range []string{"ghost1", "ghost2", "ghost3"} {
		if _, err := s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: clientID, Username: name}); err != nil {
			t.Fatalf("ForgotPassword %s: %v", name, err)
		}
	}
	if n, err := s.SweepAttempts(ctx); err != nil || n != 0 {
		t.Fatalf("sweep inside the window = %d, %v; want 0 (the rows still count)", n, err)
	}
	clock.Advance(DefaultLimits.Window + time.Minute)
	if n, err := s.SweepAttempts(ctx); err != nil || n != 3 {
		t.Fatalf("sweep after the window = %d, %v; want 3", n, err)
	}
	if n, err := s.SweepAttempts(ctx); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v; want 0", n, err)
	}
}
