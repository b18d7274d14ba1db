package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// FuzzVerify feeds arbitrary headers, target and body to Verify and checks it
// never panics and only returns nil or an *Error.
func FuzzVerify(f *testing.F) {
	for _, o := range []signOpts{
		{},
		{url: "https://h.example/p%20q?b=2&a=x%20y"},
		{token: "FwoGZXIvYXdzEXAMPLETOKEN"},
		{header: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte(testBody))}},
	} {
		r, body := signed(f, o)
		f.Add(r.URL.RequestURI(), r.Host, r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"),
			r.Header.Get("X-Amz-Target"), r.Header.Get("X-Amz-Content-Sha256"), r.Header.Get("X-Amz-Security-Token"), body)
	}
	f.Add("/", "h", "", "", "", "", "", []byte(nil))
	f.Add("/", "h", "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=;, Signature=", "20240506T070809Z", "", "", "", []byte("{}"))

	f.Fuzz(func(t *testing.T, uri, host, auth, amzDate, target, sha, token string, body []byte) {
		u, err := url.ParseRequestURI(uri)
		if err != nil {
			u = &url.URL{Path: "/"}
		}
		r := &http.Request{Method: http.MethodPost, URL: u, Host: host, Header: http.Header{}}
		set := func(k, v string) {
			if v != "" {
				r.Header[k] = []string{v}
			}
		}
		set("Authorization", auth)
		set("X-Amz-Date", amzDate)
		set("X-Amz-Target", target)
		set("X-Amz-Content-Sha256", sha)
		set("X-Amz-Security-Token", token)
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")

		id, err := Verify(r, body, signTime, testService, lookup)
		if err == nil {
			if id != testKey {
				t.Fatalf("accepted with access key %q", id)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e == nil {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if e.Code == "" || e.Message == "" || e.Status == 0 {
			t.Fatalf("incomplete error %+v", e)
		}
	})
}
