package hosted_test

import (
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// client is a browser without a browser: a cookie jar, no automatic
// redirects (each hop is looked at), and the last page's forms to submit.
type client struct {
	t    testing.TB
	http *http.Client
	base string // the domain's hosted base URL
	// Last is the body of the last page.
	Last string
}

func (e *env) client(a *app) *client {
	e.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, base: a.Base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// authorizeQuery is a valid code-flow request of a's client.
func authorizeQuery(a *app) url.Values {
	return url.Values{"client_id": {a.ClientID}, "redirect_uri": {callbackURL}, "response_type": {"code"},
		"scope": {"openid email"}, "state": {"st-42"}}
}

// get fetches path (relative to the domain base, or absolute) and keeps
// the body.
func (c *client) get(path string) *http.Response {
	c.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = c.base + path
	}
	resp, err := c.http.Get(u)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.keep(resp)
}

func (c *client) keep(resp *http.Response) *http.Response {
	c.t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	c.Last = string(b)
	return resp
}

var (
	formRE   = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)"[^>]*>(.*?)</form>`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// submit posts the last page's form whose action ends in action, with its
// hidden fields and fields.
func (c *client) submit(action string, fields map[string]string) *http.Response {
	c.t.Helper()
	form := c.form(action)
	if form == nil {
		c.t.Fatalf("no form %q on the page:\n%s", action, c.Last)
	}
	for k, v := range fields {
		form.Set(k, v)
	}
	return c.post(action, form)
}

// form returns the hidden fields of the last page's form posting to
// action, or nil.
func (c *client) form(action string) url.Values {
	for _, m := range formRE.FindAllStringSubmatch(c.Last, -1) {
		if !strings.HasSuffix(html.UnescapeString(m[1]), "/"+action) {
			continue
		}
		v := url.Values{}
		for _, h := range hiddenRE.FindAllStringSubmatch(m[2], -1) {
			v.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
		}
		return v
	}
	return nil
}

// post sends form to action on the domain as is.
func (c *client) post(action string, form url.Values) *http.Response {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+"/"+action, form)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.keep(resp)
}

// follow gets the Location of a redirect, which must be on the domain.
func (c *client) follow(resp *http.Response) *http.Response {
	c.t.Helper()
	loc := location(c.t, resp)
	if !strings.HasPrefix(loc, "/_domain/") {
		c.t.Fatalf("redirect to %s leaves the domain", loc)
	}
	u, _ := url.Parse(c.base)
	return c.get(u.Scheme + "://" + u.Host + loc)
}

// location is a 302's Location, or fails the test.
func location(t testing.TB, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// errorText is the page's error line ("" without one).
func (c *client) errorText() string {
	m := regexp.MustCompile(`(?s)<p class="error" id="error" role="alert">(.*?)</p>`).FindStringSubmatch(c.Last)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// title is the page's <h1>.
func (c *client) title() string {
	m := regexp.MustCompile(`<h1 id="title">(.*?)</h1>`).FindStringSubmatch(c.Last)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// signIn runs /oauth2/authorize → /login → password and returns the
// answer to the login form.
func (c *client) signIn(q url.Values, user, password string) *http.Response {
	c.t.Helper()
	c.follow(c.get("/oauth2/authorize?" + q.Encode()))
	return c.submit("login", map[string]string{"username": user, "password": password})
}

// callback checks that resp redirects to the callback with a code and
// state, and returns the redirect's query.
func callback(t testing.TB, resp *http.Response, state string) url.Values {
	t.Helper()
	loc := location(t, resp)
	u, err := url.Parse(loc)
	if err != nil || u.Scheme+"://"+u.Host+u.Path != callbackURL {
		t.Fatalf("redirect to %s, want the callback", loc)
	}
	q := u.Query()
	if q.Get("code") == "" || q.Get("state") != state {
		t.Fatalf("callback query %v: want a code and state %q", q, state)
	}
	return q
}

func errorAs[T error](err error, target *T) bool { return errors.As(err, target) }
