package server_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// Concurrent answers, on both backends: of parallel answers to one
// session exactly one gets tokens and every other one is told the session
// was used; of parallel answers with one TOTP code in different sessions
// exactly one gets tokens and every other one is told the code was used.
// Both rules hold in the store (store.Once), not in a process's memory.
func TestMfaAnswersRace(t *testing.T) {
	t.Parallel()
	onBothBackends(t, func(t *testing.T, opts ...func(*envConfig)) {
		e, poolID, clientID := mfaEnv(t, 0, append(opts, withLimits(5, 50))...)
		e.mfaUser(poolID, "sam")
		ok(t, e.prefer(poolID, "sam", on, nil, nil), "SMS on")
		e.mfaUser(poolID, "tia")
		app := e.enrolTotp(clientID, "tia", "")
		ok(t, e.prefer(poolID, "tia", nil, on, nil), "TOTP on")

		smsSession := aws.ToString(e.challenge(clientID, "sam", types.ChallengeNameTypeSmsMfa).Session)
		code := e.mfaCode(poolID, "sam", "SMS", "+14155550123")
		wantOneWinner(t, race(8, func(int) error {
			_, err := e.respond(clientID, types.ChallengeNameTypeSmsMfa, smsSession, "sam", "SMS_MFA_CODE", code)
			return err
		}), "Invalid session for the user, session can only be used once.")

		totpSession := aws.ToString(e.challenge(clientID, "tia", types.ChallengeNameTypeSoftwareTokenMfa).Session)
		now := app.now(e)
		wantOneWinner(t, race(8, func(int) error {
			_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, totpSession, "tia", "SOFTWARE_TOKEN_MFA_CODE", now)
			return err
		}), "Invalid session for the user, session can only be used once.")

		e.nextStep()
		sessions := make([]string, 6)
		for i := range sessions {
			sessions[i] = aws.ToString(e.challenge(clientID, "tia", types.ChallengeNameTypeSoftwareTokenMfa).Session)
		}
		code = app.now(e)
		wantOneWinner(t, race(len(sessions), func(i int) error {
			_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, sessions[i], "tia", "SOFTWARE_TOKEN_MFA_CODE", code)
			return err
		}), "Your software token has already been used once.")
	})
}

// race runs fn n times at once and returns the errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// wantOneWinner: exactly one nil, every other error an API error with
// loserMessage.
func wantOneWinner(t *testing.T, errs []error, loserMessage string) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorMessage() != loserMessage {
			t.Errorf("a loser got %v, want %q", err, loserMessage)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d answers won, want exactly 1", wins, len(errs))
	}
}
