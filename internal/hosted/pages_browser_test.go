package hosted_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/userpool/userpool/internal/totp"
	"golang.org/x/oauth2"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// The hosted pages in a real headless Chromium, with no JavaScript of
// their own: the whole path from the app's /oauth2/authorize link to the
// app's callback, through sign-up, confirmation and password reset. Any
// console error (a CSP violation included) fails the test.

const chromiumPath = "/usr/bin/chromium"

// appServer is the app a browser test signs in to: its callback records
// the query it was reached with.
type appServer struct {
	URL string // the callback URL
	// Verifier is the PKCE code verifier of the app's authorize link.
	Verifier string
	mu       sync.Mutex
	hits     []url.Values
}

func newAppServer(t *testing.T) *appServer {
	a := &appServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r) // the browser's /favicon.ico
			return
		}
		a.mu.Lock()
		a.hits = append(a.hits, r.URL.Query())
		a.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><title>app</title><p id="app-done">signed in</p>`)
	}))
	t.Cleanup(srv.Close)
	a.URL = srv.URL + "/callback"
	return a
}

// last is the query of the latest callback.
func (a *appServer) last() url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.hits) == 0 {
		return nil
	}
	return a.hits[len(a.hits)-1]
}

// browserApp is an OAuth app whose callback is srv's.
func (e *env) browserApp(srv *appServer, poolTweak func(*cip.CreateUserPoolInput), enabled bool) (*app, string) {
	a := e.oauthApp(poolTweak, func(in *cip.CreateUserPoolClientInput) {
		in.CallbackURLs = []string{srv.URL}
		if enabled {
			in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
		}
	})
	srv.Verifier = oauth2.GenerateVerifier()
	q := url.Values{"client_id": {a.ClientID}, "redirect_uri": {srv.URL}, "response_type": {"code"},
		"scope": {"openid email"}, "state": {"browser-state"}, "nonce": {"browser-nonce"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(srv.Verifier)}, "code_challenge_method": {"S256"}}
	return a, a.Base + "/oauth2/authorize?" + q.Encode()
}

// newBrowser starts a headless Chromium whose console errors fail t.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is required (apt-get install -y chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
				problems = append(problems, fmt.Sprintf("log %s: %s", ev.Entry.Source, ev.Entry.Text))
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser: %s", p)
		}
	})
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	t.Cleanup(cancel)
	return tctx
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// pageForms are the form that identifies each page.
var pageForms = map[string]string{"Sign in": "login-form", "Sign up": "signup-form",
	"Confirm your account": "confirm-form", "Forgot your password?": "forgot-form",
	"Reset your password": "confirm-forgot-form", "Set up an authenticator app": "challenge-form"}

// waitTitle waits for the page whose <h1> is title (by its form: polling a
// script across a navigation loses its context).
func waitTitle(t *testing.T, ctx context.Context, title string) {
	t.Helper()
	do(t, ctx, "page "+title, chromedp.WaitVisible(chromedp.ID(pageForms[title])))
	got, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("title")))
	if err != nil || got != title {
		t.Fatalf("page title %q (%v), want %q", got, err, title)
	}
}

// waitError waits for the page's error line and checks it contains want.
func waitError(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	do(t, ctx, "error line", chromedp.WaitVisible(chromedp.ID("error")))
	got, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("error")))
	if err != nil || !strings.Contains(got, want) {
		t.Fatalf("error line %q (%v), want %q in it", got, err, want)
	}
}

// landed waits for the app's callback page, checks the code and state,
// and finishes the app's side as an OIDC relying party would: the code
// and the PKCE verifier exchanged at the token endpoint found by
// discovery (golang.org/x/oauth2), the id token verified against the JWKS
// with its nonce (go-oidc), and email is the user's.
func landed(t *testing.T, ctx context.Context, e *env, a *app, srv *appServer, email string) {
	t.Helper()
	do(t, ctx, "app callback", chromedp.WaitVisible(chromedp.ID("app-done")))
	q := srv.last()
	if q.Get("code") == "" || q.Get("state") != "browser-state" {
		t.Fatalf("callback query %v, want a code and the state", q)
	}
	provider, err := oidc.NewProvider(t.Context(), e.URL+"/"+a.PoolID)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	cfg := &oauth2.Config{ClientID: a.ClientID, Endpoint: provider.Endpoint(), RedirectURL: srv.URL}
	if _, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption("not-"+srv.Verifier)); err == nil {
		t.Fatal("the code was redeemed with a wrong PKCE verifier")
	}
	tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(srv.Verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: a.ClientID}).Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("id token: %v", err)
	}
	var c struct {
		Email string `json:"email"`
	}
	if err := idt.Claims(&c); err != nil || c.Email != email || idt.Nonce != "browser-nonce" {
		t.Fatalf("id token email %q nonce %q (%v), want %q and the request's nonce", c.Email, idt.Nonce, err, email)
	}
	if _, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(srv.Verifier)); err == nil {
		t.Fatal("the code was redeemed twice")
	}
}

// Sign up → code from the inbox → confirm → sign in → the app's callback.
func TestBrowserSignUpToCallback(t *testing.T) {
	e := newEnv(t)
	srv := newAppServer(t)
	a, start := e.browserApp(srv, nil, false)
	ctx := newBrowser(t)
	do(t, ctx, "authorize", chromedp.Navigate(start), chromedp.WaitVisible(chromedp.ID("signup-link")))
	waitTitle(t, ctx, "Sign in")
	do(t, ctx, "sign-up link", chromedp.Click(chromedp.ID("signup-link")))
	waitTitle(t, ctx, "Sign up")
	do(t, ctx, "sign up", chromedp.SendKeys(chromedp.ID("username"), "ivy@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "Passw0rd!x"), chromedp.Click(chromedp.ID("signup")))
	waitTitle(t, ctx, "Confirm your account")
	code := e.inboxCode(a.PoolID, "ivy@example.com")
	do(t, ctx, "confirm", chromedp.SendKeys(chromedp.ID("code"), code), chromedp.Click(chromedp.ID("confirm")))
	waitTitle(t, ctx, "Sign in")
	do(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("password"), "Passw0rd!x"), chromedp.Click(chromedp.ID("signin")))
	landed(t, ctx, e, a, srv, "ivy@example.com")
}

// "Forgot your password?" → code → a weak password shows the policy
// message → a strong one → sign in with it → the app's callback.
func TestBrowserForgotPassword(t *testing.T) {
	e := newEnv(t)
	srv := newAppServer(t)
	a, start := e.browserApp(srv, nil, false)
	e.confirmedUser(a.PoolID, "jo@example.com", "Passw0rd!x")
	ctx := newBrowser(t)
	do(t, ctx, "authorize", chromedp.Navigate(start), chromedp.WaitVisible(chromedp.ID("forgot-link")))
	do(t, ctx, "forgot link", chromedp.Click(chromedp.ID("forgot-link")))
	waitTitle(t, ctx, "Forgot your password?")
	do(t, ctx, "ask for a code", chromedp.SendKeys(chromedp.ID("username"), "jo@example.com"), chromedp.Click(chromedp.ID("reset")))
	waitTitle(t, ctx, "Reset your password")
	code := e.inboxCode(a.PoolID, "jo@example.com")
	do(t, ctx, "weak password", chromedp.SendKeys(chromedp.ID("code"), code), chromedp.SendKeys(chromedp.ID("password"), "weakpass"),
		chromedp.SendKeys(chromedp.ID("password2"), "weakpass"), chromedp.Click(chromedp.ID("change")))
	waitError(t, ctx, "Password does not conform to policy: Password must have uppercase characters")
	do(t, ctx, "strong password", chromedp.SendKeys(chromedp.ID("code"), code), chromedp.SendKeys(chromedp.ID("password"), "N3w-Passw0rd!"),
		chromedp.SendKeys(chromedp.ID("password2"), "N3w-Passw0rd!"), chromedp.Click(chromedp.ID("change")))
	waitTitle(t, ctx, "Sign in")
	do(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("password"), "N3w-Passw0rd!"), chromedp.Click(chromedp.ID("signin")))
	landed(t, ctx, e, a, srv, "jo@example.com")
}

// Under PreventUserExistenceErrors=ENABLED an unknown name gets the same
// "Reset your password" page as a real user.
func TestBrowserForgotPasswordUnknownUser(t *testing.T) {
	e := newEnv(t)
	srv := newAppServer(t)
	_, start := e.browserApp(srv, nil, true)
	ctx := newBrowser(t)
	do(t, ctx, "authorize", chromedp.Navigate(start), chromedp.WaitVisible(chromedp.ID("forgot-link")),
		chromedp.Click(chromedp.ID("forgot-link")))
	waitTitle(t, ctx, "Forgot your password?")
	do(t, ctx, "ask for a code", chromedp.SendKeys(chromedp.ID("username"), "nobody@example.com"), chromedp.Click(chromedp.ID("reset")))
	waitTitle(t, ctx, "Reset your password")
	do(t, ctx, "the code form", chromedp.WaitVisible(chromedp.ID("code")), chromedp.WaitVisible(chromedp.ID("sent")))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#error").length`)); err != nil || n != 0 {
		t.Fatalf("an error line is shown (%d, %v)", n, err)
	}
}

// MFA required, no factor yet: sign in → the authenticator enrolment page
// → a wrong code shows the API's message → the code of the secret shown
// → the app's callback.
func TestBrowserMfaSetup(t *testing.T) {
	e := newEnv(t)
	srv := newAppServer(t)
	a, start := e.browserApp(srv, nil, false)
	requireTotp(t, e, a)
	e.confirmedUser(a.PoolID, "oz@example.com", "Passw0rd!x")
	ctx := newBrowser(t)
	do(t, ctx, "authorize", chromedp.Navigate(start), chromedp.WaitVisible(chromedp.ID("login-form")))
	do(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("username"), "oz@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "Passw0rd!x"), chromedp.Click(chromedp.ID("signin")))
	waitTitle(t, ctx, "Set up an authenticator app")
	shown, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("secret")))
	if err != nil {
		t.Fatal(err)
	}
	key, err := totp.Decode(strings.ReplaceAll(shown, " ", ""))
	if err != nil {
		t.Fatalf("secret shown %q: %v", shown, err)
	}
	code := totp.Code(key, e.Clock.Now())
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	do(t, ctx, "wrong code", chromedp.SendKeys(chromedp.ID("code"), wrong), chromedp.Click(chromedp.ID("send")))
	waitError(t, ctx, "Code mismatch and fail enable Software Token MFA")
	do(t, ctx, "right code", chromedp.SendKeys(chromedp.ID("code"), code), chromedp.Click(chromedp.ID("send")))
	landed(t, ctx, e, a, srv, "oz@example.com")
}
