package userpool

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// UserInfo answers GET or POST /oauth2/userInfo ("UserInfo endpoint") for
// the domain of poolID: the user's sub, username and the attributes the
// access token's scopes release. Cognito requires the openid scope ("The
// openid scope must be one of the access token claims"), so an access
// token from the user pools API (scope aws.cognito.signin.user.admin only)
// is refused; aws.cognito.signin.user.admin next to openid releases every
// attribute. A missing or non-Bearer Authorization header is the guide's
// 400 invalid_request; a token that is malformed, expired, revoked, of
// another pool, of a deleted or disabled user, or without openid is 401
// invalid_token.
func (s *Service) UserInfo(ctx context.Context, poolID, authorization string) (map[string]any, error) {
	scheme, tok, _ := strings.Cut(authorization, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil, oauthUserInfoBadRequest
	}
	ac, err := s.verifyBearer(ctx, s.now(), tok)
	var ue *Error
	if errors.As(err, &ue) {
		return nil, oauthInvalidToken
	}
	if err != nil {
		return nil, err
	}
	scopes := strings.Fields(ac.scope)
	if ac.pool.ID != poolID || !slices.Contains(scopes, "openid") {
		return nil, oauthInvalidToken
	}
	return userInfoClaims(ac, scopes), nil
}

// userInfoClaims releases attributes by scope, as OIDC Core section 5.4 and
// Cognito's "Scopes" page do: email → email, email_verified; phone →
// phone_number, phone_number_verified; profile → every other attribute;
// aws.cognito.signin.user.admin → all. Cognito's userInfo gives the
// *_verified flags as the strings "true"/"false", unlike the id token's
// booleans.
func userInfoClaims(ac *accessContext, scopes []string) map[string]any {
	has := func(sc string) bool { return slices.Contains(scopes, sc) }
	all := has("aws.cognito.signin.user.admin")
	out := map[string]any{"sub": ac.user.Sub, "username": ac.user.Username}
	for _, a := range ac.user.Attributes {
		var released bool
		switch a.Name {
		case "sub":
			continue
		case "email", "email_verified":
			released = all || has("email")
		case "phone_number", "phone_number_verified":
			released = all || has("phone")
		default:
			released = all || has("profile")
		}
		if released {
			out[a.Name] = a.Value
		}
	}
	// A released email or phone number always comes with its flag: an
	// address nobody verified is "false" (UNVERIFIED against Cognito, whose
	// id tokens carry the flag whenever the attribute is set).
	for _, attr := range []string{"email", "phone_number"} {
		if _, ok := out[attr]; ok && out[attr+"_verified"] == nil {
			out[attr+"_verified"] = "false"
		}
	}
	return out
}

// OAuthRevoke answers POST /oauth2/revoke ("Revoke endpoint"): the client
// authenticates as at the token endpoint, then RevokeToken's rule revokes
// the refresh token's family. Unknown tokens are 200 too (RFC 7009 section 2.2);
// bad client credentials are 401 invalid_client, a missing token or a
// client with revocation disabled invalid_request, an access or id token
// unsupported_token_type, and another client's token unauthorized_client
// (RFC 7009 section 2.1: the server checks the token was issued to the client).
func (s *Service) OAuthRevoke(ctx context.Context, r *OAuthRequest) error {
	if err := r.checkForm(); err != nil {
		return err
	}
	tok := r.Form.Get("token")
	if tok == "" {
		return oauthInvalidRequest
	}
	c, err := s.oauthClient(ctx, r)
	switch {
	case errors.Is(err, oauthInvalidClient):
		return oauthRevokeInvalidClient
	case err != nil:
		return err
	}
	// The client is authenticated already; RevokeToken's own secret check
	// is handed one of its secrets so that only its token rules apply.
	secret := ""
	if len(c.secrets) > 0 {
		secret = c.secrets[0].Value
	}
	_, err = s.RevokeToken(ctx, &RevokeTokenInput{Token: tok, ClientId: c.ID, ClientSecret: secret})
	switch {
	case errors.Is(err, errRevocationDisabled):
		return oauthInvalidRequest
	case errors.Is(err, errNotRefreshToken):
		return oauthUnsupportedTokenType
	case errors.Is(err, errTokenOtherClient):
		return oauthUnauthorized
	case errors.Is(err, errClientAuthFailed):
		return oauthRevokeInvalidClient
	}
	return err
}

// AsOAuthError is err as an OAuth endpoint answers it: an *OAuthError as
// it is, anything else (the store failed, ...) server_error, which the
// caller logs.
func AsOAuthError(err error) (e *OAuthError, internal bool) {
	if errors.As(err, &e) {
		return e, false
	}
	return oauthServerError, true
}
