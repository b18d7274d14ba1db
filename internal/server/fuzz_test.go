package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/userpool"
)

// FuzzServeAPI drives the whole HTTP edge — target routing, content type,
// JSON decoding, model validation, the operations themselves — with
// arbitrary targets, content types and bodies against a real SQLite store
// holding one pool, client and user. Whatever comes in, the answer is a
// well-formed AWS JSON 1.1 response and never a 500: a 500 would mean an
// input reached a code path nobody thought about.
func FuzzServeAPI(f *testing.F) {
	st, err := sqlite.Open(f.Context(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	hasher, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		f.Fatal(err)
	}
	svc, err := userpool.New(f.Context(), st, hasher, userpool.SystemClock{}, nil, userpool.Config{Region: "us-east-1", IssuerBase: "http://fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	h := server.New(server.Config{Service: svc, AllowUnsigned: true})
	call := func(target, ctype, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", target)
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	var pool struct{ UserPool struct{ Id string } }
	_ = json.Unmarshal(call(tp+"CreateUserPool", amzCT, `{"PoolName":"fuzz","AliasAttributes":["email"]}`).Body.Bytes(), &pool)
	var client struct{ UserPoolClient struct{ ClientId string } }
	_ = json.Unmarshal(call(tp+"CreateUserPoolClient", amzCT, `{"UserPoolId":"`+pool.UserPool.Id+`","ClientName":"c"}`).Body.Bytes(), &client)
	poolID, clientID := pool.UserPool.Id, client.UserPoolClient.ClientId
	if poolID == "" || clientID == "" {
		f.Fatal("set-up failed")
	}
	call(tp+"AdminCreateUser", amzCT, `{"UserPoolId":"`+poolID+`","Username":"alice","MessageAction":"SUPPRESS",`+
		`"UserAttributes":[{"Name":"email","Value":"a@example.com"},{"Name":"email_verified","Value":"true"}]}`)

	for _, s := range [][2]string{
		{"ForgotPassword", `{"ClientId":"` + clientID + `","Username":"alice"}`},
		{"ConfirmForgotPassword", `{"ClientId":"` + clientID + `","Username":"a@example.com","ConfirmationCode":"123456","Password":"Passw0rd!"}`},
		{"SignUp", `{"ClientId":"` + clientID + `","Username":"bob","Password":"Passw0rd!","UserAttributes":[{"Name":"email","Value":"b@x"}]}`},
		{"InitiateAuth", `{"ClientId":"` + clientID + `","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"alice","PASSWORD":"x"}}`},
		{"ListUsers", `{"UserPoolId":"` + poolID + `","Filter":"email ^= \"a\"","Limit":2}`},
		{"AdminUpdateUserAttributes", `{"UserPoolId":"` + poolID + `","Username":"alice","UserAttributes":[{"Name":"email","Value":"c@x"}]}`},
		{"UpdateUserPool", `{"UserPoolId":"` + poolID + `","Policies":{"PasswordPolicy":{"MinimumLength":6}}}`},
		{"GetUser", `{"AccessToken":"a.b.c"}`},
		{"RespondToAuthChallenge", `{"ClientId":"` + clientID + `","ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"x.y"}`},
		{"Nope", `{}`},
		{"ForgotPassword", `{"ClientId":1}`},
		{"ForgotPassword", `[`},
	} {
		f.Add(tp+s[0], amzCT, s[1])
	}
	f.Add(tp+"ForgotPassword", "application/json", `{}`)
	f.Add("", "", "")

	f.Fuzz(func(t *testing.T, target, ctype, body string) {
		if !strings.HasPrefix(target, tp) && !strings.Contains(target, ".") {
			target = tp + target // steer most inputs to real operation names
		}
		w := call(target, ctype, body)
		if w.Code >= 500 {
			t.Fatalf("%s %q: status %d %s", target, body, w.Code, w.Body)
		}
		if w.Header().Get("x-amzn-RequestId") == "" {
			t.Fatal("no x-amzn-RequestId")
		}
		if w.Code != http.StatusOK && w.Code != http.StatusNotFound {
			var e struct {
				Type string `json:"__type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Type == "" ||
				w.Header().Get("x-amzn-ErrorType") != e.Type+":" {
				t.Fatalf("%s %q: malformed error %d %s", target, body, w.Code, w.Body)
			}
		}
	})
}
