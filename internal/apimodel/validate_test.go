package apimodel

import (
	"strings"
	"testing"
)

// Bodies reused below: valid except for the member under test.
const (
	poolID       = `"UserPoolId":"us-east-1_AbC123"`
	termsPrefix  = `{` + poolID + `,"ClientId":"abc","TermsName":"terms-of-use","TermsSource":"LINK","Enforcement":"NONE"`
	authFlowEnum = "[USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"
)

// TestSpecSamples replays the Cognito messages quoted in spec §1.5 and the
// issue threads it cites.
func TestSpecSamples(t *testing.T) {
	runValidateCases(t, []validateCase{
		{
			// spec §1.5, observed verbatim. ConfirmationCode is not sensitive
			// in the model (its value is shown); Username and Password are,
			// but they are valid here.
			name: "empty confirmation code",
			op:   "ConfirmForgotPassword",
			body: `{"ClientId":"abc","Username":"alice","ConfirmationCode":"","Password":"Passw0rd!"}`,
			want: `2 validation errors detected: Value '' at 'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+; Value '' at 'confirmationCode' failed to satisfy constraint: Member must have length greater than or equal to 1`,
		},
		{
			// aws/aws-sdk-js#3344, observed verbatim (leading space).
			name: "user pool id with leading space",
			op:   "ListGroups",
			body: `{"UserPoolId":" ap-northeast-1_xxx"}`,
			want: one(`Value ' ap-northeast-1_xxx' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: ` + patUserPool),
		},
		{
			// The spec's 'YOUR_USER_POOL_ID' sample (anomalyco/guide#127)
			// cannot be reproduced: the value matches [\w-]+_[0-9a-zA-Z]+ as
			// a whole under java.util.regex ("YOUR_USER_POOL" + "_" + "ID"),
			// so the reporter almost certainly redacted the value they sent.
			name: "YOUR_USER_POOL_ID matches the model pattern",
			op:   "DescribeUserPool",
			body: `{"UserPoolId":"YOUR_USER_POOL_ID"}`,
			want: "ok",
		},
		{
			name: "placeholder pool id without underscore",
			op:   "DescribeUserPool",
			body: `{"UserPoolId":"YOUR-USER-POOL-ID"}`,
			want: one(`Value 'YOUR-USER-POOL-ID' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: ` + patUserPool),
		},
	})
}

func TestRequiredMembers(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"missing client id", "ForgotPassword", `{"Username":"alice"}`,
			one("Value null at 'clientId' " + notNull)},
		{"null is absent", "ForgotPassword", `{"ClientId":null,"Username":"alice"}`,
			one("Value null at 'clientId' " + notNull)},
		{"all missing, model order", "ConfirmForgotPassword", `{}`,
			"4 validation errors detected: Value null at 'clientId' " + notNull +
				"; Value null at 'username' " + notNull +
				"; Value null at 'confirmationCode' " + notNull +
				"; Value null at 'password' " + notNull},
		{"empty body is {}", "ForgotPassword", ``,
			"2 validation errors detected: Value null at 'clientId' " + notNull + "; Value null at 'username' " + notNull},
		{"whitespace body is {}", "ForgotPassword", " \n\t\r ",
			"2 validation errors detected: Value null at 'clientId' " + notNull + "; Value null at 'username' " + notNull},
		{"top-level null is {}", "ForgotPassword", ` null `,
			"2 validation errors detected: Value null at 'clientId' " + notNull + "; Value null at 'username' " + notNull},
		{"no required members", "AssociateSoftwareToken", ``, "ok"},
		{"required inside list element", "AdminCreateUser",
			`{` + poolID + `,"Username":"bob","UserAttributes":[{"Name":"email","Value":"a@b.c"},{"Value":"x"}]}`,
			one("Value null at 'userAttributes.2.member.name' " + notNull)},
	})
}

func TestSensitiveValuesOmitted(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"sensitive client id", "ForgotPassword", `{"ClientId":"bad id","Username":"alice"}`,
			one("Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patClientID)},
		{"sensitive password length", "ConfirmForgotPassword",
			`{"ClientId":"abc","Username":"alice","ConfirmationCode":"123456","Password":"` + strings.Repeat("p", 257) + `"}`,
			one("Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256")},
		{"sensitive username pattern and length", "ForgotPassword", `{"ClientId":"abc","Username":""}`,
			"2 validation errors detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patUsername +
				"; Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"member of sensitive structure", "ForgotPassword",
			`{"ClientId":"abc","Username":"alice","UserContextData":{"EncodedData":"` + strings.Repeat("e", 131073) + `"}}`,
			one("Value at 'userContextData.encodedData' failed to satisfy constraint: Member must have length less than or equal to 131072")},
		{"value of sensitive map", "InitiateAuth",
			`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"PASSWORD":"` + strings.Repeat("s", 131073) + `"}}`,
			one("Value at 'authParameters' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 131072, Member must have length greater than or equal to 0]")},
		{"non-sensitive sibling is shown", "ConfirmForgotPassword",
			`{"ClientId":"abc","Username":"alice","ConfirmationCode":"12 34","Password":"x y"}`,
			"2 validation errors detected: Value '12 34' at 'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patNonSpaces +
				"; Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patNonSpaces},
	})
}

func TestPaths(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"nested structure range max", "CreateUserPool",
			`{"PoolName":"pool","Policies":{"PasswordPolicy":{"MinimumLength":100}}}`,
			one("Value '100' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value less than or equal to 99")},
		{"nested structure range min", "CreateUserPool",
			`{"PoolName":"pool","Policies":{"PasswordPolicy":{"MinimumLength":5}}}`,
			one("Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6")},
		{"list element member", "AdminCreateUser",
			`{` + poolID + `,"Username":"bob","UserAttributes":[{"Name":"","Value":"x"}]}`,
			"2 validation errors detected: Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patAttrName +
				"; Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"list count and element members", "CreateUserPool",
			`{"PoolName":"pool","AccountRecoverySetting":{"RecoveryMechanisms":[{"Priority":1,"Name":"verified_email"},{"Priority":2,"Name":"verified_phone_number"},{"Name":"admin_only","Priority":3}]}}`,
			"2 validation errors detected: Value '[{Priority=1, Name=verified_email}, {Priority=2, Name=verified_phone_number}, {Priority=3, Name=admin_only}]' at 'accountRecoverySetting.recoveryMechanisms' failed to satisfy constraint: Member must have length less than or equal to 2" +
				"; Value '3' at 'accountRecoverySetting.recoveryMechanisms.3.member.priority' failed to satisfy constraint: Member must have value less than or equal to 2"},
		{"list of sensitive structures not echoed", "AdminCreateUser",
			`{` + poolID + `,"Username":"bob","UserAttributes":[{"Name":"email","Value":"secret"}],"DesiredDeliveryMediums":["FAX"]}`,
			one("Value '[FAX]' at 'desiredDeliveryMediums' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [SMS, EMAIL]]")},
		{"model order, not document order", "ConfirmForgotPassword",
			`{"Password":"","ConfirmationCode":"a b","Username":"alice","ClientId":"abc"}`,
			"2 validation errors detected: Value 'a b' at 'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patNonSpaces +
				"; Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patNonSpaces},
	})
}

func TestEnumsListsMaps(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"enum", "InitiateAuth", `{"AuthFlow":"PASSWORD","ClientId":"abc"}`,
			one("Value 'PASSWORD' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: " + authFlowEnum)},
		{"enum is case-sensitive", "InitiateAuth", `{"AuthFlow":"user_srp_auth","ClientId":"abc"}`,
			one("Value 'user_srp_auth' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: " + authFlowEnum)},
		{
			// Observed verbatim on Cognito (aws-solutions/media-insights-on-aws#199),
			// except that the enum list now follows the current model.
			name: "list of enums",
			op:   "CreateUserPoolClient",
			body: `{` + poolID + `,"ClientName":"app","ExplicitAuthFlows":["ALLOW_USER_SRP_AUTH","ADMIN_USER_PASSWORD_AUTH"]}`,
			want: one("Value '[ALLOW_USER_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_AUTH]]"),
		},
		{"list of enums, several bad, one violation", "CreateUserPool", `{"PoolName":"pool","AliasAttributes":["x","email","y"]}`,
			one("Value '[x, email, y]' at 'aliasAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email, preferred_username]]")},
		{"list with null element", "CreateUserPool", `{"PoolName":"pool","AliasAttributes":[null,"email"]}`, "ok"},
		{"map key length", "CreateUserPool", `{"PoolName":"pool","UserPoolTags":{"":"v","ok":"w"}}`,
			one("Value '{=v, ok=w}' at 'userPoolTags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")},
		{"map key pattern", "CreateTerms", termsPrefix + `,"Links":{"cognito:klingon":"https://example.com"}}`,
			one("Value '{cognito:klingon=https://example.com}' at 'links' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^cognito:(default|dutch|english|french|spanish|german|bahasa-indonesia|italian|japanese|korean|portuguese-brazil|chinese-(simplified|traditional))$]")},
		{"map value", "CreateTerms", termsPrefix + `,"Links":{"cognito:english":"a b"}}`,
			one(`Value '{cognito:english=a b}' at 'links' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$]`)},
		{"map too small", "CreateTerms", termsPrefix + `,"Links":{}}`,
			one("Value '{}' at 'links' failed to satisfy constraint: Member must have length greater than or equal to 1")},
		{"map duplicate keys count once", "CreateTerms", termsPrefix + `,"Links":{"cognito:english":"https://a","cognito:english":"https://b"}}`, "ok"},
	})
}

func TestStringLengthInUTF16Units(t *testing.T) {
	group := func(name string) string {
		return `{"GroupName":"` + name + `",` + poolID + `}`
	}
	tooLong := func(v string) string {
		return one("Value '" + v + "' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128")
	}
	runValidateCases(t, []validateCase{
		{"64 astral characters are 128 units", "CreateGroup", group(strings.Repeat(emoji, 64)), "ok"},
		{"65 astral characters are 130 units", "CreateGroup", group(strings.Repeat(emoji, 65)), tooLong(strings.Repeat(emoji, 65))},
		{"128 two-byte characters are 128 units", "CreateGroup", group(strings.Repeat("é", 128)), "ok"},
		{"129 characters", "CreateGroup", group(strings.Repeat("é", 129)), tooLong(strings.Repeat("é", 129))},
		{"escaped surrogate pair counts two", "CreateGroup", group(strings.Repeat(`\ud83d\ude00`, 65)), tooLong(strings.Repeat(emoji, 65))},
		{"escaped BMP character counts one", "CreateGroup", group(strings.Repeat(`\u00e9`, 128)), "ok"},
	})
}

func TestLenientInput(t *testing.T) {
	const valid = `"ClientId":"abc","Username":"alice"`
	runValidateCases(t, []validateCase{
		{"unknown members ignored", "ForgotPassword",
			`{` + valid + `,"Foo":{"Bar":[1,{"x":null}],"ClientId":5},"clientid":true,"Extra":"` + strings.Repeat("z", 300) + `"}`, "ok"},
		{"unknown member with any type", "ForgotPassword", `{"Nope":[[[[{}]]]],` + valid + `}`, "ok"},
		{"duplicate member, last wins", "ForgotPassword", `{"ClientId":"bad id","ClientId":"abc","Username":"alice"}`, "ok"},
		{"duplicate member, last is null", "ForgotPassword", `{"ClientId":"abc","ClientId":null,"Username":"alice"}`,
			one("Value null at 'clientId' " + notNull)},
		{"escaped member name", "ForgotPassword", `{"Client\u0049d":"abc","Username":"alice"}`, "ok"},
		{"member names are case-sensitive", "ForgotPassword", `{"clientId":"abc","Username":"alice"}`,
			one("Value null at 'clientId' " + notNull)},
		{"escaped value is decoded", "ForgotPassword", `{"ClientId":"a\u0020b","Username":"alice"}`,
			one("Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: " + patClientID)},
		{"metadata is not validated", "ForgotPassword", `{` + valid + `,"ClientMetadata":{"":"","k":"` + strings.Repeat("v", 1000) + `"}}`, "ok"},
		{"document accepts any JSON", "CreateManagedLoginBranding", `{` + poolID + `,"ClientId":"abc","Settings":[1,"two",{"three":null}]}`, "ok"},
		{"integral number forms", "CreateUserPool", `{"PoolName":"pool","Policies":{"PasswordPolicy":{"MinimumLength":8.0,"PasswordHistorySize":2e1}}}`, "ok"},
		{"valid blob", "SetUICustomization", `{` + poolID + `,"ImageFile":"iVBORw0KGgo="}`, "ok"},
		{"unpadded blob", "SetUICustomization", `{` + poolID + `,"ImageFile":"iVBORw0KGgo"}`, "ok"},
	})
}

func TestBlobLength(t *testing.T) {
	// "AAAA" decodes to 3 zero bytes: 131073 bytes in all.
	img := strings.Repeat("AAAA", 131073/3)
	runValidateCases(t, []validateCase{
		{"blob longer than max", "SetUICustomization", `{` + poolID + `,"ImageFile":"` + img + `"}`,
			one("Value 'java.nio.HeapByteBuffer[pos=0 lim=131073 cap=131073]' at 'imageFile' failed to satisfy constraint: Member must have length less than or equal to 131072")},
	})
}

// Patterns compile lazily on first use; concurrent first calls must be
// safe (run with -race).
func TestValidateConcurrent(t *testing.T) {
	bodies := map[string]string{
		"ForgotPassword": forgotPasswordBody,
		"CreateUserPool": createUserPoolBody,
		"SignUp":         `{"ClientId":"abc","Username":"bob","Password":"Passw0rd!","UserAttributes":[{"Name":"email","Value":"b@x.io"}]}`,
	}
	done := make(chan error)
	for i := 0; i < 8; i++ {
		for name, body := range bodies {
			op := mustLookup(t, name)
			go func() { done <- op.Validate([]byte(body)) }()
		}
	}
	for i := 0; i < 8*len(bodies); i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
