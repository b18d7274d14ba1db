package apimodel

import (
	"testing"
)

func TestSerializationErrors(t *testing.T) {
	const (
		startStruct = "serialization: Start of structure or map found where not expected."
		startList   = "serialization: Start of list found where not expected."
		expectMap   = "serialization: Expected map or null"
		expectList  = "serialization: Expected list or null"
		malformed   = "serialization: Could not parse request body into json"
		valid       = `"ClientId":"abc","Username":"alice"`
		user        = `{` + poolID + `,"Username":"bob"`
		pool        = `{"PoolName":"pool"`
	)
	runValidateCases(t, []validateCase{
		// Not JSON at all.
		{"truncated object", "ForgotPassword", `{"ClientId":"abc"`, malformed},
		{"missing value", "ForgotPassword", `{"ClientId":}`, malformed},
		{"trailing comma", "ForgotPassword", `{"ClientId":"abc",}`, malformed},
		{"two values", "ForgotPassword", `{} {}`, malformed},
		{"bare word", "ForgotPassword", `nul`, malformed},
		{"invalid UTF-8", "ForgotPassword", "{\"ClientId\":\"a\xffb\",\"Username\":\"u\"}", malformed},
		{"single quotes", "ForgotPassword", `{'ClientId':'abc'}`, malformed},

		// The top level must be an object (or null).
		{"top-level array", "ForgotPassword", `[]`, startList},
		{"top-level string", "ForgotPassword", `"abc"`, expectMap},
		{"top-level number", "ForgotPassword", `42`, expectMap},
		{"top-level boolean", "ForgotPassword", `true`, expectMap},

		// Strings.
		{"object for string", "ForgotPassword", `{"ClientId":{}}`, startStruct},
		{"array for string", "ForgotPassword", `{"ClientId":["abc"]}`, startList},
		{"number for string", "ForgotPassword", `{"ClientId":123}`, "serialization: NUMBER_VALUE cannot be converted to String"},
		{"true for string", "ForgotPassword", `{"ClientId":true}`, "serialization: TRUE_VALUE cannot be converted to String"},
		{"false for string", "ForgotPassword", `{"ClientId":false}`, "serialization: FALSE_VALUE cannot be converted to String"},
		{"number for map value", "ForgotPassword", `{` + valid + `,"ClientMetadata":{"k":1}}`, "serialization: NUMBER_VALUE cannot be converted to String"},

		// Structures, maps and lists.
		{"string for structure", "ForgotPassword", `{` + valid + `,"AnalyticsMetadata":"x"}`, expectMap},
		{"number for structure", "ForgotPassword", `{` + valid + `,"AnalyticsMetadata":1}`, expectMap},
		{"array for structure", "ForgotPassword", `{` + valid + `,"AnalyticsMetadata":[]}`, startList},
		{"string for map", "ForgotPassword", `{` + valid + `,"ClientMetadata":"k=v"}`, expectMap},
		{"array for map", "ForgotPassword", `{` + valid + `,"ClientMetadata":[]}`, startList},
		{"string for list", "AdminCreateUser", user + `,"UserAttributes":"email"}`, expectList},
		{"boolean for list", "AdminCreateUser", user + `,"UserAttributes":false}`, expectList},
		{"object for list", "AdminCreateUser", user + `,"UserAttributes":{"Name":"email"}}`, startStruct},
		{"string for list element structure", "AdminCreateUser", user + `,"UserAttributes":["email"]}`, expectMap},
		{"number inside list element", "AdminCreateUser", user + `,"UserAttributes":[{"Name":1}]}`, "serialization: NUMBER_VALUE cannot be converted to String"},

		// Booleans.
		{"string for boolean", "AdminCreateUser", user + `,"ForceAliasCreation":"true"}`, "serialization: STRING_VALUE cannot be converted to Boolean"},
		{"number for boolean", "AdminCreateUser", user + `,"ForceAliasCreation":1}`, "serialization: NUMBER_VALUE cannot be converted to Boolean"},
		{"object for boolean", "AdminCreateUser", user + `,"ForceAliasCreation":{}}`, startStruct},

		// Integers.
		{"string for integer", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":"8"}}}`, "serialization: STRING_VALUE cannot be converted to Integer"},
		{"boolean for integer", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":true}}}`, "serialization: TRUE_VALUE cannot be converted to Integer"},
		{"fraction for integer", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":8.5}}}`, "serialization: NUMBER_VALUE cannot be converted to Integer"},
		{"above int32", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":2147483648}}}`, "serialization: NUMBER_VALUE cannot be converted to Integer"},
		{"below int32", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":-2147483649}}}`, "serialization: NUMBER_VALUE cannot be converted to Integer"},
		{"huge exponent", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":1e400}}}`, "serialization: NUMBER_VALUE cannot be converted to Integer"},
		{"int32 max deserializes, then fails its range", "CreateUserPool", pool + `,"Policies":{"PasswordPolicy":{"MinimumLength":2147483647}}}`,
			one("Value '2147483647' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value less than or equal to 99")},

		// Blobs.
		{"invalid base64", "SetUICustomization", `{` + poolID + `,"ImageFile":"not base64!"}`, "serialization: Invalid base64 value"},
		{"number for blob", "SetUICustomization", `{` + poolID + `,"ImageFile":12}`, "serialization: NUMBER_VALUE cannot be converted to ByteBuffer"},

		// Type errors win over constraint violations, first in document order.
		{"type error after a constraint violation", "ForgotPassword", `{"ClientId":"","Username":5}`, "serialization: NUMBER_VALUE cannot be converted to String"},
		{"type error before a missing member", "ForgotPassword", `{"Username":[]}`, startList},
		{"first type error in document order", "ForgotPassword", `{"Username":{},"ClientId":1}`, startStruct},
		{"type error in unknown member ignored", "ForgotPassword", `{"Unknown":{"ClientId":1},` + valid + `}`, "ok"},
	})
}

// Long shapes are not reachable from any input today; check the message
// table directly so that one appearing later gets the right text.
func TestConversionMessages(t *testing.T) {
	cases := []struct {
		name  string
		token byte
		typ   shapeType
		want  string
	}{
		{"string to long", '"', typeLong, "STRING_VALUE cannot be converted to Long"},
		{"true to double", 't', typeDouble, "TRUE_VALUE cannot be converted to Double"},
		{"number to timestamp", '0', typeTimestamp, "NUMBER_VALUE cannot be converted to Date"},
		{"false to integer", 'f', typeInteger, "FALSE_VALUE cannot be converted to Integer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := conversionMessage(tc.token, tc.typ); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseIntegral(t *testing.T) {
	cases := []struct {
		text string
		bits int
		want int64
		ok   bool
	}{
		{"0", 32, 0, true},
		{"-0", 32, 0, true},
		{"2147483647", 32, 2147483647, true},
		{"-2147483648", 32, -2147483648, true},
		{"2147483648", 32, 0, false},
		{"2147483648", 64, 2147483648, true},
		{"1e2", 32, 100, true},
		{"1.0", 32, 1, true},
		{"1.5", 32, 0, false},
		{"2.147483648e9", 32, 0, false},
		{"9223372036854775807", 64, 9223372036854775807, true},
		{"9223372036854775808", 64, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			got, ok := parseIntegral([]byte(tc.text), tc.bits)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseIntegral(%s, %d) = %d, %t; want %d, %t", tc.text, tc.bits, got, ok, tc.want, tc.ok)
			}
		})
	}
}
