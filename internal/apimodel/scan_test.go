package apimodel

import (
	"encoding/json"
	"testing"
)

// unescape must agree with encoding/json, which the request handlers use.
func TestUnescapeMatchesEncodingJSON(t *testing.T) {
	for _, lit := range []string{
		`"plain"`, `"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`,
		`"\ud83d"`, `"\ude00"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, `"end\ud83d"`,
	} {
		t.Run(lit, func(t *testing.T) {
			var want string
			if err := json.Unmarshal([]byte(lit), &want); err != nil {
				t.Fatal(err)
			}
			got := string(unescape(nil, []byte(lit[1:len(lit)-1])))
			if got != want {
				t.Errorf("unescape(%s) = %q, want %q", lit, got, want)
			}
		})
	}
}

func TestUTF16Len(t *testing.T) {
	cases := []struct {
		in   string
		want int64
	}{
		{"", 0}, {"abc", 3}, {"é", 1}, {"中文", 2}, {emoji, 2}, {"a" + emoji + "b", 4},
	}
	for _, tc := range cases {
		if got := utf16Len([]byte(tc.in)); got != tc.want {
			t.Errorf("utf16Len(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"ClientId": "clientId", "UserPoolId": "userPoolId", "SAMLOptions": "sAMLOptions", "CSS": "cSS", "a": "a", "": "",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

// Unknown members are skipped iteratively: deep nesting (8000 levels;
// encoding/json.Valid stops at 10000) must not matter.
func TestSkipDeepNesting(t *testing.T) {
	deep := make([]byte, 0, 24002)
	for i := 0; i < 4000; i++ {
		deep = append(deep, `[{"a":`...)
	}
	deep = append(deep, "1"...)
	for i := 0; i < 4000; i++ {
		deep = append(deep, "}]"...)
	}
	body := []byte(`{"ClientId":"abc","Username":"alice","Unknown":` + string(deep) + `}`)
	if err := mustLookup(t, "ForgotPassword").Validate(body); err != nil {
		t.Errorf("got %v", err)
	}
}
