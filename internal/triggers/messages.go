package triggers

// Cognito exception names for trigger failures (spec §4.1; the same names the
// API model lists for the operations that fire triggers).
const (
	CodeUserLambdaValidation  = "UserLambdaValidationException"
	CodeUnexpectedLambda      = "UnexpectedLambdaException"
	CodeInvalidLambdaResponse = "InvalidLambdaResponseException"
)

// The texts Cognito returns for trigger failures, in one place so that the
// UNVERIFIED ones are easy to find and fix. Tags as in the spec: OBS =
// observed in real Cognito responses, UNVERIFIED = our choice.
const (
	// msgFunctionError: "<TriggerName> failed with error <errorMessage>."
	// OBS spec §4.1 [S9] ("UserMigration failed with error Bad Email.").
	// Cognito appends the "." unconditionally, so an errorMessage that already
	// ends in "." gives "..": OBS aws-amplify/amplify-ui-android#314,
	// "PreSignUp failed with error Registration from this domain is not
	// allowed..". We reproduce the doubling.
	msgFunctionError = "%s failed with error %s."

	// msgInvokeFailed: "<TriggerName> invocation failed due to error <detail>."
	// OBS spec §4.1 [S8z].
	msgInvokeFailed = "%s invocation failed due to error %s."

	// msgUnrecognizableOutput: OBS spec §4.1. No trailing period.
	msgUnrecognizableOutput = "Unrecognizable lambda output"

	// detailTimeout: the <detail> for an attempt that ran out of time. OBS
	// spec §4.1 [S8z] ("PostAuthentication invocation failed due to error
	// Socket timeout while invoking Lambda function.").
	detailTimeout = "Socket timeout while invoking Lambda function"

	// detailTransport: the <detail> when the Lambda endpoint could not be
	// reached at all (connection refused, reset, DNS). UNVERIFIED: real
	// Cognito's Lambda endpoint is always up, so there is no observed text; this
	// is the AWS Java SDK's wording for a failed HTTP exchange. The full cause
	// stays on the InvokeError for logs.
	detailTransport = "Unable to execute HTTP request"

	// For a Lambda service error the <detail> is its error code, e.g.
	// "PreSignUp invocation failed due to error AccessDeniedException." and
	// "... due to error ResourceConflictException." (OBS, GitHub code search and
	// issues aws/serverless-application-model#1253,
	// aws-samples/amazon-cognito-passwordless-auth#46).
)
