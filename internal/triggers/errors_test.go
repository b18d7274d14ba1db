package triggers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/userpool/userpool/internal/triggers"
)

// The exact texts of spec §4.1, independent of any server.
func TestErrorFor(t *testing.T) {
	cases := []struct {
		name          string
		trigger       string
		err           error
		code, message string
	}{
		{"function error", triggers.UserMigration, &triggers.FunctionError{Message: "Bad Email"},
			"UserLambdaValidationException", "UserMigration failed with error Bad Email."},
		{"function error, wrapped", triggers.CustomMessage,
			fmt.Errorf("forgot password: %w", &triggers.FunctionError{Message: "Pending for approval"}),
			"UserLambdaValidationException", "CustomMessage failed with error Pending for approval."},
		{"function error ending in a period", triggers.PreSignUp, &triggers.FunctionError{Message: "No."},
			"UserLambdaValidationException", "PreSignUp failed with error No.."},
		{"timeout", triggers.PostConfirmation, &triggers.InvokeError{Cause: fmt.Errorf("op: %w", context.DeadlineExceeded)},
			"UnexpectedLambdaException",
			"PostConfirmation invocation failed due to error Socket timeout while invoking Lambda function."},
		{"service error", triggers.PreSignUp,
			&triggers.InvokeError{Cause: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "nope"}},
			"UnexpectedLambdaException", "PreSignUp invocation failed due to error AccessDeniedException."},
		{"transport", triggers.UserMigration, &triggers.InvokeError{Cause: errors.New("connection refused")},
			"UnexpectedLambdaException", "UserMigration invocation failed due to error Unable to execute HTTP request."},
		{"response", triggers.CustomMessage, &triggers.ResponseError{Cause: errors.New("not JSON")},
			"InvalidLambdaResponseException", "Unrecognizable lambda output"},
		{"other", triggers.CustomMessage, errors.New("disk full"), "", ""},
		{"nil", triggers.CustomMessage, nil, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, message := triggers.ErrorFor(tc.trigger, tc.err)
			if code != tc.code || message != tc.message {
				t.Errorf("got  %q %q\nwant %q %q", code, message, tc.code, tc.message)
			}
		})
	}
}

func TestErrorCodes(t *testing.T) {
	if triggers.CodeUserLambdaValidation != "UserLambdaValidationException" ||
		triggers.CodeUnexpectedLambda != "UnexpectedLambdaException" ||
		triggers.CodeInvalidLambdaResponse != "InvalidLambdaResponseException" {
		t.Fatal("exception names changed")
	}
}
