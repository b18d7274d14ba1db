package triggers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/userpool/userpool/internal/lambdatest"
	"github.com/userpool/userpool/internal/triggers"
)

var someEvent = map[string]string{"version": "1"}

// invoke calls function and checks the error type; it returns the error
// for further checks.
func invoke[E error](t *testing.T, inv triggers.Invoker, function string) E {
	t.Helper()
	var out map[string]any
	err := inv.Invoke(t.Context(), function, someEvent, &out)
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("err = %T %v, want %T", err, err, target)
	}
	return target
}

func assertMapped(t *testing.T, err error, trigger, code, message string) {
	t.Helper()
	if c, m := triggers.ErrorFor(trigger, err); c != code || m != message {
		t.Errorf("ErrorFor = %q %q\nwant       %q %q", c, m, code, message)
	}
}

func TestNewLambdaInvokerDefaults(t *testing.T) {
	inv := triggers.NewLambdaInvoker(newLambdaClient("http://127.0.0.1:1"))
	if inv.Timeout != 5*time.Second || inv.MaxAttempts != 3 || inv.RetryDelay != triggers.DefaultRetryDelay {
		t.Fatalf("defaults %+v", inv)
	}
}

func TestFunctionErrorIsNotRetried(t *testing.T) {
	for ref, function := range functionRefs("migrate") {
		t.Run(ref, func(t *testing.T) {
			s, inv := newInvoker(t)
			s.Handle("migrate", func(json.RawMessage) (any, error) { return nil, errors.New("Bad Email") })
			fe := invoke[*triggers.FunctionError](t, inv, function)
			if fe.Message != "Bad Email" {
				t.Errorf("Message %q", fe.Message)
			}
			if n := len(s.Invocations()); n != 1 {
				t.Errorf("%d invocations, want 1 (function errors are not retried)", n)
			}
			assertMapped(t, fe, triggers.UserMigration, "UserLambdaValidationException",
				"UserMigration failed with error Bad Email.")
		})
	}
}

// Cognito appends "." even when the message has one (OBS), giving "..".
func TestFunctionErrorMessageEndingInPeriod(t *testing.T) {
	s, inv := newInvoker(t)
	s.Handle("pre", func(json.RawMessage) (any, error) {
		return nil, errors.New("Registration from this domain is not allowed.")
	})
	fe := invoke[*triggers.FunctionError](t, inv, "pre")
	assertMapped(t, fe, triggers.PreSignUp, "UserLambdaValidationException",
		"PreSignUp failed with error Registration from this domain is not allowed..")
}

func TestTimeoutIsRetriedThenInvokeError(t *testing.T) {
	s, inv := newInvoker(t) // 200 ms per attempt
	s.Handle("slow", func(e json.RawMessage) (any, error) { return e, nil }, lambdatest.Delay(3*time.Second))
	start := time.Now()
	ie := invoke[*triggers.InvokeError](t, inv, s.ARN("slow"))
	elapsed := time.Since(start)
	if !errors.Is(ie, context.DeadlineExceeded) {
		t.Errorf("cause %v, want a deadline", ie.Cause)
	}
	if elapsed < 3*200*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("took %v, want 3 attempts of 200 ms", elapsed)
	}
	// Each attempt is recorded on arrival, before the delay.
	if n := len(s.Invocations()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	assertMapped(t, ie, triggers.CustomMessage, "UnexpectedLambdaException",
		"CustomMessage invocation failed due to error Socket timeout while invoking Lambda function.")
}

func TestGarbageOutputIsResponseError(t *testing.T) {
	cases := map[string]any{
		"not JSON":    lambdatest.Raw("<html>502</html>"),
		"null":        nil, // a handler that returns nothing
		"array":       []int{1},
		"string":      "ok",
		"wrong types": map[string]any{"response": map[string]any{"finalUserStatus": 7}},
	}
	for name, result := range cases {
		t.Run(name, func(t *testing.T) {
			s, inv := newInvoker(t)
			s.Handle("f", func(json.RawMessage) (any, error) { return result, nil })
			var out triggers.UserMigrationEvent
			err := inv.Invoke(t.Context(), "f", someEvent, &out)
			var re *triggers.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %T %v, want *ResponseError", err, err)
			}
			if n := len(s.Invocations()); n != 1 {
				t.Errorf("%d invocations, want 1 (output errors are not retried)", n)
			}
			assertMapped(t, re, triggers.UserMigration, "InvalidLambdaResponseException", "Unrecognizable lambda output")
		})
	}
}

func TestServiceErrorIsRetriedThenInvokeError(t *testing.T) {
	s, inv := newInvoker(t)
	s.Handle("f", func(json.RawMessage) (any, error) { return nil, lambdatest.InternalError("internal") })
	ie := invoke[*triggers.InvokeError](t, inv, "f")
	if n := len(s.Invocations()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	assertMapped(t, ie, triggers.PostConfirmation, "UnexpectedLambdaException",
		"PostConfirmation invocation failed due to error ServiceException.")
}

func TestRetryRecovers(t *testing.T) {
	for name, failure := range map[string]*lambdatest.ServiceError{
		"500": lambdatest.InternalError("internal"),
		"429": {Status: 429, Code: "TooManyRequestsException", Type: "User", Message: "Rate Exceeded."},
	} {
		t.Run(name, func(t *testing.T) {
			s, inv := newInvoker(t)
			var calls atomic.Int32
			s.Handle("flaky", func(e json.RawMessage) (any, error) {
				if calls.Add(1) < 3 {
					return nil, failure
				}
				return e, nil
			})
			var out map[string]string
			if err := inv.Invoke(t.Context(), "flaky", someEvent, &out); err != nil {
				t.Fatal(err)
			}
			if out["version"] != "1" || calls.Load() != 3 {
				t.Errorf("out %v after %d calls", out, calls.Load())
			}
		})
	}
}

// An unknown function cannot appear on retry: one attempt (UNVERIFIED policy).
func TestUnknownFunctionIsInvokeError(t *testing.T) {
	for ref, function := range functionRefs("missing") {
		t.Run(ref, func(t *testing.T) {
			s, inv := newInvoker(t)
			ie := invoke[*triggers.InvokeError](t, inv, function)
			if n := len(s.Invocations()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			assertMapped(t, ie, triggers.UserMigration, "UnexpectedLambdaException",
				"UserMigration invocation failed due to error ResourceNotFoundException.")
		})
	}
}

// An endpoint that hangs up without answering is a transport failure: retried,
// then an InvokeError.
func TestTransportFailureIsRetriedThenInvokeError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	inv := triggers.NewLambdaInvoker(newLambdaClient("http://" + ln.Addr().String()))
	inv.RetryDelay = 0
	ie := invoke[*triggers.InvokeError](t, inv, "f")
	if n := accepted.Load(); n != 3 {
		t.Errorf("%d connections, want 3 attempts", n)
	}
	assertMapped(t, ie, triggers.CustomMessage, "UnexpectedLambdaException",
		"CustomMessage invocation failed due to error Unable to execute HTTP request.")
}

// A failure before anything is sent (here: no credentials to sign with)
// would happen again: no retry.
func TestFailureBeforeSendingIsNotRetried(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("f", func(e json.RawMessage) (any, error) { return e, nil })
	var lookups atomic.Int32
	client := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			lookups.Add(1)
			return aws.Credentials{}, errors.New("no credentials")
		})})
	inv := triggers.NewLambdaInvoker(client)
	inv.RetryDelay = 0
	invoke[*triggers.InvokeError](t, inv, "f")
	if n := lookups.Load(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
	if n := len(s.Invocations()); n != 0 {
		t.Errorf("%d invocations reached the server", n)
	}
}

func TestEmptyFunctionNameIsInvokeError(t *testing.T) {
	s, inv := newInvoker(t)
	invoke[*triggers.InvokeError](t, inv, "")
	if n := len(s.Invocations()); n != 0 {
		t.Errorf("%d invocations reached the server", n)
	}
}

func TestCallerContextEndsRetries(t *testing.T) {
	s, inv := newInvoker(t)
	inv.RetryDelay = time.Minute
	s.Handle("f", func(json.RawMessage) (any, error) { return nil, lambdatest.InternalError("internal") })
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := inv.Invoke(ctx, "f", someEvent, nil)
	var ie *triggers.InvokeError
	if !errors.As(err, &ie) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	if n := len(s.Invocations()); n != 1 {
		t.Errorf("%d attempts, want 1 (the caller's deadline came first)", n)
	}
}

func TestUnencodableEventIsNotATriggerFailure(t *testing.T) {
	_, inv := newInvoker(t)
	err := inv.Invoke(t.Context(), "f", map[string]any{"bad": make(chan int)}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if code, msg := triggers.ErrorFor(triggers.PreSignUp, err); code != "" || msg != "" {
		t.Errorf("ErrorFor = %q %q, want empty", code, msg)
	}
}
