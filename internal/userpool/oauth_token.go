package userpool

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/userpool/userpool/internal/store"
)

// TokenResponse is a successful /oauth2/token answer ("Token endpoint").
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	IdToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// Token answers POST /oauth2/token: the authorization_code, refresh_token
// and client_credentials grants. Every refusal is an *OAuthError; a
// refused request changes nothing (a wrong secret or redirect_uri does not
// burn the code: the single-use mark is written last, with the tokens).
func (s *Service) Token(ctx context.Context, r *OAuthRequest) (*TokenResponse, error) {
	if err := r.checkForm(); err != nil {
		return nil, err
	}
	grant := r.Form.Get("grant_type")
	switch grant {
	case "authorization_code", "refresh_token", "client_credentials":
	case "":
		return nil, oauthInvalidRequest
	default:
		return nil, oauthUnsupportedGrant
	}
	c, err := s.oauthClient(ctx, r)
	if err != nil {
		return nil, err
	}
	if !c.doc.AllowedOAuthFlowsUserPoolClient {
		return nil, oauthUnauthorized // not enabled for the OAuth flows at all
	}
	switch grant {
	case "authorization_code":
		return s.redeemCode(ctx, c, r)
	case "refresh_token":
		return s.refreshGrant(ctx, c, r)
	}
	return s.clientCredentialsGrant(ctx, c, r)
}

// redeemCode exchanges an authorization code for ID, access and refresh
// tokens. A code that is unknown, used, expired, of another client, or
// redeemed with another redirect_uri or a verifier that does not match
// its challenge is invalid_grant (RFC 6749 section 5.2, RFC 7636 section 4.6).
func (s *Service) redeemCode(ctx context.Context, c *clientView, r *OAuthRequest) (*TokenResponse, error) {
	if !slices.Contains(c.doc.AllowedOAuthFlows, "code") {
		return nil, oauthUnauthorized
	}
	code, redirect, verifier := r.Form.Get("code"), r.Form.Get("redirect_uri"), r.Form.Get("code_verifier")
	if code == "" || redirect == "" {
		return nil, oauthInvalidRequest
	}
	now := s.now()
	ac, ok := s.openCode(code)
	if !ok || ac.Pool != c.pool.ID || ac.Client != c.ID || now.UnixMilli() >= ac.Expires || ac.Redirect != redirect {
		return nil, oauthInvalidGrant
	}
	if ac.Challenge != "" && verifier == "" {
		return nil, oauthInvalidRequest // "Required if ... requested with PKCE"
	}
	if ac.Challenge != "" && !verifierMatches(ac, verifier) {
		return nil, oauthInvalidGrant
	}
	u, err := s.grantUser(ctx, c, ac.Username)
	if err != nil {
		return nil, err
	}
	if u.Sub != ac.Sub {
		return nil, oauthInvalidGrant // deleted and signed up again since
	}
	tok, rec := familyRecord(c, u, now)
	rec.AuthTime = time.UnixMilli(ac.AuthTime).UTC()
	rec.Scopes = strings.Join(ac.Scopes, " ")
	err = s.putFamily(ctx, rec, func(tx store.Store) error {
		return tx.UseOnce(ctx, c.pool.ID, "oauth-code:"+ac.ID, time.UnixMilli(ac.Expires))
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, oauthInvalidGrant // used already: nothing else changes
	}
	if err != nil {
		return nil, err
	}
	sess := session{originJTI: rec.ID, authTime: rec.AuthTime,
		oauth: &oauthShape{scopes: ac.Scopes, nonce: ac.Nonce, atHash: true}}
	res, err := s.mintTokens(ctx, c, u, sess, now)
	if err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: res.AccessToken, IdToken: res.IdToken, RefreshToken: tok,
		TokenType: "Bearer", ExpiresIn: res.ExpiresIn}, nil
}

// refreshGrant mints new access and id tokens in the refresh token's
// family, with the scopes it was granted; like REFRESH_TOKEN_AUTH it
// returns no new refresh token. Cognito's unauthorized_client covers a
// client not allowed to refresh ("Token endpoint").
func (s *Service) refreshGrant(ctx context.Context, c *clientView, r *OAuthRequest) (*TokenResponse, error) {
	tok := r.Form.Get("refresh_token")
	if tok == "" {
		return nil, oauthInvalidRequest
	}
	if !c.doc.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
		return nil, oauthUnauthorized
	}
	now := s.now()
	h := sha256.Sum256([]byte(tok))
	rt, err := s.store.GetRefreshTokenByHash(ctx, h[:])
	if errors.Is(err, store.ErrNotFound) {
		return nil, oauthInvalidGrant
	}
	if err != nil {
		return nil, err
	}
	if rt.ClientID != c.ID || rt.Revoked || !now.Before(rt.ExpiresAt) {
		return nil, oauthInvalidGrant
	}
	u, err := s.grantUser(ctx, c, rt.Username)
	if err != nil {
		return nil, err
	}
	res, err := s.mintTokens(ctx, c, u, familySession(rt), now)
	if err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: res.AccessToken, IdToken: res.IdToken, TokenType: "Bearer",
		ExpiresIn: res.ExpiresIn}, nil
}

// grantUser loads the user a code or refresh token was issued to: gone or
// disabled since, the grant is invalid_grant.
func (s *Service) grantUser(ctx context.Context, c *clientView, username string) (*store.User, error) {
	u, err := s.userByKey(ctx, s.store, c.pool, "username", username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, oauthInvalidGrant
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, oauthInvalidGrant
	}
	return u, nil
}

// clientCredentialsGrant issues a machine-to-machine access token: only a
// confidential client that allows client_credentials gets one, only for
// custom (resource server) scopes it allows; with no scope parameter, for
// all of them ("Token endpoint", "Scopes, M2M, and APIs with resource
// servers"). There is no user: sub is the client ID, and there is no id
// or refresh token.
func (s *Service) clientCredentialsGrant(ctx context.Context, c *clientView, r *OAuthRequest) (*TokenResponse, error) {
	if len(c.secrets) == 0 || !slices.Contains(c.doc.AllowedOAuthFlows, "client_credentials") {
		return nil, oauthUnauthorized
	}
	var custom []string
	for _, sc := range c.doc.AllowedOAuthScopes {
		if !standardScopes[sc] {
			custom = append(custom, sc)
		}
	}
	scopes := scopeList(r.Form.Get("scope"))
	if len(scopes) == 0 {
		scopes = custom
	}
	for _, sc := range scopes {
		if !slices.Contains(custom, sc) {
			return nil, oauthInvalidScope
		}
	}
	if len(scopes) == 0 {
		return nil, oauthInvalidScope
	}
	return s.machineToken(ctx, c, scopes)
}

func (s *Service) machineToken(ctx context.Context, c *clientView, scopes []string) (*TokenResponse, error) {
	k, err := s.poolKey(ctx, c.pool.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	ttl := c.doc.accessTTL()
	at, err := sign(k, jwt.MapClaims{"sub": c.ID, "token_use": "access", "scope": strings.Join(scopes, " "),
		"auth_time": now.Unix(), "iss": s.issuer(c.pool.ID), "exp": now.Add(ttl).Unix(), "iat": now.Unix(),
		"version": 2, "jti": uuid.NewString(), "client_id": c.ID})
	if err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: at, TokenType: "Bearer", ExpiresIn: int64(ttl / time.Second)}, nil
}
