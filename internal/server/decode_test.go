package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/userpool/userpool/internal/apimodel"
)

// TestRouteInputsMatchModel: every operation's Go input type names its
// fields exactly as the model does, so decoding never depends on
// encoding/json's case-insensitive fallback.
func TestRouteInputsMatchModel(t *testing.T) {
	for name, h := range routes(nil) {
		model, ok := apimodel.Lookup(name)
		if !ok {
			t.Errorf("route %s is not a model operation", name)
			continue
		}
		if err := model.CheckGoType(reflect.TypeOf(h.newInput())); err != nil {
			t.Error(err)
		}
	}
}

// FuzzDecodeAgreesWithValidate: for any body an operation's validator
// accepts, every value the operation receives is the value the validator
// checked, under the same member name. Its seeds fail when the operations
// decode the raw body, as they did when {"Username":"ok","username":"<junk>"}
// validated "ok" and stored the junk.
func FuzzDecodeAgreesWithValidate(f *testing.F) {
	rs := routes(nil)
	names := make([]string, 0, len(rs))
	for name := range rs {
		names = append(names, name)
	}
	slices.Sort(names)
	seed := func(op, body string) { f.Add(uint16(slices.Index(names, op)), []byte(body)) }
	seed("ForgotPassword", `{"ClientId":"c","Username":"ok","username":"junk"}`)
	seed("ForgotPassword", `{"ClientId":"c","Username":"ok","SecretHash":"abc","SecretHash":null}`)
	seed("SignUp", `{"ClientId":"c","Username":"u","Password":"p","UserAttributes":[null,{"Name":"email","Value":"e"}]}`)
	seed("AdminCreateUser", `{"UserPoolId":"p_1","Username":"u","UserAttributes":[{"Name":"email","name":"x","Value":"v"}]}`)
	seed("CreateUserPool", `{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":8,"minimumLength":1}}}`)
	seed("ListUsers", `{"UserPoolId":"p_1","Limit":1e1,"limit":99}`)
	seed("InitiateAuth", `{"ClientId":"c","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"a","USERNAME":"b","PASSWORD":null}}`)
	f.Fuzz(func(t *testing.T, index uint16, body []byte) {
		name := names[int(index)%len(names)]
		model, _ := apimodel.Lookup(name)
		in, err := rs[name].decode(model, body)
		if model.Validate(body) != nil {
			if err == nil {
				t.Fatalf("%s: decoded a body the validator refuses", name)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: a valid body did not decode: %v", name, err)
		}
		canonical, err := model.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := agree(generic(t, got), generic(t, canonical), name); err != nil {
			t.Fatalf("%v\nbody %q\nvalidated %s\noperation saw %s", err, body, canonical, got)
		}
	})
}

func generic(t *testing.T, b []byte) any {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

// agree reports a value the operation saw (seen) that is not the validated
// one (checked) at the same path. Zero values are what a Go field holds for
// an absent member, so they need no counterpart.
func agree(seen, checked any, path string) error {
	if isZero(seen) {
		return nil
	}
	switch s := seen.(type) {
	case map[string]any:
		c, ok := checked.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: operation saw an object, validator %T", path, checked)
		}
		for k, v := range s {
			if err := agree(v, c[k], path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		c, ok := checked.([]any)
		if !ok || len(c) != len(s) {
			return fmt.Errorf("%s: operation saw %d elements, validator %v", path, len(s), checked)
		}
		for i := range s {
			if err := agree(s[i], c[i], fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case json.Number:
		c, ok := checked.(json.Number)
		a, errA := s.Float64()
		b, errB := c.Float64()
		if !ok || errA != nil || errB != nil || a != b {
			return fmt.Errorf("%s: operation saw %v, validator %v", path, s, checked)
		}
	default:
		if seen != checked {
			return fmt.Errorf("%s: operation saw %q, validator %q", path, trim(seen), trim(checked))
		}
	}
	return nil
}

func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	}
	return false
}

func trim(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 40 {
		return s[:40] + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return strings.ToValidUTF8(s, "?")
}
