package triggers

import (
	"context"
	"strings"
)

// Trigger names: the LambdaConfig member names, and the names Cognito puts in
// trigger error messages (spec §4.1: the trigger, not the function).
const (
	UserMigration    = "UserMigration"
	CustomMessage    = "CustomMessage"
	PostConfirmation = "PostConfirmation"
	PreSignUp        = "PreSignUp"
)

// Source is an event's triggerSource: the trigger name, "_", and the flow
// that fired it.
type Source string

// Trigger sources (DOC: spec §4.1 and the AWS developer guide page of each
// trigger). Each constant is the source with its underscore removed.
const (
	UserMigrationForgotPassword           Source = "UserMigration_ForgotPassword"
	UserMigrationAuthentication           Source = "UserMigration_Authentication"
	CustomMessageForgotPassword           Source = "CustomMessage_ForgotPassword"
	CustomMessageSignUp                   Source = "CustomMessage_SignUp"
	CustomMessageResendCode               Source = "CustomMessage_ResendCode"
	CustomMessageAdminCreateUser          Source = "CustomMessage_AdminCreateUser"
	CustomMessageVerifyUserAttribute      Source = "CustomMessage_VerifyUserAttribute"
	CustomMessageUpdateUserAttribute      Source = "CustomMessage_UpdateUserAttribute"
	PostConfirmationConfirmForgotPassword Source = "PostConfirmation_ConfirmForgotPassword"
	PostConfirmationConfirmSignUp         Source = "PostConfirmation_ConfirmSignUp"
	PreSignUpSignUp                       Source = "PreSignUp_SignUp"
	PreSignUpAdminCreateUser              Source = "PreSignUp_AdminCreateUser"
)

// Trigger returns the trigger name s belongs to, e.g. "CustomMessage" for
// CustomMessage_ForgotPassword: the name ErrorFor wants.
func (s Source) Trigger() string {
	name, _, _ := strings.Cut(string(s), "_")
	return name
}

// EventVersion is the envelope's version: the string "1" in real events (OBS
// spec §4.2).
const EventVersion = "1"

// Placeholders Cognito puts in a CustomMessage request and substitutes after
// the function returns (spec §4.4); the function never sees the real code.
const (
	CodePlaceholder = "{####}"
	LinkPlaceholder = "{##Click Here##}"
)

// Event is the envelope of every user-pool trigger event (spec §4.2). The
// function gets it and must hand the whole event back with Response filled
// in. Field order follows a real logged PreSignUp_SignUp event (triggerSource
// after callerContext); JSON readers do not depend on it.
type Event[Req, Resp any] struct {
	Version       string        `json:"version"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
	TriggerSource Source        `json:"triggerSource"`
	Request       Req           `json:"request"`
	Response      Resp          `json:"response"`
}

// CallerContext says who made the API call that fired the trigger.
// AWSSDKVersion echoes the caller's SDK ("aws-sdk-unknown-unknown" for raw
// HTTP; exact derivation UNVERIFIED, spec §4.2).
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// The events of the triggers userpool fires.
type (
	UserMigrationEvent    = Event[UserMigrationRequest, UserMigrationResponse]
	CustomMessageEvent    = Event[CustomMessageRequest, CustomMessageResponse]
	PostConfirmationEvent = Event[PostConfirmationRequest, PostConfirmationResponse]
	PreSignUpEvent        = Event[PreSignUpRequest, PreSignUpResponse]
)

// Attribute maps (userAttributes, validationData, clientMetadata) hold
// strings only: booleans are "true"/"false", and Cognito adds
// "cognito:user_status" to userAttributes (spec §4.2). A function that hands
// back a non-string attribute value produces unrecognizable output here
// (UNVERIFIED: real Cognito may coerce it).

// UserMigrationRequest is the request of UserMigration_* (spec §4.3).
//
// Null vs absent, as we send it (spec: UNVERIFIED): password is left out
// entirely on UserMigration_ForgotPassword (the developer guide: Cognito
// "doesn't send this value" in the forgot-password flow; the Lambda console's
// ForgotPassword sample event has no password key either); validationData is
// null when the caller sent none (as in that sample and real PreSignUp
// events); clientMetadata is left out when the caller sent none (spec §4.2).
type UserMigrationRequest struct {
	Password       *string           `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// UserMigrationResponse is what a UserMigration function fills in. We send
// every member as null; a member the function leaves null or absent means
// Cognito's default: FinalUserStatus RESET_REQUIRED, no MessageAction,
// DesiredDeliveryMediums SMS, ForceAliasCreation and EnableSMSMFA false
// (DOC, spec §4.3).
type UserMigrationResponse struct {
	UserAttributes         map[string]string `json:"userAttributes"`
	FinalUserStatus        *string           `json:"finalUserStatus"`
	MessageAction          *string           `json:"messageAction"`
	DesiredDeliveryMediums []string          `json:"desiredDeliveryMediums"`
	ForceAliasCreation     *bool             `json:"forceAliasCreation"`
	EnableSMSMFA           *bool             `json:"enableSMSMFA"`
}

// CustomMessageRequest is the request of CustomMessage_* (spec §4.4).
// CodeParameter and LinkParameter are always the placeholders;
// UsernameParameter is null except for CustomMessage_AdminCreateUser.
type CustomMessageRequest struct {
	UserAttributes    map[string]string `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	LinkParameter     string            `json:"linkParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata,omitempty"`
}

// CustomMessageResponse is what a CustomMessage function fills in. We send
// all three as null; a member left null or absent falls back to the pool's
// template (spec §4.4, UNVERIFIED but standard).
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// PostConfirmationRequest is the request of PostConfirmation_* (spec §4.6).
type PostConfirmationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// PostConfirmationResponse is empty: Cognito reads nothing back (spec §4.6).
type PostConfirmationResponse struct{}

// PreSignUpRequest is the request of PreSignUp_* (AWS developer guide, "Pre
// sign-up Lambda trigger"). ValidationData is null when the caller sent none,
// as in real logged events.
type PreSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// PreSignUpResponse is what a PreSignUp function fills in. Real events carry
// all three as false (not null), and so do ours.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// Call invokes function with ev (Version defaults to EventVersion) and
// returns the Response of the event the function hands back. Members the
// function leaves out keep their zero value (nil pointers: "not set").
func Call[Req, Resp any](ctx context.Context, inv Invoker, function string, ev Event[Req, Resp]) (Resp, error) {
	if ev.Version == "" {
		ev.Version = EventVersion
	}
	var back Event[Req, Resp]
	if err := inv.Invoke(ctx, function, ev, &back); err != nil {
		var zero Resp
		return zero, err
	}
	return back.Response, nil
}
