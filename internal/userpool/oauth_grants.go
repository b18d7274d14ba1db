package userpool

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// AuthorizationCode issues the authorization code /oauth2/authorize sends
// back for a code-flow request req once in signed in: sealed, single-use,
// valid for five minutes on the service clock, bound to the client, the
// exact redirect URI, the PKCE challenge, the scopes, the nonce, the user
// and the time they authenticated (oauth_code.go).
func (s *Service) AuthorizationCode(ctx context.Context, req *AuthorizeRequest, in *SignedIn) (string, error) {
	c, u, err := s.grantSubject(ctx, req, in)
	if err != nil {
		return "", err
	}
	now := s.now()
	ac := &authCode{ID: randomToken(16), Pool: c.pool.ID, Client: c.ID, Redirect: req.RedirectURI,
		Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod, Scopes: req.Scopes, Nonce: req.Nonce,
		Username: u.Username, Sub: u.Sub, AuthTime: authTimeOf(in, now).UnixMilli(),
		Expires: now.Add(codeLifetime).UnixMilli()}
	if ac.Challenge != "" && ac.Method == "" {
		ac.Method = "plain" // RFC 7636 section 4.3: the default method
	}
	return s.sealCode(ac), nil
}

// ImplicitGrant returns the fragment parameters (access_token, id_token,
// token_type, expires_in) of an implicit-flow answer to req. Cognito never
// returns a refresh token in the implicit flow ("Authorize endpoint"); the
// tokens still belong to a family, whose token is never handed out, so
// that GlobalSignOut, AdminUserGlobalSignOut and disabling the user revoke
// them as they revoke every other access token.
func (s *Service) ImplicitGrant(ctx context.Context, req *AuthorizeRequest, in *SignedIn) (url.Values, error) {
	c, u, err := s.grantSubject(ctx, req, in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	_, rec := familyRecord(c, u, now)
	rec.AuthTime = authTimeOf(in, now)
	rec.Scopes = strings.Join(req.Scopes, " ")
	// Nothing can refresh it: it lives as long as its longest token.
	rec.ExpiresAt = now.Add(max(c.doc.accessTTL(), c.doc.idTTL()))
	if err := s.putFamily(ctx, rec, nil); err != nil {
		return nil, err
	}
	sess := session{originJTI: rec.ID, authTime: rec.AuthTime,
		oauth: &oauthShape{scopes: req.Scopes, nonce: req.Nonce, atHash: true}}
	res, err := s.mintTokens(ctx, c, u, sess, now)
	if err != nil {
		return nil, err
	}
	v := url.Values{"access_token": {res.AccessToken}, "token_type": {res.TokenType},
		"expires_in": {strconv.FormatInt(res.ExpiresIn, 10)}}
	if res.IdToken != "" {
		v.Set("id_token", res.IdToken)
	}
	return v, nil
}

// grantSubject loads the client and the signed-in user a grant is for.
// req was validated by ParseAuthorize and in produced by the hosted
// sign-in, so a mismatch is a programming error, not a client's.
func (s *Service) grantSubject(ctx context.Context, req *AuthorizeRequest, in *SignedIn) (*clientView, *store.User, error) {
	if in.ClientID != req.ClientID || in.PoolID != req.PoolID {
		return nil, nil, fmt.Errorf("oauth grant: sign-in of client %s for a request of client %s", in.ClientID, req.ClientID)
	}
	c, err := s.loadClient(ctx, s.store, req.ClientID)
	if err != nil {
		return nil, nil, err
	}
	if c.pool.ID != req.PoolID {
		return nil, nil, fmt.Errorf("oauth grant: client %s is not in pool %s", c.ID, req.PoolID)
	}
	u, err := s.userByKey(ctx, s.store, c.pool, "username", in.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errUserDoesNotExist
	}
	if err != nil {
		return nil, nil, err
	}
	return c, u, nil
}

// authTimeOf is when the user authenticated: the sign-in's time, or now
// if the sign-in did not record one.
func authTimeOf(in *SignedIn, now time.Time) time.Time {
	if in.AuthTime.IsZero() {
		return now
	}
	return in.AuthTime.UTC().Truncate(time.Millisecond)
}
