package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/userpool"
)

// The development inbox page, GET /_userpool/inbox (user-asks rows 1–6),
// tested over plain HTTP and in a real headless Chromium.

const chromiumPath = "/usr/bin/chromium"

// screenshotCopy is where the browser test leaves a screenshot for people.
const screenshotCopy = "/tmp/userpool-inbox.png"

func TestInboxOnlyWithDev(t *testing.T) {
	t.Parallel()
	for _, dev := range []bool{false, true} {
		opts := []func(*envConfig){}
		if dev {
			opts = append(opts, withDev)
		}
		e := newEnv(t, opts...)
		status, body := e.devCall(http.MethodGet, "/_userpool/inbox", "")
		if want := map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[dev]; status != want {
			t.Errorf("dev=%v GET /_userpool/inbox: %d %.200s, want %d", dev, status, body, want)
		}
	}
}

var nonceAttr = regexp.MustCompile(`nonce="([^"]+)"`)

func TestInboxHeadersAndSelfContained(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	get := func() (http.Header, string) {
		resp, err := http.Get(e.URL + "/_userpool/inbox?userPoolId=%22%3E%3Cscript%3E")
		ok(t, err, "GET inbox")
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		ok(t, err, "read inbox")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return resp.Header, string(b)
	}
	h, body := get()
	for name, want := range map[string]string{
		"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "connect-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	// One nonce, on the one <script> and the one <style>, and in the CSP.
	nonces := nonceAttr.FindAllStringSubmatch(body, -1)
	if len(nonces) != 2 || nonces[0][1] != nonces[1][1] || strings.Count(body, "<script") != 1 || strings.Count(body, "<style") != 1 {
		t.Fatalf("want one <script> and one <style> sharing a nonce, got %q", nonces)
	}
	n := nonces[0][1]
	if !strings.Contains(csp, "script-src 'nonce-"+n+"'") || !strings.Contains(csp, "style-src 'nonce-"+n+"'") {
		t.Errorf("CSP %q does not allow nonce %q", csp, n)
	}
	if h2, _ := get(); h2.Get("Content-Security-Policy") == csp {
		t.Errorf("nonce reused across responses: %q", csp)
	}
	// Self-contained: nothing loaded from elsewhere, no query value echoed.
	for _, bad := range []string{"http://", "https://", "//cdn", "src=", "href=", "@import", "url(", "<script>"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

// TestInboxBrowser drives the page in Chromium: codes shown, live refresh,
// filters in the URL, message bodies as text, no console errors and no
// request that leaves the loopback interface.
func TestInboxBrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolA := aws.ToString(e.pool().Id)
	clientA := aws.ToString(e.client(poolA).ClientId)
	e.confirmedUser(poolA, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	e.confirmedUser(poolA, "bob", goodPassword, verifiedEmail("bob@example.com")...)
	// A pool whose template carries markup: the page must show it as text.
	const evilBody = `Code {####} <img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`
	const evilSubject = `<b onmouseover="window.__pwned='subject'">Reset</b>`
	poolB := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.EmailVerificationMessage, in.EmailVerificationSubject = aws.String(evilBody), aws.String(evilSubject)
	}).Id)
	clientB := aws.ToString(e.client(poolB).ClientId)
	e.confirmedUser(poolB, "mallory", goodPassword, verifiedEmail("mallory@example.com")...)
	send := func(pool, client, user string) inboxMsg {
		t.Helper()
		_, err := e.forgot(client, user)
		ok(t, err, "ForgotPassword "+user)
		return e.latestMessage(t, pool, user)
	}

	ctx, _ := newBrowser(t)
	row := func(m inboxMsg) chromedp.CSS { return chromedp.CSS(fmt.Sprintf(`#rows tr[data-id="%d"]`, m.ID)) }
	inbox := e.URL + "/_userpool/inbox"

	// The code of an existing message is on the page.
	m1 := send(poolA, clientA, "alice")
	pageDo(t, ctx, "load inbox", chromedp.Navigate(inbox), chromedp.WaitVisible(row(m1)))
	pageText(t, ctx, row(m1)+" .code", m1.Code)
	pageWait(t, ctx, "live indicator", `document.querySelector("#live").textContent === "live"`)
	pageDo(t, ctx, "copy code", chromedp.Click(row(m1)+" button.copy"))
	pageWait(t, ctx, "copy confirmed", `document.querySelector('#rows tr[data-id="`+fmt.Sprint(m1.ID)+`"] button.copy').textContent === "Copied"`)

	// A message sent after the page loaded shows up without a reload.
	m2 := send(poolA, clientA, "bob")
	pageDo(t, ctx, "live refresh", chromedp.WaitVisible(row(m2)))
	pageText(t, ctx, row(m2)+" .code", m2.Code)
	if got := pageEval[[]int64](t, ctx, `[...document.querySelectorAll("#rows tr")].map(r => +r.dataset.id)`); fmt.Sprint(got) != fmt.Sprint([]int64{m2.ID, m1.ID}) {
		t.Errorf("rows %v, want newest first [%d %d]", got, m2.ID, m1.ID)
	}
	if pageEval[int](t, ctx, `performance.getEntriesByType("navigation").length`) != 1 {
		t.Error("the page reloaded")
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	ok(t, err, "screenshot")
	checkScreenshot(t, shot)

	// A body and subject with markup are text: no element made, no script run.
	m3 := send(poolB, clientB, "mallory")
	pageDo(t, ctx, "markup message", chromedp.WaitVisible(row(m3)))
	if got := pageEval[string](t, ctx, `document.querySelector('#rows tr[data-id="`+fmt.Sprint(m3.ID)+`"] pre').textContent`); got != m3.Body ||
		!strings.Contains(got, `<img src=x onerror=`) || !strings.Contains(got, `<script>`) {
		t.Errorf("body shown as %q, want the literal %q", got, m3.Body)
	}
	pageText(t, ctx, row(m3)+" td:nth-child(7)", evilSubject)
	if got := pageEval[string](t, ctx, `String(window.__pwned) + " img=" + document.images.length + " scripts=" + document.scripts.length + " b=" + document.querySelectorAll("#rows b").length`); got != "undefined img=0 scripts=1 b=0" {
		t.Errorf("markup in a message became DOM: %s", got)
	}

	// A suppressed record shows its status and why nothing was sent.
	ghost := send(poolA, aws.ToString(e.client(poolA, enabledClient).ClientId), "ghost")
	pageDo(t, ctx, "suppressed message", chromedp.WaitVisible(row(ghost)))
	pageText(t, ctx, row(ghost)+" td:nth-child(9)", "suppressed"+ghost.SuppressedReason)
	if ghost.Status != "suppressed" || ghost.SuppressedReason == "" {
		t.Errorf("ghost's record %+v is not a suppressed one", ghost)
	}

	// Typing a user filters the list and puts the filter in the URL.
	pageDo(t, ctx, "filter by user", chromedp.SendKeys(chromedp.ID("user"), "alice"))
	pageWait(t, ctx, "filtered list", fmt.Sprintf(`location.search === "?username=alice" && document.querySelectorAll("#rows tr").length === 1 && !!document.querySelector('#rows tr[data-id="%d"]')`, m1.ID))

	// A bookmarked filter URL fills the inputs and shows only that user,
	// also for messages sent later.
	q := url.Values{"userPoolId": {poolA}, "username": {"bob"}}
	pageDo(t, ctx, "bookmarked filter", chromedp.Navigate(inbox+"?"+q.Encode()), chromedp.WaitVisible(row(m2)))
	if got := pageEval[string](t, ctx, `document.querySelector("#pool").value + "|" + document.querySelector("#user").value`); got != poolA+"|bob" {
		t.Errorf("inputs %q, want %q", got, poolA+"|bob")
	}
	m4 := send(poolA, clientA, "alice")
	m5 := send(poolA, clientA, "bob")
	pageDo(t, ctx, "filtered live refresh", chromedp.WaitVisible(row(m5)))
	if got := pageEval[[]int64](t, ctx, `[...document.querySelectorAll("#rows tr")].map(r => +r.dataset.id)`); fmt.Sprint(got) != fmt.Sprint([]int64{m5.ID, m2.ID}) {
		t.Errorf("bob's filtered inbox shows rows %v, want [%d %d] (alice's %d hidden)", got, m5.ID, m2.ID, m4.ID)
	}

	// An empty filter result explains itself.
	pageDo(t, ctx, "empty state", chromedp.Navigate(inbox+"?username=nobody"), chromedp.WaitVisible(chromedp.ID("empty")))
	pageText(t, ctx, "#empty", "No messages match this filter")
}

// TestInboxBrowserReconnects stops the server under the page: the page says
// it is disconnected, retries, and is live again when the server is back; an
// API error (unknown pool) is shown as such.
func TestInboxBrowserReconnects(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "userpool.db"))
	ok(t, err, "open store")
	t.Cleanup(func() { st.Close() })
	hasher, err := passhash.New(passhash.Minimum, 0)
	ok(t, err, "hasher")
	svc, err := userpool.New(t.Context(), st, hasher, &userpool.DevClock{}, nil, userpool.Config{Region: "us-east-1", IssuerBase: "http://127.0.0.1"})
	ok(t, err, "service")
	serve := func(ln net.Listener) *http.Server {
		hs := &http.Server{Handler: server.New(server.Config{Service: svc, Dev: true})}
		go func() { _ = hs.Serve(ln) }()
		t.Cleanup(func() { hs.Close() })
		return hs
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ok(t, err, "listen")
	first := serve(ln)
	base := "http://" + ln.Addr().String() + "/_userpool/inbox"

	ctx, watch := newBrowser(t)
	watch.allowNetworkErrors() // the refused and 404 requests below are the point
	state := `document.querySelector("#live").className + ":" + document.querySelector("#live").textContent`
	pageDo(t, ctx, "load inbox", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.ID("empty")))
	pageText(t, ctx, "#empty", "--dev")
	pageWait(t, ctx, "live", state+` === "on:live"`)
	ok(t, first.Close(), "stop server")
	pageWait(t, ctx, "disconnected", state+` === "off:disconnected, retrying…"`)
	ln, err = net.Listen("tcp", ln.Addr().String())
	ok(t, err, "listen again")
	serve(ln)
	pageWait(t, ctx, "live again", state+` === "on:live"`)

	pageDo(t, ctx, "unknown pool", chromedp.Navigate(base+"?userPoolId=us-east-1_nope&username=x"))
	pageWait(t, ctx, "error shown", state+` === "off:error: User pool us-east-1_nope does not exist."`)
}

// newBrowser starts a headless Chromium for the test and watches its tab:
// console errors, exceptions and requests leaving the loopback interface.
func newBrowser(t *testing.T) (context.Context, *browserWatch) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium is required in CI (apt-get install -y chromium): %v", err)
		}
		t.Skipf("no Chromium at %s (apt-get install -y chromium): %v", chromiumPath, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1600, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start Chromium: %v", err)
	}
	w := &browserWatch{reqs: map[network.RequestID]string{}}
	if err := chromedp.Listen(ctx, w.event); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.check(t) }) // also after a failure, before the tab closes
	// Every action below runs under one deadline, so a hang fails fast.
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(cancel)
	return tctx, w
}

// browserWatch collects what must not happen in the tab.
type browserWatch struct {
	mu          sync.Mutex
	reqs        map[network.RequestID]string
	problems    []string
	netErrorsOK bool
}

// allowNetworkErrors ignores the browser's "Failed to load resource" entries
// from now on.
func (w *browserWatch) allowNetworkErrors() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.netErrorsOK = true
}

func (w *browserWatch) event(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			w.problems = append(w.problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		if d.Exception != nil {
			w.problems = append(w.problems, "exception: "+d.Exception.Description)
		} else {
			w.problems = append(w.problems, "exception: "+d.Text)
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError && !(w.netErrorsOK && ev.Entry.Source == log.EntrySourceNetwork) {
			w.problems = append(w.problems, fmt.Sprintf("log %s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		w.reqs[ev.RequestID] = ev.Request.URL
		if !isLoopback(ev.Request.URL) {
			w.problems = append(w.problems, "request to "+ev.Request.URL)
		}
	case *network.EventLoadingFailed:
		if u := w.reqs[ev.RequestID]; !isLoopback(u) {
			w.problems = append(w.problems, "failed request to "+u+": "+ev.ErrorText)
		}
	}
}

func (w *browserWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.problems {
		t.Errorf("browser: %s", p)
	}
}

func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
		h := u.Hostname()
		return h == "127.0.0.1" || h == "localhost" || h == "::1"
	}
	return u.Scheme == "data" || raw == "about:blank"
}

func pageDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func pageEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// pageWait waits up to 5 s for a JavaScript condition to hold.
func pageWait(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// pageText checks that the element's text contains want.
func pageText(t *testing.T, ctx context.Context, sel chromedp.CSS, want string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.TextContent(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	if !strings.Contains(got, want) {
		t.Errorf("%s shows %q, want %q in it", sel, got, want)
	}
}

// checkScreenshot requires a real PNG of a rendered page, and keeps it.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	colors := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if len(shot) < 10_000 || b.Dx() < 800 || b.Dy() < 400 || len(colors) < 16 {
		t.Fatalf("screenshot looks blank: %d bytes, %v, %d colours", len(shot), b, len(colors))
	}
	ok(t, os.WriteFile(filepath.Join(t.TempDir(), "inbox.png"), shot, 0o644), "save screenshot")
	if err := os.WriteFile(screenshotCopy, shot, 0o644); err != nil {
		t.Logf("could not keep a copy: %v", err)
	}
}

// A message to a medium without a delivery channel is queued as kept for
// the development inbox: no worker has to mark it, and the inbox shows it
// as such at once. Media with a channel stay pending for the worker.
func TestInboxOnlyMediaAreKeptAtOnce(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t, withInboxOnly("EMAIL"))
	e.confirmedUser(poolID, "bob", goodPassword, verifiedPhone("+15555550100")...)
	e.mustForgot(poolID, clientID, "alice")
	e.mustForgot(poolID, clientID, "bob")
	if m := e.latestMessage(t, poolID, "alice"); m.Medium != "EMAIL" || m.Status != "inbox" || !sixDigits.MatchString(m.Code) {
		t.Errorf("email without a channel: %+v, want kept for the inbox with its code", m)
	}
	if m := e.latestMessage(t, poolID, "bob"); m.Medium != "SMS" || m.Status != "pending" {
		t.Errorf("SMS with a channel: %+v, want pending", m)
	}
}
