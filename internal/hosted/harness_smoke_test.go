package hosted_test

import (
	"net/http"
	"testing"
)

// An unknown domain and an unknown path under a known one are 404s.
func TestHostedNotFound(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	for _, u := range []string{e.URL + "/_domain/nobody-here/login", a.Base + "/nothing"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", u, resp.StatusCode)
		}
	}
}
