package server_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The optional per-pool recovery rate (--limit-recovery-rps, issue 7):
// ForgotPassword and ConfirmForgotPassword share one bucket per pool; beyond
// it both answer TooManyRequestsException "Rate exceeded" (spec §2.9) and
// change nothing; real, disabled and unknown users are throttled alike.
func TestRecoveryRatePerPool(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := enumerationSetup(t, withRecoveryRate(2))
	otherPool := aws.ToString(e.pool().Id)
	otherClient := aws.ToString(e.client(otherPool, enabledClient).ClientId)

	// Burst 2 (one second's worth), refilled every 500 ms: the throttled
	// calls below must follow within 500 ms, which they do by far.
	for _, user := range []string{"alice", "ghost"} {
		_, err := e.forgot(clientID, user)
		ok(t, err, "ForgotPassword "+user)
	}
	before := len(e.userInbox(poolID, "alice"))
	for _, user := range []string{"alice", "ghost", "dora"} {
		_, err := e.forgot(clientID, user)
		wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")
	}
	err := e.confirmForgot(clientID, "alice", "000000", goodPassword)
	wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")
	if after := len(e.userInbox(poolID, "alice")); after != before {
		t.Fatalf("a throttled ForgotPassword queued a message: %d → %d", before, after)
	}
	// Another pool has its own bucket.
	_, err = e.forgot(otherClient, "ghost")
	ok(t, err, "ForgotPassword in another pool")

	// Tokens come back at 2/s of the service clock. The throttled
	// ConfirmForgotPassword above was not counted as a code entry: the
	// right code still works after four wrong ones (the per-user limit is 5).
	code := e.latestCode(t, poolID, "alice")
	for range 4 {
		e.Clock.Advance(500 * time.Millisecond)
		err := e.confirmForgot(clientID, "alice", wrongCode(code), goodPassword)
		wantAPICode(t, err, "CodeMismatchException")
	}
	e.Clock.Advance(500 * time.Millisecond)
	ok(t, e.confirmForgot(clientID, "alice", code, "N3w-Passw0rd!"), "ConfirmForgotPassword")
}

// The bucket refills by the service clock, as every other time rule: one
// request per 1000 s, and moving the clock 1000 s refills it.
func TestRecoveryRateFollowsServiceClock(t *testing.T) {
	t.Parallel()
	e, _, clientID := enumerationSetup(t, withRecoveryRate(0.001))
	_, err := e.forgot(clientID, "alice")
	ok(t, err, "the first ForgotPassword")
	_, err = e.forgot(clientID, "alice")
	wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")
	e.Clock.Advance(1000 * time.Second)
	_, err = e.forgot(clientID, "alice")
	ok(t, err, "ForgotPassword 1000 s later by the service clock")
}

// Off by default: a burst of recovery requests is answered in full.
func TestRecoveryRateOffByDefault(t *testing.T) {
	t.Parallel()
	e, _, clientID := enumerationSetup(t)
	for i := range 40 {
		_, err := e.forgot(clientID, fmt.Sprintf("ghost%d", i))
		ok(t, err, "ForgotPassword")
	}
}

// wrongCode is a six-digit code different from code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}
