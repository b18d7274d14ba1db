package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// The development clock leaves no lasting damage (issue 14 item 1): what a
// test did while the clock was ahead must not trip real time up after a
// reset — no lockout for the advanced span, no code valid for longer than
// its lifetime.

// moveClock posts body to /_userpool/clock and requires a 200.
func (e *env) moveClock(body string) {
	e.t.Helper()
	if status, b := e.devCall(http.MethodPost, "/_userpool/clock", body); status != http.StatusOK {
		e.t.Fatalf("POST /_userpool/clock %s: %d %s", body, status, b)
	}
}

// Five failed sign-ins two hours ahead, then a reset: the user signs in at
// once (before, the failures stayed "in the future" and kept her locked
// out for two hours).
func TestClockResetLeavesNoSignInLockout(t *testing.T) {
	t.Parallel()
	e, _, clientID := recoverySetup(t)
	e.moveClock(`{"advanceSeconds": 7200}`)
	e.lockOut(clientID, "alice", goodPassword)
	e.moveClock(`{"reset": true}`)
	e.signIn(clientID, "alice", goodPassword)
}

// Five wrong codes and five code requests two hours ahead, then a reset:
// the budgets are whole again in real time.
func TestClockResetLeavesNoCodeLimits(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(5, 5))
	e.moveClock(`{"advanceSeconds": 7200}`)
	var code string
	for range 5 {
		code = e.mustForgot(poolID, clientID, "alice")
	}
	_, err := e.forgot(clientID, "alice")
	wantAPIError(t, err, "LimitExceededException", msgLimitExceeded)
	for range 5 {
		wantAPIError(t, e.confirmForgot(clientID, "alice", otherCode(code), "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	}
	e.moveClock(`{"reset": true}`)
	ok(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "the code issued while ahead, after the reset")
	e.mustForgot(poolID, clientID, "alice")
}

// A code issued two hours ahead lives one hour from the reset, not three;
// the inbox shows it created at the reset.
func TestClockResetShortensCodesIssuedAhead(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	e.moveClock(`{"advanceSeconds": 7200}`)
	code := e.mustForgot(poolID, clientID, "alice")
	e.moveClock(`{"reset": true}`)
	m := e.latestMessage(t, poolID, "alice")
	if now := time.Now(); m.CreatedAt.After(now) || m.ExpiresAt.After(now.Add(time.Hour)) {
		t.Fatalf("after the reset the message was created %v and expires %v; now is %v", m.CreatedAt, m.ExpiresAt, now)
	}
	e.moveClock(`{"advanceSeconds": 3601}`)
	wantAPIError(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "ExpiredCodeException", msgExpiredCode)
}

// {"set": "<RFC 3339>"} moves the clock to a time: ahead like advance,
// back like reset (clamping what lies after it), never before real time.
func TestClockSet(t *testing.T) {
	t.Parallel()
	e, _, clientID := recoverySetup(t)
	type clock struct {
		Now           time.Time `json:"now"`
		OffsetSeconds float64   `json:"offsetSeconds"`
	}
	set := func(at time.Time) clock {
		t.Helper()
		status, b := e.devCall(http.MethodPost, "/_userpool/clock", fmt.Sprintf(`{"set": %q}`, at.Format(time.RFC3339Nano)))
		var c clock
		if status != http.StatusOK || json.Unmarshal(b, &c) != nil {
			t.Fatalf("set %v: %d %s", at, status, b)
		}
		return c
	}
	day := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	if c := set(day); c.Now.Before(day) || c.Now.After(day.Add(5*time.Second)) || c.OffsetSeconds < 86000 {
		t.Fatalf("set to %v: %+v", day, c)
	}
	e.lockOut(clientID, "alice", goodPassword)
	// An hour earlier, still ahead of real time: the failures a day ahead
	// are now in the future, and forgotten.
	if c := set(day.Add(-time.Hour)); c.OffsetSeconds > 82900 || c.OffsetSeconds < 82700 {
		t.Fatalf("set an hour back: %+v", c)
	}
	e.signIn(clientID, "alice", goodPassword)
	for _, body := range []string{
		fmt.Sprintf(`{"set": %q}`, time.Now().Add(-time.Hour).Format(time.RFC3339)),
		`{"set": "tomorrow"}`,
		fmt.Sprintf(`{"set": %q, "reset": true}`, day.Format(time.RFC3339)),
		fmt.Sprintf(`{"set": %q, "advanceSeconds": 1}`, day.Format(time.RFC3339)),
		fmt.Sprintf(`{"set": %q}`, time.Now().AddDate(11, 0, 0).Format(time.RFC3339)),
	} {
		if status, b := e.devCall(http.MethodPost, "/_userpool/clock", body); status != http.StatusBadRequest {
			t.Errorf("POST /_userpool/clock %s: %d %s, want 400", body, status, b)
		}
	}
	if off := e.Clock.Offset(); off < 82700*time.Second || off > 82900*time.Second {
		t.Fatalf("refused requests moved the clock: offset %v", off)
	}
}
