package userpool

import (
	"testing"
	"time"
)

// Names tried once under PreventUserExistenceErrors=ENABLED leave attempt
// rows that TakeAttempt never prunes (the name never comes back);
// Sweep removes them once they are older than the limit window, and only
// then.
func TestSweepRemovesExpiredEnumerationAttempts(t *testing.T) {
	ctx := t.Context()
	s, clock := testService(t, Config{})
	_, clientID := enabledPool(t, s, &CreateUserPoolInput{})
	for _, name := range []string{"ghost1", "ghost2", "ghost3"} {
		if _, err := s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: clientID, Username: name}); err != nil {
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
