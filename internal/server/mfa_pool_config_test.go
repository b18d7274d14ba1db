package server_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Pool MFA configuration (issue 15 item 2, issue 16: the Terraform
// provider reads GetUserPoolMfaConfig on every aws_cognito_user_pool read).

var smsConfig = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"),
	ExternalId: aws.String("ext-1"), SnsRegion: aws.String("us-east-1")}

func withSmsConfig(in *cip.CreateUserPoolInput) { in.SmsConfiguration = smsConfig }

func developerEmail(in *cip.CreateUserPoolInput) {
	in.EmailConfiguration = &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
		SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com"),
		From:      aws.String("no-reply@example.com")}
}

var totpOn = &types.SoftwareTokenMfaConfigType{Enabled: true}

// setMfa calls SetUserPoolMfaConfig on pool with in's members.
func (e *env) setMfa(poolID string, in cip.SetUserPoolMfaConfigInput) (*cip.SetUserPoolMfaConfigOutput, error) {
	in.UserPoolId = aws.String(poolID)
	return e.SDK.SetUserPoolMfaConfig(e.t.Context(), &in)
}

// getMfa returns GetUserPoolMfaConfig's raw JSON members, re-encoded from
// what the SDK decoded, so that an absent member is told from an empty one.
func (e *env) getMfa(poolID string) *cip.GetUserPoolMfaConfigOutput {
	e.t.Helper()
	out, err := e.SDK.GetUserPoolMfaConfig(e.t.Context(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID)})
	ok(e.t, err, "GetUserPoolMfaConfig")
	return out
}

func mfaJSON(t *testing.T, out *cip.GetUserPoolMfaConfigOutput) string {
	t.Helper()
	b, err := json.Marshal(struct {
		S *types.SmsMfaConfigType
		T *types.SoftwareTokenMfaConfigType
		E *types.EmailMfaConfigType
		M types.UserPoolMfaType
		W *types.WebAuthnConfigurationType
	}{out.SmsMfaConfiguration, out.SoftwareTokenMfaConfiguration, out.EmailMfaConfiguration, out.MfaConfiguration, out.WebAuthnConfiguration})
	ok(t, err, "marshal")
	return string(b)
}

func (e *env) describedMfa(poolID string) types.UserPoolMfaType {
	e.t.Helper()
	out, err := e.SDK.DescribeUserPool(e.t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	ok(e.t, err, "DescribeUserPool")
	return out.UserPool.MfaConfiguration
}

// Every pool answers GetUserPoolMfaConfig, a pool made without any MFA
// setting with OFF and no factor at all (a factor reported but never set
// would be drift for Terraform).
func TestGetUserPoolMfaConfigDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	if got, want := mfaJSON(t, e.getMfa(poolID)), `{"S":null,"T":null,"E":null,"M":"OFF","W":null}`; got != want {
		t.Fatalf("fresh pool: %s\nwant %s", got, want)
	}
	_, err := e.SDK.GetUserPoolMfaConfig(t.Context(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String("us-east-1_nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
}

// SetUserPoolMfaConfig stores the whole configuration, returns it, and
// GetUserPoolMfaConfig and DescribeUserPool agree with it.
func TestSetUserPoolMfaConfigRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool(withSmsConfig, developerEmail).Id)
	in := cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Code: {####}")},
		SoftwareTokenMfaConfiguration: totpOn,
		EmailMfaConfiguration:         &types.EmailMfaConfigType{Message: aws.String("Your code {####}"), Subject: aws.String("Sign-in code")},
		WebAuthnConfiguration:         &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("auth.example.com"), UserVerification: types.UserVerificationTypePreferred},
	}
	set, err := e.setMfa(poolID, in)
	ok(t, err, "SetUserPoolMfaConfig")
	want := `{"S":{"SmsAuthenticationMessage":"Code: {####}","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sms","ExternalId":"ext-1","SnsRegion":"us-east-1"}},` +
		`"T":{"Enabled":true},"E":{"Message":"Your code {####}","Subject":"Sign-in code"},"M":"OPTIONAL",` +
		`"W":{"FactorConfiguration":"","RelyingPartyId":"auth.example.com","UserVerification":"preferred"}}`
	got := mfaJSON(t, &cip.GetUserPoolMfaConfigOutput{SmsMfaConfiguration: set.SmsMfaConfiguration,
		SoftwareTokenMfaConfiguration: set.SoftwareTokenMfaConfiguration, EmailMfaConfiguration: set.EmailMfaConfiguration,
		MfaConfiguration: set.MfaConfiguration, WebAuthnConfiguration: set.WebAuthnConfiguration})
	if got != want {
		t.Fatalf("SetUserPoolMfaConfig answered %s\nwant %s", got, want)
	}
	if got := mfaJSON(t, e.getMfa(poolID)); got != want {
		t.Fatalf("GetUserPoolMfaConfig %s\nwant %s", got, want)
	}
	d, err := e.SDK.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "DescribeUserPool")
	if d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOptional || aws.ToString(d.UserPool.SmsAuthenticationMessage) != "Code: {####}" {
		t.Fatalf("DescribeUserPool: MfaConfiguration %s, SmsAuthenticationMessage %q", d.UserPool.MfaConfiguration,
			aws.ToString(d.UserPool.SmsAuthenticationMessage))
	}
	// A full replace: what the next request leaves out is turned off, and
	// an omitted MfaConfiguration is OFF.
	_, err = e.setMfa(poolID, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration: &types.SmsMfaConfigType{}})
	ok(t, err, "SetUserPoolMfaConfig SMS only")
	if got := mfaJSON(t, e.getMfa(poolID)); got != `{"S":{"SmsAuthenticationMessage":"Code: {####}","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sms","ExternalId":"ext-1","SnsRegion":"us-east-1"}},"T":null,"E":null,"M":"ON","W":null}` {
		t.Fatalf("after SMS only: %s", got)
	}
	_, err = e.setMfa(poolID, cip.SetUserPoolMfaConfigInput{})
	ok(t, err, "SetUserPoolMfaConfig empty")
	if got := mfaJSON(t, e.getMfa(poolID)); got != `{"S":null,"T":null,"E":null,"M":"OFF","W":null}` {
		t.Fatalf("after an empty request: %s", got)
	}
	if m := e.describedMfa(poolID); m != types.UserPoolMfaTypeOff {
		t.Fatalf("DescribeUserPool MfaConfiguration %s, want OFF", m)
	}
}

// Cognito's refusals, each leaving the configuration as it was.
func TestSetUserPoolMfaConfigRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plain := aws.ToString(e.pool().Id)
	withSms := aws.ToString(e.pool(withSmsConfig).Id)
	cases := []struct {
		name, pool string
		in         cip.SetUserPoolMfaConfigInput
		code, msg  string // msg "" for a text we could not verify
	}{
		{"OFF with a factor", plain, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOff, SoftwareTokenMfaConfiguration: totpOn},
			"InvalidParameterException", "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."},
		{"omitted mode with a factor", plain, cip.SetUserPoolMfaConfigInput{SoftwareTokenMfaConfiguration: totpOn},
			"InvalidParameterException", "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."},
		{"ON without a factor", plain, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn},
			"InvalidParameterException", "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."},
		{"OPTIONAL with TOTP disabled", plain, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false}},
			"InvalidParameterException", "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."},
		{"SMS without any SmsConfiguration", plain, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn,
			SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Code {####}")}},
			"InvalidParameterException", "Invalid SMS MFA configuration given, external id and a valid caller arn are required"},
		{"TOTP only while the pool has an SmsConfiguration", withSms, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
			SoftwareTokenMfaConfiguration: totpOn},
			"InvalidParameterException", "Can't turn off SMS_MFA when SMS configuration is set for the user pool"},
		{"email MFA with Cognito's own email", plain, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
			EmailMfaConfiguration: &types.EmailMfaConfigType{}}, "InvalidParameterException", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e.with(t)
			_, err := e.setMfa(c.pool, c.in)
			if c.msg == "" {
				wantAPICode(t, err, c.code)
			} else {
				wantAPIError(t, err, c.code, c.msg)
			}
			if got := mfaJSON(t, e.getMfa(c.pool)); got != `{"S":null,"T":null,"E":null,"M":"OFF","W":null}` {
				t.Fatalf("a refused request changed the configuration: %s", got)
			}
		})
	}
}

// CreateUserPool and UpdateUserPool set MfaConfiguration too, consistently
// with SetUserPoolMfaConfig: ON or OPTIONAL needs a factor, the pool's
// SmsConfiguration turns SMS MFA on, UpdateUserPool keeps the factors set
// earlier, and its omitted MfaConfiguration (OFF) turns them off.
func TestPoolMfaThroughCreateAndUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.SDK.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("p"), MfaConfiguration: types.UserPoolMfaTypeOn})
	wantAPIError(t, err, "InvalidParameterException", "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
	smsPool := aws.ToString(e.pool(withSmsConfig, func(in *cip.CreateUserPoolInput) { in.MfaConfiguration = types.UserPoolMfaTypeOn }).Id)
	if got := e.getMfa(smsPool); got.MfaConfiguration != types.UserPoolMfaTypeOn || got.SmsMfaConfiguration == nil {
		t.Fatalf("CreateUserPool ON with SmsConfiguration: %s", mfaJSON(t, got))
	}

	poolID := aws.ToString(e.pool().Id)
	_, err = e.setMfa(poolID, cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: totpOn})
	ok(t, err, "SetUserPoolMfaConfig")
	// Terraform's update: the pool's other settings with the MFA mode it read.
	_, err = e.SDK.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID), MfaConfiguration: types.UserPoolMfaTypeOptional})
	ok(t, err, "UpdateUserPool OPTIONAL")
	if got := mfaJSON(t, e.getMfa(poolID)); got != `{"S":null,"T":{"Enabled":true},"E":null,"M":"OPTIONAL","W":null}` {
		t.Fatalf("after UpdateUserPool OPTIONAL: %s", got)
	}
	_, err = e.SDK.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "UpdateUserPool without MfaConfiguration")
	if got := mfaJSON(t, e.getMfa(poolID)); got != `{"S":null,"T":null,"E":null,"M":"OFF","W":null}` {
		t.Fatalf("after UpdateUserPool resetting MfaConfiguration: %s", got)
	}
	_, err = e.SDK.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID), MfaConfiguration: types.UserPoolMfaTypeOn})
	wantAPIError(t, err, "InvalidParameterException", "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
}
