package userpool

import (
	"context"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// This file holds the types the hosted endpoints (internal/hosted) and the
// OAuth rules share: what /oauth2/authorize asked for, and who the hosted
// pages signed in. The rules themselves live in oauth_*.go (authorization
// codes, grants, userInfo, revocation) and hosted_signin.go (the sign-in the
// pages run); internal/hosted only turns HTTP into these calls.

// HostedPool is the pool a hosted domain (prefix or custom) belongs to.
type HostedPool struct {
	Domain   string
	PoolID   string
	PoolName string
}

// DomainPool resolves a domain name to its pool, or ResourceNotFoundException.
func (s *Service) DomainPool(ctx context.Context, domain string) (*HostedPool, error) {
	d, err := s.store.GetDomain(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUnknownDomain
	}
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, s.store, d.PoolID)
	if err != nil {
		return nil, err
	}
	return &HostedPool{Domain: d.Name, PoolID: p.ID, PoolName: p.rec.Name}, nil
}

// AuthorizeRequest is a validated /oauth2/authorize request: the client and
// its exact redirect URI are known good, so any later refusal may be sent
// back to RedirectURI.
type AuthorizeRequest struct {
	PoolID              string
	ClientID            string
	RedirectURI         string
	ResponseType        string // "code" or "token"
	Scopes              []string
	State               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string // "S256" or "plain"; "" without PKCE
	// Prompt is the OIDC prompt parameter's values (oauth_prompt.go).
	Prompt []string
}

// AuthorizeError is an /oauth2/authorize refusal. When Redirect is false
// the client or redirect URI could not be trusted and the error is shown as
// a page (never redirected: no open redirect); otherwise it goes back to
// RedirectURI as error/error_description/state, as Cognito does.
type AuthorizeError struct {
	Redirect    bool
	RedirectURI string
	State       string
	Code        string // OAuth error code: invalid_request, unauthorized_client, ...
	Description string
}

func (e *AuthorizeError) Error() string { return e.Code + ": " + e.Description }

// SignedIn is a user the hosted pages authenticated (password, then any
// challenge) for ClientID: the hosted sign-in ends here instead of minting
// tokens, which /oauth2/authorize's code or token answer does.
type SignedIn struct {
	PoolID   string
	ClientID string
	Username string
	AuthTime time.Time
}

// HostedStep is one step of the hosted sign-in: either the user is
// SignedIn, or a challenge (NEW_PASSWORD_REQUIRED, SMS_MFA, EMAIL_OTP,
// SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP) must be answered with
// Session.
type HostedStep struct {
	SignedIn            *SignedIn
	ChallengeName       string
	Session             string
	ChallengeParameters map[string]string
}
