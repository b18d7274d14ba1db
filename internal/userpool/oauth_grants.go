package userpool

import (
	"context"
	"net/url"
)

// AuthorizationCode issues the authorization code /oauth2/authorize sends
// back for a code-flow request req once in signed in. STUB (issue 17): the
// OAuth work replaces it with sealed, single-use, five-minute codes bound
// to the client, the redirect URI and the PKCE challenge.
func (s *Service) AuthorizationCode(ctx context.Context, req *AuthorizeRequest, in *SignedIn) (string, error) {
	return "stub-" + randomToken(16), nil
}

// ImplicitGrant returns the fragment parameters (access_token, id_token,
// token_type, expires_in) of an implicit-flow answer to req. STUB (issue 17).
func (s *Service) ImplicitGrant(ctx context.Context, req *AuthorizeRequest, in *SignedIn) (url.Values, error) {
	return url.Values{"access_token": {"stub"}, "token_type": {"Bearer"}, "expires_in": {"3600"}}, nil
}
