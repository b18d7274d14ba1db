package userpool

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/userpool/userpool/internal/store"
)

// oauthShape is how the OAuth endpoints (code, implicit and refresh_token
// grants) shape the tokens mintTokens signs, as Cognito does ("Token
// endpoint", "Understanding the access token"): the access token's scope
// claim holds the granted scopes, space-separated, and it carries
// "version": 2; an id token exists only when openid was granted, and on
// the code and implicit flows it carries the request's nonce and at_hash.
// A nil shape is an API sign-in: every method leaves the tokens as they
// are.
type oauthShape struct {
	scopes []string
	nonce  string
	// atHash: the flow returns the id token together with its access
	// token from the authorization server (code, implicit), so the id
	// token binds it (OIDC Core 3.1.3.6, 3.2.2.9). A refreshed id token
	// does not carry it, nor the nonce.
	atHash bool
}

func (o *oauthShape) shapeAccess(access jwt.MapClaims) {
	if o == nil {
		return
	}
	access["scope"] = strings.Join(o.scopes, " ")
	access["version"] = 2
}

// wantsIDToken: Cognito issues an id token from its OAuth endpoints only
// when the openid scope was granted.
func (o *oauthShape) wantsIDToken() bool {
	return o == nil || slices.Contains(o.scopes, "openid")
}

func (o *oauthShape) shapeID(id jwt.MapClaims, accessToken string) {
	if o == nil {
		return
	}
	if o.nonce != "" {
		id["nonce"] = o.nonce
	}
	if o.atHash {
		id["at_hash"] = atHash(accessToken)
	}
}

// atHash is OIDC's at_hash for an RS256 token: the left half of the
// SHA-256 of the access token, base64url without padding.
func atHash(accessToken string) string {
	h := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(h[:len(h)/2])
}

// familySession is the session a refresh of rt continues: its family, its
// original auth_time and, for a family the OAuth endpoints started, its
// granted scopes, so that refreshed tokens keep them (and REFRESH_TOKEN_AUTH
// of an API family keeps minting API tokens).
func familySession(rt *store.RefreshToken) session {
	sess := session{originJTI: rt.ID, authTime: rt.AuthTime}
	if rt.Scopes != "" {
		sess.oauth = &oauthShape{scopes: strings.Fields(rt.Scopes)}
	}
	return sess
}

// hostedEndpoints adds to a discovery document the endpoints of the
// pool's domain (its prefix domain, else its custom domain), served by
// internal/hosted under HostedBase + "/_domain/<domain>". A pool without a
// domain has no authorization server, so they are absent, as in Cognito.
// Cognito does not advertise grant_types_supported or
// code_challenge_methods_supported, so neither do we.
func (s *Service) hostedEndpoints(ctx context.Context, poolID string, doc map[string]any) error {
	prefix, custom, err := poolDomains(ctx, s.store, poolID)
	if err != nil || (prefix == "" && custom == "") {
		return err
	}
	base := cmp.Or(s.cfg.HostedBase, s.cfg.IssuerBase)
	// "/_domain/" is internal/hosted's PathPrefix (that package imports
	// this one, so the constant cannot be shared).
	base = strings.TrimRight(base, "/") + "/_domain/" + cmp.Or(prefix, custom)
	doc["authorization_endpoint"] = base + "/oauth2/authorize"
	doc["token_endpoint"] = base + "/oauth2/token"
	doc["userinfo_endpoint"] = base + "/oauth2/userInfo"
	doc["revocation_endpoint"] = base + "/oauth2/revoke"
	doc["end_session_endpoint"] = base + "/logout"
	return nil
}
