package apimodel

import (
	"bytes"
	"encoding/json"
	"testing"
)

// A typical ForgotPassword call as the SDKs send it.
const forgotPasswordBody = `{"ClientId":"6p3bs000no6a4ue1idruvd05ad","Username":"alice@example.com",` +
	`"SecretHash":"5ZoKQ8xPDXyv8u4NK0zqLkbgzjwZk1fD1jkl3Z1aXLM=",` +
	`"ClientMetadata":{"source":"web","locale":"en-US"}}`

// A large, nested, valid CreateUserPool body (about 3 KB).
const createUserPoolBody = `{
 "PoolName": "production-users",
 "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": true, "RequireLowercase": true,
   "RequireNumbers": true, "RequireSymbols": true, "PasswordHistorySize": 5, "TemporaryPasswordValidityDays": 7},
   "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
 "DeletionProtection": "ACTIVE",
 "LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up",
   "CustomMessage": "arn:aws:lambda:us-east-1:123456789012:function:custom-message",
   "PostConfirmation": "arn:aws:lambda:us-east-1:123456789012:function:post-confirmation",
   "UserMigration": "arn:aws:lambda:us-east-1:123456789012:function:user-migration"},
 "AutoVerifiedAttributes": ["email"],
 "UsernameAttributes": ["email"],
 "VerificationMessageTemplate": {"SmsMessage": "Your code is {####}", "EmailMessage": "Your verification code is {####}.",
   "EmailSubject": "Verify your email", "DefaultEmailOption": "CONFIRM_WITH_CODE"},
 "MfaConfiguration": "OPTIONAL",
 "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
 "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": true},
 "EmailConfiguration": {"SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
   "ReplyToEmailAddress": "support@example.com", "EmailSendingAccount": "DEVELOPER", "From": "Example <no-reply@example.com>"},
 "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms", "ExternalId": "external-id-1", "SnsRegion": "us-east-1"},
 "UserPoolTags": {"team": "identity", "env": "production", "cost-center": "1234"},
 "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 7,
   "InviteMessageTemplate": {"SMSMessage": "Your username is {username} and password {####}",
     "EmailMessage": "Your username is {username} and temporary password is {####}.", "EmailSubject": "Welcome"}},
 "Schema": [
   {"Name": "email", "AttributeDataType": "String", "Mutable": true, "Required": true,
    "StringAttributeConstraints": {"MinLength": "5", "MaxLength": "254"}},
   {"Name": "name", "AttributeDataType": "String", "Mutable": true, "Required": false},
   {"Name": "tenant_id", "AttributeDataType": "String", "DeveloperOnlyAttribute": false, "Mutable": false,
    "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}},
   {"Name": "login_count", "AttributeDataType": "Number", "Mutable": true,
    "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "100000"}}
 ],
 "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"},
 "UsernameConfiguration": {"CaseSensitive": false},
 "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}, {"Priority": 2, "Name": "verified_phone_number"}]},
 "UserPoolTier": "ESSENTIALS"
}`

func benchmarkValidate(b *testing.B, opName, body string) {
	op := mustLookup(b, opName)
	data := []byte(body)
	if err := op.Validate(data); err != nil {
		b.Fatalf("benchmark body is invalid: %v", err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := op.Validate(data); err != nil {
			b.Fatal(err)
		}
	}
}

// Decode is Validate plus the canonical copy every request now pays for.
func benchmarkDecode(b *testing.B, opName, body string) {
	op := mustLookup(b, opName)
	data := []byte(body)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := op.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeForgotPassword(b *testing.B) {
	benchmarkDecode(b, "ForgotPassword", forgotPasswordBody)
}

func BenchmarkDecodeCreateUserPool(b *testing.B) {
	benchmarkDecode(b, "CreateUserPool", createUserPoolBody)
}

func BenchmarkValidateForgotPassword(b *testing.B) {
	benchmarkValidate(b, "ForgotPassword", forgotPasswordBody)
}

func BenchmarkValidateCreateUserPool(b *testing.B) {
	benchmarkValidate(b, "CreateUserPool", createUserPoolBody)
}

// The failing path builds messages; it should stay cheap too.
func BenchmarkValidateForgotPasswordInvalid(b *testing.B) {
	op := mustLookup(b, "ForgotPassword")
	data := []byte(`{"ClientId":"bad id","Username":""}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := op.Validate(data); err == nil {
			b.Fatal("expected an error")
		}
	}
}

// Baseline for the design choice: merely decoding the body into `any` with
// UseNumber (before any validation) costs more than the whole streaming
// validation above.
func BenchmarkBaselineDecodeAny(b *testing.B) {
	for _, body := range []struct{ name, data string }{
		{"ForgotPassword", forgotPasswordBody}, {"CreateUserPool", createUserPoolBody},
	} {
		b.Run(body.name, func(b *testing.B) {
			data := []byte(body.data)
			b.ReportAllocs()
			for b.Loop() {
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
