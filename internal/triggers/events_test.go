package triggers_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/userpool/userpool/internal/triggers"
)

var caller = triggers.CallerContext{AWSSDKVersion: "aws-sdk-unknown-unknown", ClientID: "client1"}

// wantEvent is the exact JSON Cognito sends: envelope members in the order of
// a real logged event, then request and response.
func wantEvent(source triggers.Source, request, response string) string {
	return `{"version":"1","region":"us-east-1","userPoolId":"us-east-1_AbCdEf123","userName":"jane",` +
		`"callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown","clientId":"client1"},` +
		`"triggerSource":"` + string(source) + `","request":` + request + `,"response":` + response + `}`
}

func envelope[Req, Resp any](source triggers.Source, req Req) triggers.Event[Req, Resp] {
	return triggers.Event[Req, Resp]{Region: "us-east-1", UserPoolID: "us-east-1_AbCdEf123", UserName: "jane",
		CallerContext: caller, TriggerSource: source, Request: req}
}

var attrs = map[string]string{"sub": "0000-1111", "email": "jane@example.com", "email_verified": "true",
	"cognito:user_status": "CONFIRMED"}

const attrsJSON = `{"cognito:user_status":"CONFIRMED","email":"jane@example.com","email_verified":"true","sub":"0000-1111"}`

func TestUserMigrationRoundTrip(t *testing.T) {
	const nullResponse = `{"userAttributes":null,"finalUserStatus":null,"messageAction":null,` +
		`"desiredDeliveryMediums":null,"forceAliasCreation":null,"enableSMSMFA":null}`
	cases := map[string]struct {
		source  triggers.Source
		request triggers.UserMigrationRequest
		want    string
	}{
		// No password key at all on the forgot-password path (DOC: not sent).
		"ForgotPassword": {triggers.UserMigrationForgotPassword,
			triggers.UserMigrationRequest{ClientMetadata: map[string]string{"k": "v"}},
			`{"validationData":null,"clientMetadata":{"k":"v"}}`},
		"Authentication": {triggers.UserMigrationAuthentication,
			triggers.UserMigrationRequest{Password: ptr("hunter2!"), ValidationData: map[string]string{"a": "b"}},
			`{"password":"hunter2!","validationData":{"a":"b"}}`},
	}
	for name, tc := range cases {
		for ref, function := range functionRefs("migrate") {
			t.Run(name+"/"+ref, func(t *testing.T) {
				s, inv := newInvoker(t)
				s.Handle("migrate", handler(func(ev map[string]any) {
					ev["response"] = map[string]any{
						"userAttributes":         map[string]any{"email": "jane@example.com", "email_verified": "true"},
						"finalUserStatus":        "CONFIRMED",
						"messageAction":          "SUPPRESS",
						"desiredDeliveryMediums": []string{"EMAIL"},
						"forceAliasCreation":     false,
					}
				}))
				got, err := triggers.Call(t.Context(), inv, function,
					envelope[triggers.UserMigrationRequest, triggers.UserMigrationResponse](tc.source, tc.request))
				if err != nil {
					t.Fatal(err)
				}
				if sent, want := onlyEvent(t, s), wantEvent(tc.source, tc.want, nullResponse); sent != want {
					t.Errorf("sent\n%s\nwant\n%s", sent, want)
				}
				want := triggers.UserMigrationResponse{
					UserAttributes:  map[string]string{"email": "jane@example.com", "email_verified": "true"},
					FinalUserStatus: ptr("CONFIRMED"), MessageAction: ptr("SUPPRESS"),
					DesiredDeliveryMediums: []string{"EMAIL"}, ForceAliasCreation: ptr(false),
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("response %+v, want %+v (enableSMSMFA absent must stay nil)", got, want)
				}
			})
		}
	}
}

func TestCustomMessageRoundTrip(t *testing.T) {
	const nullResponse = `{"smsMessage":null,"emailMessage":null,"emailSubject":null}`
	cases := map[string]struct {
		source   triggers.Source
		username *string
		want     string
	}{
		"ForgotPassword": {triggers.CustomMessageForgotPassword, nil,
			`{"userAttributes":` + attrsJSON + `,"codeParameter":"{####}","linkParameter":"{##Click Here##}",` +
				`"usernameParameter":null,"clientMetadata":{"k":"v"}}`},
		"AdminCreateUser": {triggers.CustomMessageAdminCreateUser, ptr("{username}"),
			`{"userAttributes":` + attrsJSON + `,"codeParameter":"{####}","linkParameter":"{##Click Here##}",` +
				`"usernameParameter":"{username}","clientMetadata":{"k":"v"}}`},
	}
	for name, tc := range cases {
		for ref, function := range functionRefs("message") {
			t.Run(name+"/"+ref, func(t *testing.T) {
				s, inv := newInvoker(t)
				s.Handle("message", handler(func(ev map[string]any) {
					ev["response"] = map[string]any{"emailSubject": "Reset", "emailMessage": "Code {####}",
						"smsMessage": nil}
				}))
				req := triggers.CustomMessageRequest{UserAttributes: attrs, CodeParameter: triggers.CodePlaceholder,
					LinkParameter: triggers.LinkPlaceholder, UsernameParameter: tc.username,
					ClientMetadata: map[string]string{"k": "v"}}
				got, err := triggers.Call(t.Context(), inv, function,
					envelope[triggers.CustomMessageRequest, triggers.CustomMessageResponse](tc.source, req))
				if err != nil {
					t.Fatal(err)
				}
				if sent, want := onlyEvent(t, s), wantEvent(tc.source, tc.want, nullResponse); sent != want {
					t.Errorf("sent\n%s\nwant\n%s", sent, want)
				}
				want := triggers.CustomMessageResponse{EmailSubject: ptr("Reset"), EmailMessage: ptr("Code {####}")}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("response %+v, want %+v (null smsMessage must stay nil: fall back)", got, want)
				}
			})
		}
	}
}

// A function that hands the event back untouched leaves every message nil,
// so the pool's templates apply.
func TestCustomMessageUntouchedFallsBack(t *testing.T) {
	s, inv := newInvoker(t)
	s.Handle("noop", func(raw json.RawMessage) (any, error) { return raw, nil })
	got, err := triggers.Call(t.Context(), inv, "noop", envelope[triggers.CustomMessageRequest,
		triggers.CustomMessageResponse](triggers.CustomMessageSignUp, triggers.CustomMessageRequest{}))
	if err != nil || got != (triggers.CustomMessageResponse{}) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestPostConfirmationRoundTrip(t *testing.T) {
	for ref, function := range functionRefs("confirmed") {
		t.Run(ref, func(t *testing.T) {
			s, inv := newInvoker(t)
			s.Handle("confirmed", handler(func(ev map[string]any) { ev["response"] = map[string]any{"ignored": 1} }))
			req := triggers.PostConfirmationRequest{UserAttributes: attrs, ClientMetadata: map[string]string{"k": "v"}}
			_, err := triggers.Call(t.Context(), inv, function, envelope[triggers.PostConfirmationRequest,
				triggers.PostConfirmationResponse](triggers.PostConfirmationConfirmForgotPassword, req))
			if err != nil {
				t.Fatal(err)
			}
			want := wantEvent(triggers.PostConfirmationConfirmForgotPassword,
				`{"userAttributes":`+attrsJSON+`,"clientMetadata":{"k":"v"}}`, `{}`)
			if sent := onlyEvent(t, s); sent != want {
				t.Errorf("sent\n%s\nwant\n%s", sent, want)
			}
		})
	}
}

func TestPreSignUpRoundTrip(t *testing.T) {
	for ref, function := range functionRefs("presignup") {
		t.Run(ref, func(t *testing.T) {
			s, inv := newInvoker(t)
			s.Handle("presignup", handler(func(ev map[string]any) {
				ev["response"].(map[string]any)["autoConfirmUser"] = true
				ev["response"].(map[string]any)["autoVerifyEmail"] = true
			}))
			// No ClientMetadata: the key is left out, as in real events.
			req := triggers.PreSignUpRequest{UserAttributes: map[string]string{"email": "jane@example.com"}}
			got, err := triggers.Call(t.Context(), inv, function,
				envelope[triggers.PreSignUpRequest, triggers.PreSignUpResponse](triggers.PreSignUpSignUp, req))
			if err != nil {
				t.Fatal(err)
			}
			want := wantEvent(triggers.PreSignUpSignUp, `{"userAttributes":{"email":"jane@example.com"},"validationData":null}`,
				`{"autoConfirmUser":false,"autoVerifyEmail":false,"autoVerifyPhone":false}`)
			if sent := onlyEvent(t, s); sent != want {
				t.Errorf("sent\n%s\nwant\n%s", sent, want)
			}
			if want := (triggers.PreSignUpResponse{AutoConfirmUser: true, AutoVerifyEmail: true}); got != want {
				t.Errorf("response %+v, want %+v", got, want)
			}
		})
	}
}

// Call keeps a version the caller set.
func TestCallKeepsExplicitVersion(t *testing.T) {
	s, inv := newInvoker(t)
	s.Handle("f", func(raw json.RawMessage) (any, error) { return raw, nil })
	ev := envelope[triggers.PostConfirmationRequest, triggers.PostConfirmationResponse](
		triggers.PostConfirmationConfirmSignUp, triggers.PostConfirmationRequest{})
	ev.Version = "2"
	if _, err := triggers.Call(t.Context(), inv, "f", ev); err != nil {
		t.Fatal(err)
	}
	if sent := onlyEvent(t, s); sent[:15] != `{"version":"2",` {
		t.Errorf("sent %s", sent)
	}
}

func TestSourceTrigger(t *testing.T) {
	want := map[triggers.Source]string{
		triggers.UserMigrationForgotPassword:           triggers.UserMigration,
		triggers.UserMigrationAuthentication:           triggers.UserMigration,
		triggers.CustomMessageForgotPassword:           triggers.CustomMessage,
		triggers.CustomMessageSignUp:                   triggers.CustomMessage,
		triggers.CustomMessageResendCode:               triggers.CustomMessage,
		triggers.CustomMessageAdminCreateUser:          triggers.CustomMessage,
		triggers.CustomMessageVerifyUserAttribute:      triggers.CustomMessage,
		triggers.CustomMessageUpdateUserAttribute:      triggers.CustomMessage,
		triggers.PostConfirmationConfirmForgotPassword: triggers.PostConfirmation,
		triggers.PostConfirmationConfirmSignUp:         triggers.PostConfirmation,
		triggers.PreSignUpSignUp:                       triggers.PreSignUp,
		triggers.PreSignUpAdminCreateUser:              triggers.PreSignUp,
	}
	for src, name := range want {
		if got := src.Trigger(); got != name {
			t.Errorf("%s.Trigger() = %q, want %q", src, got, name)
		}
	}
}
