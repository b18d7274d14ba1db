package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// TokenValidityUnitsType names the unit of each token validity.
type TokenValidityUnitsType struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

// ClientSettings is what CreateUserPoolClient and UpdateUserPoolClient set.
type ClientSettings struct {
	RefreshTokenValidity                     int32                   `json:"RefreshTokenValidity,omitempty"`
	AccessTokenValidity                      int32                   `json:"AccessTokenValidity,omitempty"`
	IdTokenValidity                          int32                   `json:"IdTokenValidity,omitempty"`
	TokenValidityUnits                       *TokenValidityUnitsType `json:"TokenValidityUnits,omitempty"`
	ReadAttributes                           []string                `json:"ReadAttributes,omitempty"`
	WriteAttributes                          []string                `json:"WriteAttributes,omitempty"`
	ExplicitAuthFlows                        []string                `json:"ExplicitAuthFlows,omitempty"`
	SupportedIdentityProviders               []string                `json:"SupportedIdentityProviders,omitempty"`
	CallbackURLs                             []string                `json:"CallbackURLs,omitempty"`
	LogoutURLs                               []string                `json:"LogoutURLs,omitempty"`
	DefaultRedirectURI                       string                  `json:"DefaultRedirectURI,omitempty"`
	AllowedOAuthFlows                        []string                `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes                       []string                `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient          bool                    `json:"AllowedOAuthFlowsUserPoolClient"`
	AnalyticsConfiguration                   json.RawMessage         `json:"AnalyticsConfiguration,omitempty"`
	PreventUserExistenceErrors               string                  `json:"PreventUserExistenceErrors,omitempty"`
	EnableTokenRevocation                    *bool                   `json:"EnableTokenRevocation,omitempty"`
	EnablePropagateAdditionalUserContextData bool                    `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity                      int32                   `json:"AuthSessionValidity,omitempty"`
	RefreshTokenRotation                     json.RawMessage         `json:"RefreshTokenRotation,omitempty"`
}

// Cognito's client defaults (spec §6; AWS API reference for CreateUserPoolClient).
var defaultAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}

func (c *ClientSettings) applyDefaults() {
	if c.RefreshTokenValidity == 0 {
		c.RefreshTokenValidity = 30
	}
	if c.TokenValidityUnits == nil {
		c.TokenValidityUnits = &TokenValidityUnitsType{}
	}
	if len(c.ExplicitAuthFlows) == 0 {
		c.ExplicitAuthFlows = slices.Clone(defaultAuthFlows)
	}
	if c.PreventUserExistenceErrors == "" {
		c.PreventUserExistenceErrors = "LEGACY" // API default (spec §2.7)
	}
	if c.EnableTokenRevocation == nil {
		c.EnableTokenRevocation = boolp(true)
	}
	if c.AuthSessionValidity == 0 {
		c.AuthSessionValidity = 3
	}
}

// validity returns how long a token lives: value in unit, or the default.
func validity(v int32, unit string, def time.Duration, defUnit string) time.Duration {
	if v == 0 {
		return def
	}
	if unit == "" {
		unit = defUnit
	}
	switch unit {
	case "seconds":
		return time.Duration(v) * time.Second
	case "minutes":
		return time.Duration(v) * time.Minute
	case "hours":
		return time.Duration(v) * time.Hour
	}
	return time.Duration(v) * 24 * time.Hour
}

func (c *ClientSettings) accessTTL() time.Duration {
	return validity(c.AccessTokenValidity, c.TokenValidityUnits.AccessToken, time.Hour, "hours")
}
func (c *ClientSettings) idTTL() time.Duration {
	return validity(c.IdTokenValidity, c.TokenValidityUnits.IdToken, time.Hour, "hours")
}
func (c *ClientSettings) refreshTTL() time.Duration {
	return validity(c.RefreshTokenValidity, c.TokenValidityUnits.RefreshToken, 30*24*time.Hour, "days")
}

// checkValidity enforces Cognito's documented ranges: access and id tokens
// 5 minutes to 1 day, refresh tokens 60 minutes to 10 years, and refresh
// longer than both others.
func (c *ClientSettings) checkValidity() error {
	a, i, r := c.accessTTL(), c.idTTL(), c.refreshTTL()
	switch {
	case a < 5*time.Minute || a > 24*time.Hour:
		return errTokenValidityRange
	case i < 5*time.Minute || i > 24*time.Hour:
		return errTokenValidityRange
	case r < time.Hour || r > 3650*24*time.Hour:
		return errTokenValidityRange
	case r <= a || r <= i:
		return errRefreshValidityOrder
	}
	return nil
}

func (c *ClientSettings) preventsExistenceErrors() bool {
	return c.PreventUserExistenceErrors == "ENABLED"
}

// allowsFlow reports whether any of the given ExplicitAuthFlows names is on.
func (c *ClientSettings) allowsFlow(names ...string) bool {
	for _, n := range names {
		if slices.Contains(c.ExplicitAuthFlows, n) {
			return true
		}
	}
	return false
}

// clientDoc is the stored client document: the settings that
// CreateUserPoolClient and UpdateUserPoolClient set, and what other
// operations own, which UpdateUserPoolClient keeps.
type clientDoc struct {
	ClientSettings
	// Secrets are the client's secrets once AddUserPoolClientSecret or
	// DeleteUserPoolClientSecret changed them (client_secrets.go); until
	// then the row's Secret is the only one.
	Secrets []clientSecret `json:"Secrets,omitempty"`
	// Risk is the client's own risk configuration (risk_configuration.go).
	Risk *riskConfig `json:"Risk,omitempty"`
}

// clientView is a loaded app client with its pool.
type clientView struct {
	ID      string
	rec     *store.Client
	doc     *ClientSettings
	cdoc    *clientDoc
	secrets []clientSecret // oldest first; none for a public client
	pool    *poolView
	// hosted marks the hosted pages' sign-in (hosted_signin.go): the
	// server itself is the caller, so no SECRET_HASH is asked for, and a
	// completed sign-in ends in a SignedIn instead of tokens.
	hosted bool
}

func (s *Service) decodeClient(rec *store.Client) (*clientDoc, error) {
	doc, err := s.clientDocs.get(rec.ID, rec.Config)
	if err != nil {
		return nil, fmt.Errorf("client %s: corrupt settings: %w", rec.ID, err)
	}
	return doc, nil
}

func (s *Service) clientView(rec *store.Client, pool *poolView) (*clientView, error) {
	doc, err := s.decodeClient(rec)
	if err != nil {
		return nil, err
	}
	return &clientView{ID: rec.ID, rec: rec, doc: &doc.ClientSettings, cdoc: doc,
		secrets: secretsOf(rec, doc), pool: pool}, nil
}

// loadClient resolves a ClientId for a public operation: unknown →
// ResourceNotFoundException "User pool client X does not exist." (spec §2.2).
func (s *Service) loadClient(ctx context.Context, st store.Store, id string) (*clientView, error) {
	rec, err := st.GetClient(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errClientNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	pool, err := s.loadPool(ctx, st, rec.PoolID)
	if err != nil {
		return nil, err
	}
	return s.clientView(rec, pool)
}

// loadPoolClient resolves a client for an admin operation that names both
// the pool and the client; a client of another pool does not exist there.
func (s *Service) loadPoolClient(ctx context.Context, poolID, clientID string) (*clientView, error) {
	return s.loadPoolClientIn(ctx, s.store, poolID, clientID)
}

// loadPoolClientIn is loadPoolClient in st (a transaction).
func (s *Service) loadPoolClientIn(ctx context.Context, st store.Store, poolID, clientID string) (*clientView, error) {
	c, err := s.loadClient(ctx, st, clientID)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == ResourceNotFound {
			if _, perr := s.loadPool(ctx, st, poolID); perr != nil {
				return nil, perr
			}
		}
		return nil, err
	}
	if c.pool.ID != poolID {
		if _, err := s.loadPool(ctx, st, poolID); err != nil {
			return nil, err
		}
		return nil, errClientNotFound(clientID)
	}
	return c, nil
}
