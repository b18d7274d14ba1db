package apimodel

import (
	"errors"
	"testing"
)

// outcome renders a Validate result as one comparable string:
// "ok", "serialization: <message>" or the aggregated validation message.
func outcome(t *testing.T, err error) string {
	t.Helper()
	var se *SerializationError
	var ve *ValidationError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &se):
		return "serialization: " + se.Message
	case errors.As(err, &ve):
		if len(ve.Violations) == 0 {
			t.Fatalf("ValidationError without violations")
		}
		return ve.Error()
	}
	t.Fatalf("unexpected error type %T: %v", err, err)
	return ""
}

func mustLookup(t testing.TB, name string) *Operation {
	t.Helper()
	op, ok := Lookup(name)
	if !ok {
		t.Fatalf("operation %s not found", name)
	}
	return op
}

type validateCase struct {
	name string
	op   string
	body string
	want string
}

func runValidateCases(t *testing.T, cases []validateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := outcome(t, mustLookup(t, tc.op).Validate([]byte(tc.body)))
			if got != tc.want {
				t.Errorf("%s %s\n got: %s\nwant: %s", tc.op, abbreviate(tc.body), got, tc.want)
			}
		})
	}
}

func abbreviate(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

func one(v string) string { return "1 validation error detected: " + v }

const (
	notNull      = "failed to satisfy constraint: Member must not be null"
	emoji        = "\U0001F600" // one character, two UTF-16 code units
	patUsername  = `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`
	patClientID  = `[\w+]+`
	patUserPool  = `[\w-]+_[0-9a-zA-Z]+`
	patAttrName  = `[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+`
	patNonSpaces = `[\S]+`
)
