package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeT records what the watchdog reports instead of failing the real test.
type fakeT struct {
	mu     sync.Mutex
	errors []string
}

func (f *fakeT) Helper()                  {}
func (f *fakeT) Name() string             { return "Fake/Test" }
func (f *fakeT) Context() context.Context { return context.Background() }
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) reported() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errors...)
}

func TestWatchdogCancelsStuckBody(t *testing.T) {
	ft := &fakeT{}
	var cause error
	start := time.Now()
	watchdog(ft, 50*time.Millisecond, func(ctx context.Context) {
		<-ctx.Done() // a "deadlocked" store call that honours its context
		cause = context.Cause(ctx)
	})
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("watchdog took %v to unblock the body", elapsed)
	}
	if !errors.Is(cause, errWatchdog) {
		t.Errorf("context cause = %v, want errWatchdog", cause)
	}
	got := ft.reported()
	if len(got) != 1 {
		t.Fatalf("watchdog reported %d errors, want 1: %q", len(got), got)
	}
	for _, want := range []string{"Fake/Test", "still running after 50ms", "goroutine ", "TestWatchdogCancelsStuckBody"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("watchdog report lacks %q:\n%s", want, got[0])
		}
	}
}

func TestWatchdogQuietForFastBody(t *testing.T) {
	ft := &fakeT{}
	var ctxErr error
	watchdog(ft, 50*time.Millisecond, func(ctx context.Context) { ctxErr = ctx.Err() })
	time.Sleep(100 * time.Millisecond) // past the timeout: the timer must be stopped
	if got := ft.reported(); len(got) != 0 {
		t.Errorf("watchdog reported a fast body: %q", got)
	}
	if ctxErr != nil {
		t.Errorf("body's context already done: %v", ctxErr)
	}
}

func TestParallelRunsAll(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	parallel(20, func(i int) {
		mu.Lock()
		defer mu.Unlock()
		seen[i] = true
	})
	if len(seen) != 20 {
		t.Errorf("parallel ran %d distinct indexes, want 20", len(seen))
	}
}
