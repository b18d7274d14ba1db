package server_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/lambdatest"
)

// --- Failure mapping, on the ForgotPassword path ---------------------------------

func TestCustomMessageFailuresIssueNoCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		fn            lambdatest.Func
		opts          []lambdatest.Option
		code, message string
		minCalls      int
		maxCalls      int
	}{
		{"function error", failWith("Pending for approval"), nil,
			"UserLambdaValidationException", "CustomMessage failed with error Pending for approval.", 1, 1},
		{"timeout", echo, []lambdatest.Option{lambdatest.Delay(5 * time.Second)},
			"UnexpectedLambdaException", "CustomMessage invocation failed due to error Socket timeout while invoking Lambda function.", 1, 3},
		{"garbage output", func(json.RawMessage) (any, error) { return lambdatest.Raw("garbage"), nil }, nil,
			"InvalidLambdaResponseException", "Unrecognizable lambda output", 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			te := newTriggerEnv(t)
			poolID, clientID := customMessagePool(te)
			te.fn.Handle("msg", tc.fn, tc.opts...)
			start := time.Now()
			_, err := te.with(t).forgot(clientID, "alice")
			wantAPIError(t, err, tc.code, tc.message)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("ForgotPassword took %v", d)
			}
			if n := len(te.fn.InvocationsOf("msg")); n < tc.minCalls || n > tc.maxCalls {
				t.Errorf("msg invoked %d times, want %d..%d", n, tc.minCalls, tc.maxCalls)
			}
			te.wantNoResetIssued(t, poolID, clientID, "alice")
		})
	}
}

// The attempt limit (spec §2.2 step 6) comes before the message (step 7):
// a refused request never reaches the CustomMessage function. (Without a
// function the attempt, code and message commit together; with one the
// attempt must commit first, on its own.)
func TestCustomMessageNotCalledOverLimit(t *testing.T) {
	t.Parallel()
	te := newTriggerEnv(t)
	poolID, clientID := customMessagePool(te)
	te.fn.Handle("msg", echo)
	for i := range 5 {
		_, err := te.with(t).forgot(clientID, "alice")
		ok(t, err, fmt.Sprintf("ForgotPassword %d", i+1))
	}
	first := te.latestMessage(t, poolID, "alice")
	_, err := te.with(t).forgot(clientID, "alice")
	wantAPIError(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
	if n := len(te.fn.InvocationsOf("msg")); n != 5 {
		t.Errorf("msg invoked %d times for 5 allowed requests and 1 refused, want 5", n)
	}
	if m := te.latestMessage(t, poolID, "alice"); m.ID != first.ID {
		t.Errorf("the refused request queued message %d", m.ID)
	}
}
