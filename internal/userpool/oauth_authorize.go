package userpool

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// The rules of /oauth2/authorize (Cognito developer guide, "Authorize
// endpoint"; the Login endpoint takes the same parameters). Checks come in
// two tiers, as RFC 6749 section 4.1.2.1 requires and Cognito does:
//  1. the client and its redirect URI — until both are trusted nothing is
//     sent back to the redirect URI (an open redirect otherwise); Cognito
//     shows its /error page with error=redirect_mismatch;
//  2. everything else — refused by redirecting to the trusted URI with
//     error, error_description and state.

// pkceChallenge is RFC 7636 section 4.2's code_challenge: 43 to 128 unreserved
// characters (a base64url SHA-256 is 43).
var pkceChallenge = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

// ParseAuthorize validates an /oauth2/authorize (or /login) query for the
// hosted domain. The error is always an *AuthorizeError, or a store error.
func (s *Service) ParseAuthorize(ctx context.Context, domain string, q url.Values) (*AuthorizeRequest, error) {
	c, err := s.authorizeClient(ctx, domain, q.Get("client_id"))
	if err != nil {
		return nil, err
	}
	redirect := q.Get("redirect_uri")
	// Exactly one of CallbackURLs: no prefix match, no normalisation
	// (Cognito: "must match a callback URL … exactly"), so a path, port,
	// userinfo or fragment the registration lacks is a mismatch.
	if redirect == "" || !slices.Contains(c.doc.CallbackURLs, redirect) {
		return nil, &AuthorizeError{Code: OAuthRedirectMismatch, Description: descRedirectMismatch}
	}
	req := &AuthorizeRequest{PoolID: c.pool.ID, ClientID: c.ID, RedirectURI: redirect,
		ResponseType: q.Get("response_type"), State: q.Get("state"), Nonce: q.Get("nonce"),
		CodeChallenge: q.Get("code_challenge"), CodeChallengeMethod: q.Get("code_challenge_method")}
	if code, desc := c.checkAuthorize(req, q); code != "" {
		return nil, &AuthorizeError{Redirect: true, RedirectURI: redirect, State: req.State, Code: code, Description: desc}
	}
	req.Scopes = requestedScopes(c, q.Get("scope"))
	return req, nil
}

// authorizeClient resolves tier 1's client: of the domain's pool, enabled
// for OAuth ("Must be a client that you already registered in the user pool
// and that you qualified for federation").
func (s *Service) authorizeClient(ctx context.Context, domain, clientID string) (*clientView, error) {
	untrusted := func(desc string) error { return &AuthorizeError{Code: OAuthRedirectMismatch, Description: desc} }
	hp, err := s.DomainPool(ctx, domain)
	if errors.Is(err, errUnknownDomain) {
		return nil, untrusted(descUnknownDomainPage)
	}
	if err != nil {
		return nil, err
	}
	if clientID == "" {
		return nil, untrusted(descMissingClientID)
	}
	c, err := s.loadClient(ctx, s.store, clientID)
	var e *Error
	if (errors.As(err, &e) && e.Code == ResourceNotFound) || (err == nil && c.pool.ID != hp.PoolID) {
		return nil, untrusted(descUnknownClient)
	}
	if err != nil {
		return nil, err
	}
	if !c.doc.AllowedOAuthFlowsUserPoolClient {
		return nil, untrusted(descClientNotOAuth)
	}
	return c, nil
}

// checkAuthorize applies tier 2, in the order the parameters are listed in
// the Authorize endpoint's reference; it returns the OAuth error code and
// description, or "" when req is acceptable.
func (c *clientView) checkAuthorize(req *AuthorizeRequest, q url.Values) (string, string) {
	switch {
	case req.ResponseType != "code" && req.ResponseType != "token":
		return OAuthUnsupportedResponseType, descUnsupportedResponseType
	case !slices.Contains(c.doc.AllowedOAuthFlows, flowOf(req.ResponseType)):
		return OAuthUnauthorizedClient, descFlowNotAllowed
	}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if !slices.Contains(c.doc.AllowedOAuthScopes, sc) {
			return OAuthInvalidScope, descInvalidScope
		}
	}
	if code, desc := checkPKCE(req); code != "" {
		return code, desc
	}
	if code, desc := checkPrompt(req, q.Get("prompt")); code != "" {
		return code, desc
	}
	// identity_provider picks the IdP to sign in with ("For Amazon Cognito
	// user pools, the value is COGNITO"; any other value names a social,
	// SAML or OIDC provider, which the Authorize endpoint redirects to
	// silently). This server signs in with the pool's own directory only
	// (no federation), so the parameter is accepted only as COGNITO, and
	// only when the client lists COGNITO in SupportedIdentityProviders;
	// otherwise invalid_request, rather than a silent fall back to the
	// login page the app did not ask for.
	// A client without COGNITO has no sign-in here at all (managed login
	// would offer only its federated providers).
	if idp := q.Get("identity_provider"); (idp != "" && idp != "COGNITO") ||
		!slices.Contains(c.doc.SupportedIdentityProviders, "COGNITO") {
		return OAuthInvalidRequest, descProviderNotSupported
	}
	return "", ""
}

// flowOf names the AllowedOAuthFlows entry a response_type needs.
func flowOf(responseType string) string {
	if responseType == "token" {
		return "implicit"
	}
	return "code"
}

// checkPKCE: code_challenge_method is S256 or plain (RFC 7636 section 4.3; plain
// when a challenge comes without one), the challenge well formed.
func checkPKCE(req *AuthorizeRequest) (string, string) {
	switch {
	case req.CodeChallenge == "" && req.CodeChallengeMethod != "":
		return OAuthInvalidRequest, descChallengeMissing
	case req.CodeChallenge == "":
		return "", ""
	case req.CodeChallengeMethod == "":
		req.CodeChallengeMethod = "plain"
	case req.CodeChallengeMethod != "S256" && req.CodeChallengeMethod != "plain":
		return OAuthInvalidRequest, descChallengeMethod
	}
	if !pkceChallenge.MatchString(req.CodeChallenge) {
		return OAuthInvalidRequest, descChallengeMalformed
	}
	return "", ""
}

// requestedScopes: the scopes asked for, or without a scope parameter all
// the client's allowed scopes (Authorize endpoint: "If you don't request
// any scopes, the authorization server assigns all scopes … to the client").
func requestedScopes(c *clientView, scope string) []string {
	if f := scopeList(scope); len(f) > 0 {
		return f
	}
	return slices.Clone(c.doc.AllowedOAuthScopes)
}

// scopeList splits a scope parameter into its scopes, each once, in the
// order given (a scope named twice is granted once).
func scopeList(scope string) []string {
	var out []string
	for _, sc := range strings.Fields(scope) {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// CompleteAuthorize answers req for a signed-in user: the code flow goes to
// redirect_uri?code=…&state=…, the implicit flow to redirect_uri#
// access_token=…&id_token=…&token_type=…&expires_in=…&state=… (Authorize
// endpoint, "Examples of positive responses"). in may come from the hosted
// session of another client of the same pool: the answer is for req's.
func (s *Service) CompleteAuthorize(ctx context.Context, req *AuthorizeRequest, in *SignedIn) (string, error) {
	if in == nil || in.PoolID != req.PoolID {
		return "", errHostedSession
	}
	who := *in
	who.ClientID = req.ClientID
	if req.ResponseType == "token" {
		v, err := s.ImplicitGrant(ctx, req, &who)
		if err != nil {
			return "", err
		}
		if req.State != "" {
			v.Set("state", req.State)
		}
		return req.RedirectURI + "#" + v.Encode(), nil
	}
	code, err := s.AuthorizationCode(ctx, req, &who)
	if err != nil {
		return "", err
	}
	v := url.Values{"code": {code}}
	if req.State != "" {
		v.Set("state", req.State)
	}
	return appendQuery(req.RedirectURI, v), nil
}

// appendQuery adds v to u's query, keeping the registered URI's own query
// byte for byte.
func appendQuery(u string, v url.Values) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + v.Encode()
}

// AuthorizeErrorURL is where a redirectable refusal goes: the trusted
// redirect URI with error, error_description and state in its query.
func AuthorizeErrorURL(e *AuthorizeError) string {
	v := url.Values{"error": {e.Code}, "error_description": {e.Description}}
	if e.State != "" {
		v.Set("state", e.State)
	}
	return appendQuery(e.RedirectURI, v)
}

// ParseLogout applies the Logout endpoint's rules for domain: with
// client_id and logout_uri, the URI must be one of the client's LogoutURLs
// exactly (the answer is that URI); with client_id, redirect_uri and
// response_type, the request is an authorize request (the answer is nil
// and the request: sign in again). Anything else is an untrusted
// *AuthorizeError: never a redirect to an unlisted URL.
func (s *Service) ParseLogout(ctx context.Context, domain string, q url.Values) (string, *AuthorizeRequest, error) {
	if q.Get("logout_uri") == "" && q.Get("redirect_uri") != "" {
		req, err := s.ParseAuthorize(ctx, domain, q)
		var ae *AuthorizeError
		if errors.As(err, &ae) {
			ae.Redirect = false // /logout shows its refusals
		}
		return "", req, err
	}
	c, err := s.authorizeClient(ctx, domain, q.Get("client_id"))
	if err != nil {
		return "", nil, err
	}
	uri := q.Get("logout_uri")
	if uri == "" || !slices.Contains(c.doc.LogoutURLs, uri) {
		return "", nil, &AuthorizeError{Code: OAuthRedirectMismatch, Description: descLogoutMismatch}
	}
	return uri, nil, nil
}
