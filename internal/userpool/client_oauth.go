package userpool

import (
	"context"
	"errors"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// standardScopes are the OAuth scopes every pool has (Cognito developer
// guide, "Scopes"); any other scope is "<resource server>/<scope>".
var standardScopes = map[string]bool{"openid": true, "email": true, "phone": true, "profile": true,
	"aws.cognito.signin.user.admin": true}

// checkOAuth checks a client's references into its pool: every supported
// identity provider is COGNITO or one of the pool's providers, every
// custom scope one of its resource servers' (issue 17 item 1).
func (s *Service) checkOAuth(ctx context.Context, poolID string, c *ClientSettings) error {
	for _, name := range c.SupportedIdentityProviders {
		if name == "COGNITO" {
			continue
		}
		_, err := s.store.GetPoolItem(ctx, poolID, kindIdP, name)
		if errors.Is(err, store.ErrNotFound) {
			return errClientProvider(name, poolID)
		}
		if err != nil {
			return err
		}
	}
	for _, scope := range c.AllowedOAuthScopes {
		if standardScopes[scope] {
			continue
		}
		if ok, err := s.scopeExists(ctx, poolID, scope); err != nil || !ok {
			return errOr(err, errScopeNotFound(scope))
		}
	}
	return nil
}

// scopeExists looks "<identifier>/<name>" up in the pool's resource
// servers. Identifiers may contain slashes (URLs), so every split is tried.
func (s *Service) scopeExists(ctx context.Context, poolID, scope string) (bool, error) {
	for i := strings.LastIndex(scope, "/"); i > 0; i = strings.LastIndex(scope[:i], "/") {
		_, doc, err := getItem[resourceServerDoc](ctx, s.store, poolID, kindResourceServer, scope[:i])
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		for _, sc := range doc.Scopes {
			if sc.ScopeName == scope[i+1:] {
				return true, nil
			}
		}
	}
	return false, nil
}

// errOr returns err if there is one, else the domain error e.
func errOr(err error, e *Error) error {
	if err != nil {
		return err
	}
	return e
}
