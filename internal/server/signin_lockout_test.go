package server_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

// Sign-in lockout (spec §6 InitiateAuth): five failed sign-ins in a row are
// free, then a lockout of 1 s doubling up to 15 minutes by default
// (withLockout and withLongLockout stretch it so that tests running in real
// time see it hold); attempts are counted before the password is checked,
// so the attempt after five failures is NotAuthorizedException "Password
// attempts exceeded" even with the right password; a success resets the
// count.

const attemptsExceeded = "Password attempts exceeded"

func TestSignInLockout(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := authSetup(t, withLongLockout)
	for range 5 {
		_, err := e.initiate(clientID, "alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	_, err := e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
	// Another user of the pool is not affected.
	e.confirmedUser(poolID, "bob", goodPassword)
	_, err = e.initiate(clientID, "bob", goodPassword)
	ok(t, err, "bob while alice is locked out")
	e.Clock.Advance(15 * time.Minute)
	_, err = e.initiate(clientID, "alice", goodPassword)
	ok(t, err, "sign-in after the lockout")
	// The success reset the count: four failures and a success, twice.
	for range 2 {
		for range 4 {
			_, err := e.initiate(clientID, "alice", "Wrong-Passw0rd!")
			wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		}
		_, err := e.initiate(clientID, "alice", goodPassword)
		ok(t, err, "sign-in after four failures")
	}
}

// Parallel guesses get no more evaluations than the limit: the attempt is
// counted atomically before the password is checked.
func TestSignInLockoutHoldsUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t, withLongLockout)
	const n = 20
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := e.initiate(clientID, "alice", "Wrong-Passw0rd!")
			var apiErr smithy.APIError
			msg := "no error"
			if errors.As(err, &apiErr) {
				msg = apiErr.ErrorMessage()
			}
			mu.Lock()
			got[msg]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got["Incorrect username or password."] != 5 || got[attemptsExceeded] != n-5 {
		t.Fatalf("answers %v: want exactly 5 evaluated and %d refused", got, n-5)
	}
}

// Under PreventUserExistenceErrors=ENABLED an unknown name is locked out
// like a real user, so the lockout does not reveal who exists; under LEGACY
// an unknown name stays UserNotFoundException.
func TestSignInLockoutDoesNotRevealUsers(t *testing.T) {
	t.Parallel()
	e, poolID, _ := authSetup(t, withLongLockout)
	enabled := aws.ToString(e.client(poolID, enabledClient).ClientId)
	legacy := aws.ToString(e.client(poolID).ClientId)
	for _, name := range []string{"alice", "ghost"} {
		for range 5 {
			_, err := e.initiate(enabled, name, "Wrong-Passw0rd!")
			wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		}
		_, err := e.initiate(enabled, name, "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
	}
	for range 7 {
		_, err := e.initiate(legacy, "nobody", "Wrong-Passw0rd!")
		wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	}
}

// withLimits without SignIns turns the lockout off (as --limit-signins 0).
func TestSignInLockoutOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withLimits(5, 5))
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword)
	for range 8 {
		_, err := e.initiate(clientID, "alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	_, err := e.initiate(clientID, "alice", goodPassword)
	ok(t, err, "sign-in with the lockout off")
}

// The lockout doubles with each failure after the free five and holds
// during a lockout (scaled: first 1 minute, longest 4); the right password
// after a lockout ends it, and a quiet spell as long as the longest
// lockout starts the count over.
func TestSignInLockoutDoubles(t *testing.T) {
	t.Parallel()
	e, _, clientID := authSetup(t, withLockout(time.Minute, 4*time.Minute))
	fail := func(want string) {
		t.Helper()
		_, err := e.initiate(clientID, "alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", want)
	}
	for range 5 {
		fail(msgBadCredential)
	}
	fail(attemptsExceeded)
	e.Clock.Advance(time.Minute)
	fail(msgBadCredential) // the 6th failure: locked for 2 minutes
	e.Clock.Advance(time.Minute)
	fail(attemptsExceeded)
	e.Clock.Advance(time.Minute)
	fail(msgBadCredential) // the 7th: 4 minutes
	e.Clock.Advance(3 * time.Minute)
	_, err := e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
	e.Clock.Advance(time.Minute)
	fail(msgBadCredential) // the 8th: 8 minutes, capped at 4
	e.Clock.Advance(4 * time.Minute)
	e.signIn(clientID, "alice", goodPassword)
	// The success started the count over: five free failures again.
	for range 5 {
		fail(msgBadCredential)
	}
	// Four quiet minutes (the longest lockout) start it over as well.
	e.Clock.Advance(4 * time.Minute)
	for range 5 {
		fail(msgBadCredential)
	}
	fail(attemptsExceeded)
}
