package server_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Risk configuration (issue 16): DescribeRiskConfiguration and
// SetRiskConfiguration, pool-wide and per app client, stored and returned
// exactly as set, so aws_cognito_risk_configuration plans clean.

func fullRiskConfig() *cip.SetRiskConfigurationInput {
	email := func(s string) *types.NotifyEmailType {
		return &types.NotifyEmailType{Subject: aws.String(s), HtmlBody: aws.String("<p>" + s + "</p>"), TextBody: aws.String(s + " text")}
	}
	return &cip.SetRiskConfigurationInput{
		CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
			EventFilter: []types.EventFilterType{types.EventFilterTypeSignIn, types.EventFilterTypePasswordChange},
			Actions:     &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock}},
		AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{
			NotifyConfiguration: &types.NotifyConfigurationType{SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
				From: aws.String("security@example.com"), ReplyTo: aws.String("help@example.com"),
				BlockEmail: email("Blocked"), NoActionEmail: email("Noticed"), MfaEmail: email("Challenged")},
			Actions: &types.AccountTakeoverActionsType{
				LowAction:    &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeNoAction, Notify: true},
				MediumAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeMfaIfConfigured, Notify: false},
				HighAction:   &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeBlock, Notify: true}}},
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{
			BlockedIPRangeList: []string{"10.10.10.10/32", "192.0.2.0/24"}, SkippedIPRangeList: []string{"203.0.113.0/24"}},
	}
}

// sameRisk compares a returned configuration with the expected one, after
// checking and clearing the date (set when, and only when, a configuration is).
func sameRisk(t *testing.T, what string, got, want *types.RiskConfigurationType, dated bool) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no RiskConfiguration", what)
	}
	c := *got
	if (c.LastModifiedDate != nil) != dated {
		t.Errorf("%s: LastModifiedDate %v, want one: %v", what, c.LastModifiedDate, dated)
	}
	c.LastModifiedDate = nil
	if !reflect.DeepEqual(&c, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, c, *want)
	}
}

func TestRiskConfigurationPoolAndClient(t *testing.T) {
	t.Parallel()
	onBothBackends(t, testRiskConfigurationPoolAndClient)
}

func testRiskConfigurationPoolAndClient(t *testing.T, opts ...func(*envConfig)) {
	e := newEnv(t, opts...)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	describe := func(clientID string) *types.RiskConfigurationType {
		in := &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(poolID)}
		if clientID != "" {
			in.ClientId = aws.String(clientID)
		}
		out, err := e.SDK.DescribeRiskConfiguration(ctx, in)
		ok(t, err, "DescribeRiskConfiguration")
		return out.RiskConfiguration
	}
	set := func(in *cip.SetRiskConfigurationInput) *types.RiskConfigurationType {
		out, err := e.SDK.SetRiskConfiguration(ctx, in)
		ok(t, err, "SetRiskConfiguration")
		return out.RiskConfiguration
	}
	onlyPool := &types.RiskConfigurationType{UserPoolId: aws.String(poolID)}
	sameRisk(t, "never set", describe(""), onlyPool, false)

	in := fullRiskConfig()
	in.UserPoolId = aws.String(poolID)
	want := &types.RiskConfigurationType{UserPoolId: aws.String(poolID), CompromisedCredentialsRiskConfiguration: in.CompromisedCredentialsRiskConfiguration,
		AccountTakeoverRiskConfiguration: in.AccountTakeoverRiskConfiguration, RiskExceptionConfiguration: in.RiskExceptionConfiguration}
	sameRisk(t, "SetRiskConfiguration", set(in), want, true)
	sameRisk(t, "DescribeRiskConfiguration", describe(""), want, true)

	// A client's own configuration, apart from the pool's.
	clientIn := &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"198.51.100.7/32"}}}
	clientWant := &types.RiskConfigurationType{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		RiskExceptionConfiguration: clientIn.RiskExceptionConfiguration}
	sameRisk(t, "client SetRiskConfiguration", set(clientIn), clientWant, true)
	sameRisk(t, "client DescribeRiskConfiguration", describe(clientID), clientWant, true)
	sameRisk(t, "pool after the client's", describe(""), want, true)

	// UpdateUserPool and UpdateUserPoolClient keep them.
	_, err := e.SDK.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "UpdateUserPool")
	_, err = e.SDK.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
	ok(t, err, "UpdateUserPoolClient")
	sameRisk(t, "pool after updates", describe(""), want, true)
	sameRisk(t, "client after updates", describe(clientID), clientWant, true)

	// Only the IDs: back to the defaults (API reference, SetRiskConfiguration).
	set(&cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
	sameRisk(t, "client reset", describe(clientID), &types.RiskConfigurationType{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)}, false)
	sameRisk(t, "pool after the client's reset", describe(""), want, true)
	set(&cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID)})
	sameRisk(t, "pool reset", describe(""), onlyPool, false)
}

// TestRiskConfigurationEventFilterDefault: without EventFilter the
// compromised-credentials configuration covers every event ("Defaults to
// all events", API reference; the Terraform provider reads it as computed).
func TestRiskConfigurationEventFilterDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	out, err := e.SDK.SetRiskConfiguration(t.Context(), &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID),
		CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
			Actions: &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeNoAction}}})
	ok(t, err, "SetRiskConfiguration")
	got := out.RiskConfiguration.CompromisedCredentialsRiskConfiguration.EventFilter
	want := []types.EventFilterType{types.EventFilterTypeSignIn, types.EventFilterTypePasswordChange, types.EventFilterTypeSignUp}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EventFilter %v, want %v", got, want)
	}
}

func TestRiskConfigurationErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	otherClient := aws.ToString(e.client(aws.ToString(e.pool().Id)).ClientId)
	exceptions := &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"10.0.0.0/8"}}
	_, err := e.SDK.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
	_, err = e.SDK.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00"), RiskExceptionConfiguration: exceptions})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
	// A client of another pool is not a client of this one.
	_, err = e.SDK.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID), ClientId: aws.String(otherClient),
		RiskExceptionConfiguration: exceptions})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client "+otherClient+" does not exist.")
	_, err = e.SDK.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(poolID), ClientId: aws.String(otherClient)})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client "+otherClient+" does not exist.")
	// IP ranges are CIDR blocks (API reference); the text is UNVERIFIED.
	_, err = e.SDK.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID),
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"not-an-ip-range"}}})
	wantAPICode(t, err, "InvalidParameterException")
	out, err := e.SDK.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "DescribeRiskConfiguration")
	if out.RiskConfiguration.RiskExceptionConfiguration != nil {
		t.Error("a refused configuration was stored")
	}
}

// TestRiskConfigurationDate: LastModifiedDate reads the service clock,
// which keeps running from where it was set.
func TestRiskConfigurationDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	ok(t, e.Clock.Set(t.Context(), time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)), "Clock.Set")
	before := e.Clock.Now().Truncate(time.Millisecond)
	out, err := e.SDK.SetRiskConfiguration(t.Context(), &cip.SetRiskConfigurationInput{UserPoolId: aws.String(poolID),
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"10.0.0.0/8"}}})
	ok(t, err, "SetRiskConfiguration")
	after := e.Clock.Now()
	if got := out.RiskConfiguration.LastModifiedDate; got == nil || got.Before(before) || got.After(after) {
		t.Errorf("LastModifiedDate %v, want the service clock's, between %v and %v", got, before, after)
	}
}
