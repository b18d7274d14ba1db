package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Invoker calls a trigger function synchronously: it sends event as JSON and
// decodes what the function hands back into response (a pointer). It returns
// a *FunctionError, *InvokeError or *ResponseError when the trigger fails;
// ErrorFor turns those into Cognito's exceptions.
type Invoker interface {
	Invoke(ctx context.Context, function string, event, response any) error
}

// Defaults of LambdaInvoker (spec §4.1).
const (
	// DefaultTimeout is how long Cognito waits for one attempt (DOC: "the
	// function must answer within 5 seconds").
	DefaultTimeout = 5 * time.Second
	// DefaultMaxAttempts is the number of attempts in all (DOC: Cognito
	// retries and "after 3 failed attempts" gives up).
	DefaultMaxAttempts = 3
	// DefaultRetryDelay is the pause between attempts. UNVERIFIED: AWS does
	// not document Cognito's backoff; a short fixed pause keeps the worst case
	// near 3 × Timeout.
	DefaultRetryDelay = 100 * time.Millisecond
)

// LambdaInvoker is an Invoker that calls functions through the AWS Lambda
// Invoke API (InvocationType RequestResponse), so the same function names or
// ARNs work against AWS Lambda, `sam local start-lambda`, LocalStack or
// serverless-offline, whichever endpoint Client is configured for.
//
// Retry policy, as far as AWS documents it: each attempt gets Timeout; an
// attempt that times out or fails to invoke is retried, with at most
// MaxAttempts attempts in all. A function error (the function ran and threw)
// and unrecognizable output are answers, not failures to invoke, and are never
// retried. The exact policy beyond "retries, gives up after 3 failed
// attempts" is UNVERIFIED; in particular we also do not retry Lambda errors
// that another attempt cannot fix (4xx other than 429: unknown function,
// access denied, invalid request), and the backoff is ours. The Client's own
// retryer is switched off for these calls so this policy is the only one.
type LambdaInvoker struct {
	Client      *lambda.Client
	Timeout     time.Duration // per attempt; ≤ 0 means DefaultTimeout
	MaxAttempts int           // ≤ 0 means DefaultMaxAttempts
	RetryDelay  time.Duration // pause between attempts; 0 means none
}

// NewLambdaInvoker returns a LambdaInvoker with Cognito's defaults.
func NewLambdaInvoker(client *lambda.Client) *LambdaInvoker {
	return &LambdaInvoker{Client: client, Timeout: DefaultTimeout, MaxAttempts: DefaultMaxAttempts,
		RetryDelay: DefaultRetryDelay}
}

// Invoke implements Invoker. function is a function name, name:qualifier, or
// an ARN, exactly as Lambda's FunctionName accepts it.
func (l *LambdaInvoker) Invoke(ctx context.Context, function string, event, response any) error {
	if function == "" {
		// The SDK would send it (to /functions//invocations); say what is wrong.
		return &InvokeError{Cause: errors.New("triggers: no function name or ARN configured")}
	}
	payload, err := json.Marshal(event)
	if err != nil {
		return fmt.Errorf("triggers: encode event for %s: %w", function, err)
	}
	attempts := l.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	var last error
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 && !sleep(ctx, l.RetryDelay) {
			break
		}
		var out *lambda.InvokeOutput
		out, last = l.attempt(ctx, function, payload)
		if last == nil {
			return decodeOutput(out, response)
		}
		if !retryable(last) || ctx.Err() != nil {
			break
		}
	}
	return &InvokeError{Cause: last}
}

// attempt makes one Invoke call under its own timeout.
func (l *LambdaInvoker) attempt(ctx context.Context, function string, payload []byte) (*lambda.InvokeOutput, error) {
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return l.Client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(function),
		InvocationType: types.InvocationTypeRequestResponse,
		Payload:        payload,
	}, func(o *lambda.Options) { o.Retryer = aws.NopRetryer{} })
}

// decodeOutput reads a completed invocation: a function error, or the
// returned event decoded into response.
func decodeOutput(out *lambda.InvokeOutput, response any) error {
	if out.FunctionError != nil {
		return &FunctionError{Message: functionErrorMessage(out.Payload, *out.FunctionError)}
	}
	if out.StatusCode != http.StatusOK {
		return &ResponseError{Cause: fmt.Errorf("invoke status %d, want 200", out.StatusCode)}
	}
	// A trigger must hand back the event object; null (a handler that returns
	// nothing), a string or an array is unrecognizable output (OBS: the usual
	// cause of "Unrecognizable lambda output" is a handler not returning the
	// event).
	body := bytes.TrimSpace(out.Payload)
	if len(body) == 0 || body[0] != '{' {
		return &ResponseError{Cause: fmt.Errorf("payload is not a JSON object: %.64q", body)}
	}
	if response == nil {
		return nil
	}
	if err := json.Unmarshal(body, response); err != nil {
		return &ResponseError{Cause: err}
	}
	return nil
}

// functionErrorMessage extracts errorMessage from a function-error payload
// ({"errorMessage": "...", "errorType": "...", ...}, the shape every Lambda
// runtime uses). UNVERIFIED fallbacks: a payload without errorMessage gives
// its own text, an empty one the X-Amz-Function-Error value ("Unhandled").
func functionErrorMessage(payload []byte, header string) string {
	var body struct {
		ErrorMessage *string `json:"errorMessage"`
	}
	if json.Unmarshal(payload, &body) == nil && body.ErrorMessage != nil {
		return *body.ErrorMessage
	}
	if p := bytes.TrimSpace(payload); len(p) > 0 {
		return string(p)
	}
	return header
}

// retryable reports whether another attempt might succeed: timeouts,
// transport failures, throttling (429) and 5xx service errors.
func retryable(err error) bool {
	// The request never got an answer (connection refused, reset, …). The SDK
	// wraps this in a ResponseError with status 0 too, so it is checked first.
	var se *smithyhttp.RequestSendError
	if isTimeout(err) || errors.As(err, &se) {
		return true
	}
	// Any other error without an HTTP status (invalid input, endpoint
	// resolution) happens before sending and would happen again.
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status := re.HTTPStatusCode()
		return status == http.StatusTooManyRequests || status >= 500
	}
	return false
}

// sleep waits d, and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
