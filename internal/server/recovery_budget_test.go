package server_test

import (
	"testing"
)

// The code-entry budget (spec §2.9) protects a code from guessing, so only
// guesses spend it: a wrong or expired code counts, the right code with a
// password the pool refuses does not (issue 14 item 7).

// Five weak passwords with the right code leave the budget whole: the
// user then still has four wrong codes and a right one.
func TestWeakPasswordsDoNotSpendCodeEntries(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(20, 5))
	code := e.mustForgot(poolID, clientID, "alice")
	for range 5 {
		wantAPIError(t, e.confirmForgot(clientID, "alice", code, "weak"), "InvalidPasswordException",
			policyPrefix+"Password not long enough")
	}
	for range 4 {
		wantAPIError(t, e.confirmForgot(clientID, "alice", otherCode(code), "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	}
	ok(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "the right code after five weak passwords and four wrong codes")
	e.signIn(clientID, "alice", "NewPassw0rd!")
}

// Wrong codes keep counting however many refused passwords come between
// them: the fifth wrong code exhausts the budget.
func TestWrongCodesStillCountBetweenWeakPasswords(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(20, 5))
	code := e.mustForgot(poolID, clientID, "alice")
	for range 5 {
		wantAPIError(t, e.confirmForgot(clientID, "alice", code, "weak"), "InvalidPasswordException",
			policyPrefix+"Password not long enough")
		wantAPIError(t, e.confirmForgot(clientID, "alice", otherCode(code), "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	}
	wantAPIError(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "LimitExceededException", msgLimitExceeded)
	wantAPIError(t, e.confirmForgot(clientID, "alice", code, "weak"), "LimitExceededException", msgLimitExceeded)
}

// Guard for the atomic count: 20 right-code-weak-password requests racing
// 20 wrong codes never get more than the limit of wrong codes evaluated
// (a right code's attempt is counted first and given back after the
// match, so it can only make the race stricter, never looser).
func TestWeakPasswordsRacingWrongCodes(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(20, 5))
	code := e.mustForgot(poolID, clientID, "alice")
	got := e.confirmConcurrently(40, clientID, "alice", func(i int) string {
		if i%2 == 0 {
			return code
		}
		return otherCode(code)
	}, "weak")
	delete(got, "InvalidPasswordException")
	delete(got, "LimitExceededException")
	if n := got["CodeMismatchException"]; n > 5 || len(got) > 1 || (len(got) == 1 && n == 0) {
		t.Fatalf("outcomes besides InvalidPassword and LimitExceeded: %v, want at most 5 CodeMismatchException", got)
	}
}
