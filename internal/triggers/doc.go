// Package triggers calls the Lambda functions a user pool configures as
// triggers (LambdaConfig) with Cognito-shaped events and decodes what they
// hand back. It knows the wire shapes and the failure rules (spec §4); which
// trigger fires when, and what its answer changes, is decided in the userpool
// package.
//
//   - Invoker / LambdaInvoker: synchronous invocation through the real AWS
//     Lambda Invoke API, with Cognito's 5-second timeout and 3 attempts.
//   - Event and the per-trigger request/response types: byte-compatible with
//     the events Cognito sends (events.go).
//   - ErrorFor: a trigger failure → Cognito's exception name and message
//     (messages.go holds the texts, tagged by how sure we are of them).
//
// Spec references are to docs/cognito-behaviour.md at the repository root
// ("spec §N").
package triggers
