package server_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/aws/smithy-go"
)

// Concurrency (run with -race): the attempt limit and single use must hold
// for parallel requests, not only for sequential ones.

// errorCode is the API error code of err, "" for nil, or "non-API: ..." otherwise.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return "non-API: " + err.Error()
}

// confirmConcurrently runs n ConfirmForgotPassword calls at once and counts
// the outcomes by error code ("" for success).
func (e *env) confirmConcurrently(n int, clientID, username string, code func(i int) string, password string) map[string]int {
	e.t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
		got   = map[string]int{}
	)
	for i := range n {
		wg.Go(func() {
			<-start
			err := e.confirmForgot(clientID, username, code(i), password)
			mu.Lock()
			got[errorCode(err)]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return got
}

// The 2021 Cognito race: parallel guesses each saw a count below the limit.
// Here 50 parallel wrong guesses with a limit of 5 get exactly 5
// evaluations; the rest, and then the right code, get LimitExceeded.
func TestConfirmForgotPasswordParallelGuesses(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(5, 5))
	code := e.mustForgot(poolID, clientID, "alice")
	got := e.confirmConcurrently(50, clientID, "alice", func(int) string { return otherCode(code) }, "NewPassw0rd!")
	if got["CodeMismatchException"] != 5 || got["LimitExceededException"] != 45 || len(got) != 2 {
		t.Fatalf("outcomes %v, want 5 CodeMismatchException and 45 LimitExceededException", got)
	}
	wantAPIError(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "LimitExceededException", msgLimitExceeded)
	e.signIn(clientID, "alice", goodPassword)
}

// Ten parallel confirmations with the right code: exactly one succeeds, the
// code being single use; none is told the code is wrong.
func TestConfirmForgotPasswordParallelRightCode(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withLimits(5, 20))
	code := e.mustForgot(poolID, clientID, "alice")
	got := e.confirmConcurrently(10, clientID, "alice", func(int) string { return code }, "NewPassw0rd!")
	if got[""] != 1 || got["ExpiredCodeException"] != 9 {
		t.Fatalf("outcomes %v, want 1 success and 9 ExpiredCodeException", got)
	}
	e.signIn(clientID, "alice", "NewPassw0rd!")
}
