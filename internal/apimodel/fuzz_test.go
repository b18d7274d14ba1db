package apimodel

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzValidate checks that Validate never panics, always returns one of
// its three outcomes, and calls a body malformed exactly when
// encoding/json (plus the UTF-8 rule) does.
func FuzzValidate(f *testing.F) {
	seeds := []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"ClientId":`, forgotPasswordBody, createUserPoolBody,
		`{"ClientId":"abc","Username":"alice","ConfirmationCode":"","Password":"p"}`,
		`{"UserPoolId":"us-east-1_abc","Username":"bob","UserAttributes":[{"Name":"","Value":"x"},{"Value":1}]}`,
		`{"PoolName":"p","UserPoolTags":{"":"v"},"AliasAttributes":["x",null],"Policies":{"PasswordPolicy":{"MinimumLength":1e2}}}`,
		`{"UserPoolId":"us-east-1_abc","ImageFile":"iVBORw0KGgo="}`,
		`{"Client\u0049d":"a\ud83d\ude00","Username":"\ud800"}`,
		`{"AuthFlow":"USER_SRP_AUTH","ClientId":"c","AuthParameters":{"USERNAME":"u","SRP_A":"` + strings.Repeat("a", 40) + `"}}`,
		`{"Links":{"cognito:english":"https://x"},"Settings":[{"a":[1,2,{"b":null}]}]}`,
	}
	ops := Operations()
	for i, s := range seeds {
		f.Add(uint8(i*13), []byte(s))
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		err := op.Validate(body)
		blank := len(bytes.TrimSpace(body)) == 0
		wellFormed := blank || (json.Valid(body) && isUTF8(body))
		switch e := err.(type) {
		case nil:
		case *SerializationError:
			if e.Message == "" {
				t.Fatal("empty SerializationError message")
			}
			if !wellFormed || e.Message != msgMalformedJSON {
				return
			}
			t.Fatalf("well-formed body reported malformed: %q", body)
		case *ValidationError:
			msg := e.Error()
			if len(e.Violations) == 0 || !strings.Contains(msg, "validation error") {
				t.Fatalf("bad ValidationError %q", msg)
			}
		default:
			t.Fatalf("unexpected error type %T", err)
		}
		if !wellFormed {
			t.Fatalf("malformed body accepted by %s: %q -> %v", op.Name, body, err)
		}
	})
}

func isUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }
