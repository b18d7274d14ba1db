package hosted_test

import (
	"net/http"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/userpool/userpool/internal/userpool"
)

// TestOIDCClientCodeFlow runs the authorization code flow with PKCE the
// way an off-the-shelf relying party does: golang.org/x/oauth2 with the
// endpoints from discovery, go-oidc verifying the id token (signature
// from the JWKS, issuer, audience, expiry, at_hash) and the nonce, a
// refresh through a TokenSource, and userInfo.
func TestOIDCClientCodeFlow(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	ctx := t.Context()
	provider, err := oidc.NewProvider(ctx, e.URL+"/"+a.PoolID)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	if got := provider.Endpoint().TokenURL; got != a.Base+"/oauth2/token" {
		t.Errorf("token endpoint %q, want %q", got, a.Base+"/oauth2/token")
	}
	cfg := &oauth2.Config{ClientID: a.ClientID, Endpoint: provider.Endpoint(), RedirectURL: callbackURL,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	verifier := oauth2.GenerateVerifier()
	code := e.code(a.authorize(func(r *userpool.AuthorizeRequest) {
		r.Scopes = cfg.Scopes
		r.CodeChallenge, r.CodeChallengeMethod = oauth2.S256ChallengeFromVerifier(verifier), "S256"
	}), alice)
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
		t.Errorf("token %+v", tok)
	}
	idv := provider.Verifier(&oidc.Config{ClientID: a.ClientID})
	raw, _ := tok.Extra("id_token").(string)
	idt, err := idv.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("id token: %v", err)
	}
	if idt.Nonce != "n-0S6_WzA2Mj" {
		t.Errorf("nonce %q, want the request's", idt.Nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	checkOAuthAccessToken(t, claims(t, tok.AccessToken), a, alice, "openid email profile")

	// Refresh: the token source sees an expired token and refreshes it.
	stale := &oauth2.Token{RefreshToken: tok.RefreshToken}
	fresh, err := cfg.TokenSource(ctx, stale).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != tok.RefreshToken {
		t.Errorf("refresh: a new access token and the same refresh token expected")
	}
	checkOAuthAccessToken(t, claims(t, fresh.AccessToken), a, alice, "openid email profile")
	refreshedID, err := idv.Verify(ctx, fresh.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("refreshed id token: %v", err)
	}
	if refreshedID.Nonce != "" || refreshedID.Subject != idt.Subject {
		t.Errorf("refreshed id token: nonce %q (want none), sub %q (want %q)", refreshedID.Nonce, refreshedID.Subject, idt.Subject)
	}

	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(fresh))
	if err != nil {
		t.Fatalf("userInfo: %v", err)
	}
	if info.Subject != idt.Subject || info.Email != alice.Email || !info.EmailVerified {
		t.Errorf("userInfo %+v", info)
	}
}

// checkOAuthAccessToken: an access token from the OAuth endpoints, as
// Cognito shapes it.
func checkOAuthAccessToken(t testing.TB, c map[string]any, a *app, u user, scope string) {
	t.Helper()
	want := map[string]any{"scope": scope, "version": float64(2), "client_id": a.ClientID,
		"username": u.Username, "token_use": "access"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("access token %s = %v, want %v", k, c[k], v)
		}
	}
	if _, ok := c["aud"]; ok {
		t.Errorf("access token has aud %v; Cognito's have client_id instead", c["aud"])
	}
}

// TestOAuthTokenResponse: the raw answer of a code redemption — members,
// headers, the id token's nonce and at_hash, and scopes as requested (no
// aws.cognito.signin.user.admin unless asked for); without openid there
// is no id token.
func TestOAuthTokenResponse(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	ans := e.redeem(a, e.code(a.authorize(nil), alice), nil)
	for k, v := range map[string]string{"Content-Type": "application/json;charset=UTF-8",
		"Cache-Control": "no-store", "Pragma": "no-cache", "Access-Control-Allow-Origin": "*"} {
		if got := ans.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if ans.str("token_type") != "Bearer" || ans.Body["expires_in"] != float64(3600) || ans.str("refresh_token") == "" {
		t.Errorf("answer %s", ans.Raw)
	}
	checkOAuthAccessToken(t, claims(t, ans.str("access_token")), a, alice, "openid email")
	id := claims(t, ans.str("id_token"))
	if id["nonce"] != "n-0S6_WzA2Mj" || id["at_hash"] == nil || id["aud"] != a.ClientID || id["email"] != alice.Email {
		t.Errorf("id token %v", id)
	}

	noOpenID := e.redeem(a, e.code(a.authorize(func(r *userpool.AuthorizeRequest) {
		r.Scopes = []string{"email", "aws.cognito.signin.user.admin"}
	}), alice), nil)
	if _, ok := noOpenID.Body["id_token"]; ok {
		t.Errorf("an id token without the openid scope: %s", noOpenID.Raw)
	}
	checkOAuthAccessToken(t, claims(t, noOpenID.str("access_token")), a, alice, "email aws.cognito.signin.user.admin")
	if got := e.userInfo(a, noOpenID.str("access_token")); got.Status != http.StatusUnauthorized {
		t.Errorf("userInfo without openid: status %d, want 401 (Cognito requires openid)", got.Status)
	}
}
