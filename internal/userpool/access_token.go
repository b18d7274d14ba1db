package userpool

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/userpool/userpool/internal/store"
)

// accessContext is what a valid access token establishes.
type accessContext struct {
	pool      *poolView
	user      *store.User
	clientID  string
	originJTI string
	// scope is the token's scope claim (space-separated).
	scope string
}

// verifyAccessToken authenticates the AccessToken member of the public
// self-service operations (GetUser, ChangePassword, ...): a valid access
// token (verifyBearer) that carries the aws.cognito.signin.user.admin
// scope. API sign-ins always grant it; a token from the OAuth endpoints
// has it only if the app asked for it (Cognito's "Scopes": it "grants
// access to Amazon Cognito user pools API operations that require access
// tokens").
func (s *Service) verifyAccessToken(ctx context.Context, now time.Time, tok string) (*accessContext, error) {
	ac, err := s.verifyBearer(ctx, now, tok)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(strings.Fields(ac.scope), "aws.cognito.signin.user.admin") {
		return nil, errAccessTokenScopes
	}
	return ac, nil
}

// verifyBearer authenticates an access token: signature with the issuing
// pool's key, expiry on our clock, token_use "access", and the token
// family not revoked by GlobalSignOut/RevokeToken/AdminDisableUser.
func (s *Service) verifyBearer(ctx context.Context, now time.Time, tok string) (*accessContext, error) {
	var claims jwt.MapClaims
	var pool *poolView
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired())
	_, err := parser.ParseWithClaims(tok, &claims, func(t *jwt.Token) (any, error) {
		iss, _ := claims["iss"].(string)
		poolID, ok := strings.CutPrefix(iss, strings.TrimRight(s.cfg.IssuerBase, "/")+"/")
		if !ok {
			return nil, errInvalidAccessToken
		}
		p, err := s.loadPool(ctx, s.store, poolID)
		if err != nil {
			return nil, errInvalidAccessToken
		}
		pool = p
		k, err := s.poolKey(ctx, poolID)
		if err != nil {
			return nil, err
		}
		return &k.priv.PublicKey, nil
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errAccessTokenExpired
	case err != nil:
		return nil, errInvalidAccessToken
	}
	if use, _ := claims["token_use"].(string); use != "access" {
		return nil, errInvalidAccessToken
	}
	return s.accessSubject(ctx, pool, claims)
}

func (s *Service) accessSubject(ctx context.Context, pool *poolView, claims jwt.MapClaims) (*accessContext, error) {
	origin, _ := claims["origin_jti"].(string)
	username, _ := claims["username"].(string)
	clientID, _ := claims["client_id"].(string)
	u, err := s.userByKey(ctx, s.store, pool, "username", username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserDoesNotExist
	}
	if err != nil {
		return nil, err
	}
	rt, err := s.store.GetRefreshToken(ctx, origin)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rt.Revoked) {
		return nil, errAccessTokenRevoked
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	scope, _ := claims["scope"].(string)
	return &accessContext{pool: pool, user: u, clientID: clientID, originJTI: origin, scope: scope}, nil
}
