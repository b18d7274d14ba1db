package apimodel

import (
	"strings"
	"testing"
)

// TestDecodeCanonical pins the canonical form: exactly the values the
// validator checked, under exactly the model's member names.
func TestDecodeCanonical(t *testing.T) {
	cases := []struct{ name, op, body, want string }{
		{"model order, whitespace gone", "ForgotPassword", ` { "Username" : "u" , "ClientId" : "c" } `,
			`{"ClientId":"c","Username":"u"}`},
		{"case-folded key is unknown", "ForgotPassword", `{"ClientId":"c","Username":"ok","username":"junk","USERNAME":"junk2"}`,
			`{"ClientId":"c","Username":"ok"}`},
		{"unknown members at every depth", "AdminCreateUser",
			`{"UserPoolId":"p_1","Username":"u","Extra":{"a":[1,2]},"UserAttributes":[{"Name":"email","value":"x","Value":"e@x.com","name":"phone_number"}]}`,
			`{"UserPoolId":"p_1","Username":"u","UserAttributes":[{"Name":"email","Value":"e@x.com"}]}`},
		{"repeated member: last wins", "ForgotPassword", `{"ClientId":"c","Username":"first","Username":"last"}`,
			`{"ClientId":"c","Username":"last"}`},
		{"null after a value means absent", "ForgotPassword", `{"ClientId":"c","Username":"u","SecretHash":"abc","SecretHash":null}`,
			`{"ClientId":"c","Username":"u"}`},
		{"null list elements dropped", "AdminCreateUser", `{"UserPoolId":"p_1","Username":"u","UserAttributes":[null,{"Name":"email","Value":"e"},null]}`,
			`{"UserPoolId":"p_1","Username":"u","UserAttributes":[{"Name":"email","Value":"e"}]}`},
		{"map: last value per key, nulls dropped", "ForgotPassword",
			`{"ClientId":"c","Username":"u","ClientMetadata":{"a":"1","b":"2","a":"3","c":null,"b":null,"\u0064":"4","d":"5"}}`,
			`{"ClientId":"c","Username":"u","ClientMetadata":{"a":"3","\u0064":"5"}}`},
		{"integers in plain decimal", "ListUserPools", `{"MaxResults":1e1}`, `{"MaxResults":10}`},
		{"integral fraction", "ListUserPools", `{"MaxResults":7.0}`, `{"MaxResults":7}`},
		{"strings copied with their escapes", "ForgotPassword", `{"ClientId":"c","Username":"\u0075\/"}`,
			`{"ClientId":"c","Username":"\u0075\/"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := mustLookup(t, c.op).Decode([]byte(c.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if string(got) != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestDecodeRefusesWhatValidateRefuses: Decode is Validate plus the
// canonical form; an invalid body yields the same error and no output.
func TestDecodeRefusesWhatValidateRefuses(t *testing.T) {
	op := mustLookup(t, "ForgotPassword")
	for _, body := range []string{`{"ClientId":`, `{"ClientId":"c","Username":"` + strings.Repeat("a", 129) + `"}`,
		`{"ClientId":"c"}`, `{"ClientId":"c","Username":"ok","Username":null}`, `[1]`} {
		want := outcome(t, op.Validate([]byte(body)))
		out, err := op.Decode([]byte(body))
		if want == "ok" || out != nil || outcome(t, err) != want {
			t.Errorf("%s: Decode gave %q, %q; Validate %q", body, out, outcome(t, err), want)
		}
	}
}

// TestNullElementsDoNotCount: a list must hold its minimum of elements the
// operation will see, so null elements (dropped) do not count toward it.
func TestNullElementsDoNotCount(t *testing.T) {
	op := mustLookup(t, "AddCustomAttributes") // CustomAttributes: 1 to 25 elements
	got := outcome(t, op.Validate([]byte(`{"UserPoolId":"p_1","CustomAttributes":[null]}`)))
	if !strings.Contains(got, "at 'customAttributes' failed to satisfy constraint: Member must have length greater than or equal to 1") {
		t.Fatalf("[null] counted as an element: %s", got)
	}
	got = outcome(t, op.Validate([]byte(`{"UserPoolId":"p_1","CustomAttributes":[null,{"Name":"a","AttributeDataType":"String"}]}`)))
	if got != "ok" {
		t.Fatalf("one real element: %s", got)
	}
}
