package triggers

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// FunctionError is a trigger function that ran and failed: it threw, or
// returned an error (Lambda's X-Amz-Function-Error). Message is the
// errorMessage of the error payload. It is never retried.
type FunctionError struct {
	Message string
}

func (e *FunctionError) Error() string { return "trigger function error: " + e.Message }

// InvokeError is a trigger function that could not be invoked: every attempt
// timed out, the Lambda endpoint could not be reached, or Lambda answered with
// a service error (unknown function, access denied, throttling, 5xx). Cause
// is the last attempt's error.
type InvokeError struct {
	Cause error
}

func (e *InvokeError) Error() string { return "trigger invocation failed: " + e.Cause.Error() }
func (e *InvokeError) Unwrap() error { return e.Cause }

// ResponseError is a trigger function that ran but handed back something
// other than the event JSON Cognito expects (not JSON, not an object, or a
// field of the wrong type).
type ResponseError struct {
	Cause error
}

func (e *ResponseError) Error() string { return "unrecognizable trigger output: " + e.Cause.Error() }
func (e *ResponseError) Unwrap() error { return e.Cause }

// ErrorFor maps an error from an Invoker to the exception Cognito returns to
// the API caller when the trigger called triggerName (UserMigration,
// CustomMessage, …; the trigger, never the function's name) fails (spec
// §4.1). For an error that is not one of FunctionError, InvokeError or
// ResponseError it returns empty strings: that is not a trigger failure and
// the caller treats it as an internal error.
func ErrorFor(triggerName string, err error) (code, message string) {
	var fe *FunctionError
	var ie *InvokeError
	var re *ResponseError
	switch {
	case errors.As(err, &fe):
		return CodeUserLambdaValidation, fmt.Sprintf(msgFunctionError, triggerName, fe.Message)
	case errors.As(err, &ie):
		return CodeUnexpectedLambda, fmt.Sprintf(msgInvokeFailed, triggerName, invokeDetail(ie.Cause))
	case errors.As(err, &re):
		return CodeInvalidLambdaResponse, msgUnrecognizableOutput
	}
	return "", ""
}

// invokeDetail is the part of the UnexpectedLambdaException message that
// names what went wrong: the timeout text, or Lambda's error code.
func invokeDetail(cause error) string {
	var apiErr smithy.APIError
	switch {
	case isTimeout(cause):
		return detailTimeout
	case errors.As(cause, &apiErr) && apiErr.ErrorCode() != "":
		return apiErr.ErrorCode()
	}
	return detailTransport
}

// isTimeout reports whether err is an attempt running out of time, whether
// the context deadline or a network timeout noticed it first.
func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
