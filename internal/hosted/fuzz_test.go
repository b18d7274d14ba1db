package hosted_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// FuzzHosted sends arbitrary methods, paths, queries, form bodies, cookies
// and Authorization headers to a hosted domain whose pool has a user and
// an OAuth client. Whatever comes in: never a 5xx, and never a redirect
// anywhere but into the domain itself or to the client's registered
// callback or sign-out URL — the open-redirect property of
// /oauth2/authorize, /login and /logout, checked on hostile input.
func FuzzHosted(f *testing.F) {
	ts := startServer(f, false)
	h := ts.Server.Config.Handler // in-process: no socket per input
	e := &env{t: f, URL: ts.Server.URL, SDK: ts.SDK}
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.CallbackURLs, in.LogoutURLs = []string{"https://app.example/cb"}, []string{"https://app.example/bye"}
	})
	id, prefix := a.ClientID, "/_domain/"+a.Domain+"/"
	e.confirmedUser(a.PoolID, "a@example.com", "Passw0rd!")
	q := "client_id=" + id + "&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s"
	for _, s := range [][5]string{
		{"GET", "/oauth2/authorize", q + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256", "", ""},
		{"GET", "/oauth2/authorize", q + "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb", "", ""},
		{"GET", "/login", q, "", ""},
		{"POST", "/login", q, "username=a%40example.com&password=Passw0rd!&_csrf=x", "userpool_csrf=abcdefghijklmnopqrstuvwxyz"},
		{"POST", "/challenge", q, "session=a.b&challenge=NEW_PASSWORD_REQUIRED&_csrf=x", ""},
		{"GET", "/logout", "client_id=" + id + "&logout_uri=https%3A%2F%2Fapp.example%2Fbye", "", "userpool_session=x.y"},
		{"POST", "/oauth2/token", "", "grant_type=authorization_code&code=abc&client_id=" + id + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb", ""},
		{"POST", "/oauth2/token", "", "grant_type=refresh_token&refresh_token=%00&client_id=" + id, ""},
		{"GET", "/oauth2/userInfo", "", "", ""},
		{"POST", "/oauth2/revoke", "", "token=x&client_id=" + id, ""},
		{"POST", "/signup", q, "username=b%40example.com&password=x&_csrf=y", ""},
		{"GET", "/error", "error=redirect_mismatch", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], "")
	}
	f.Add("POST", "/oauth2/token", "", "grant_type=client_credentials", "", "Basic Zm9vOmJhcg==")

	f.Fuzz(func(t *testing.T, method, path, query, body, cookie, auth string) {
		if method != http.MethodGet && method != http.MethodPost && method != http.MethodOptions {
			method = http.MethodPost
		}
		target := prefix + strings.TrimPrefix(path, "/")
		r, err := http.NewRequest(method, "http://fuzz"+target, strings.NewReader(body))
		if err != nil {
			return // not a request any client could send
		}
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Cookie", cookie)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s?%s: status %d: %s", method, target, query, w.Code, w.Body.String())
		}
		loc := w.Header().Get("Location")
		if loc == "" {
			return
		}
		// A path on this server (the domain's pages, or ServeMux's own
		// redirect of an unclean path such as /..), never a
		// scheme-relative //host; or the registered URLs.
		if strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\") {
			return
		}
		for _, ok := range []string{"https://app.example/cb?", "https://app.example/cb#"} {
			if strings.HasPrefix(loc, ok) {
				return
			}
		}
		if loc == "https://app.example/bye" {
			return
		}
		t.Fatalf("%s %s?%s redirected to %q", method, target, query, loc)
	})
}
