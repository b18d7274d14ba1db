// Package storetest is the store.Store conformance suite: the contract in
// package store stated as executable tests. Every backend runs it from its
// own tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openFresh(t) })
//	}
//
// The suite only tests what store.go documents. Behaviour a backend chooses
// where the contract is silent (isolation level, locking, ...) belongs in
// that backend's own tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// testCase is one conformance test. It gets a fresh, empty store and a
// context that the watchdog cancels if the test runs too long.
type testCase struct {
	name string
	run  func(t *testing.T, ctx context.Context, s store.Store)
}

// Run runs the conformance suite. open must return a new, empty store each
// time it is called; Run closes it when the subtest ends and fails the
// subtest if Close returns an error.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		cases []testCase
	}{
		{"Pools", poolTests},
		{"Clients", clientTests},
		{"Users", userTests},
		{"RefreshTokens", tokenTests},
		{"SigningKeys", signingKeyTests},
		{"Settings", settingTests},
		{"Codes", codeTests},
		{"Attempts", attemptTests},
		{"AttemptTx", attemptTxTests},
		{"AttemptRows", attemptRowTests},
		{"Lockouts", lockoutTests},
		{"Clamp", clampTests},
		{"Outbox", outboxTests},
		{"Delivery", deliveryTests},
		{"Retention", retentionTests},
		{"Tx", txTests},
		{"TxAfterFailure", txFailureTests},
		{"TxRerun", txRerunTests},
		{"Times", timeTests},
		{"Strings", stringTests},
		{"Inbox", inboxTests},
		{"Once", onceTests},
		{"Groups", groupTests},
		{"Federation", federationTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.cases {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t)
					t.Cleanup(func() {
						if err := s.Close(); err != nil {
							t.Errorf("Close: %v", err)
						}
					})
					watchdog(t, subtestTimeout, func(ctx context.Context) { tc.run(t, ctx, s) })
				})
			}
		})
	}
}

// subtestTimeout bounds one conformance test. The slowest test does a few
// hundred durable commits; anything near this limit is a deadlock, for
// example a Tx whose callback waits for a connection the Tx itself holds.
const subtestTimeout = 30 * time.Second

// graceTimeout is how long a test may take to return once the watchdog has
// cancelled its context before the watchdog gives up and panics.
const graceTimeout = 10 * time.Second

// errWatchdog is the cancellation cause of a context the watchdog cancelled.
var errWatchdog = errors.New("storetest: watchdog: test timed out")

// watchedT is the part of *testing.T the watchdog uses; an interface so the
// watchdog's own test can observe it.
type watchedT interface {
	Helper()
	Name() string
	Errorf(format string, args ...any)
	Context() context.Context
}

// watchdog runs body on the calling (test) goroutine with a context derived
// from t.Context(). If body is still running after timeout, the watchdog
// fails the test with a dump of every goroutine and cancels the context.
// Store calls blocked on a connection, a lock or a query return once their
// context is cancelled, so body then fails on its own goroutine (t.Fatal is
// only legal there) instead of hanging until go test's global timeout. If
// body still does not return within graceTimeout, nothing will unblock it:
// the watchdog panics, which ends the test binary with the goroutine dump.
func watchdog(t watchedT, timeout time.Duration, body func(ctx context.Context)) {
	t.Helper()
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	var (
		mu       sync.Mutex
		finished bool // body returned; t must not be used any more
		grace    *time.Timer
	)
	timer := time.AfterFunc(timeout, func() {
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return
		}
		stacks := allStacks()
		t.Errorf("storetest: %s still running after %v (deadlock?); cancelling its context.\nAll goroutines:\n%s",
			t.Name(), timeout, stacks)
		cancel(errWatchdog)
		name := t.Name()
		grace = time.AfterFunc(graceTimeout, func() {
			mu.Lock()
			returned := finished
			mu.Unlock()
			if returned {
				return
			}
			panic(fmt.Sprintf("storetest: %s did not return %v after its context was cancelled.\nGoroutines at the timeout:\n%s",
				name, graceTimeout, stacks))
		})
	})
	defer func() {
		timer.Stop()
		mu.Lock()
		finished = true
		if grace != nil {
			grace.Stop()
		}
		mu.Unlock()
	}()
	body(ctx)
}

// allStacks returns the stacks of all goroutines.
func allStacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// parallel runs fn(i) for i in [0, n) on n goroutines released at the same
// moment, to maximise contention, and waits for all of them.
func parallel(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-start
			fn(i)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
}
