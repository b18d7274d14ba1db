package userpool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/userpool/userpool/internal/store"
)

// signingKey is a pool's parsed RS256 key.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

// poolKey returns the pool's signing key, creating it on first use. Creation
// is lazy because RSA key generation is slow and most test pools never issue
// a token; CreateSigningKey's ErrConflict makes concurrent creators (other
// goroutines or other processes) agree on the first key written.
func (s *Service) poolKey(ctx context.Context, poolID string) (*signingKey, error) {
	s.keysMu.Lock()
	k := s.keys[poolID]
	s.keysMu.Unlock()
	if k != nil {
		return k, nil
	}
	rec, err := s.store.GetSigningKey(ctx, poolID)
	if errors.Is(err, store.ErrNotFound) {
		rec, err = s.createKey(ctx, poolID)
	}
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(rec.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("pool %s: bad signing key: %w", poolID, err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("pool %s: signing key is not RSA", poolID)
	}
	k = &signingKey{kid: rec.KeyID, priv: priv}
	s.keysMu.Lock()
	s.keys[poolID] = k
	s.keysMu.Unlock()
	return k, nil
}

func (s *Service) createKey(ctx context.Context, poolID string) (*store.SigningKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	rec := &store.SigningKey{PoolID: poolID, KeyID: randomToken(24), PrivateKey: der, CreatedAt: s.now()}
	err = s.store.CreateSigningKey(ctx, rec)
	if errors.Is(err, store.ErrConflict) {
		return s.store.GetSigningKey(ctx, poolID)
	}
	return rec, err
}

func (s *Service) issuer(poolID string) string {
	return strings.TrimRight(s.cfg.IssuerBase, "/") + "/" + poolID
}

// JWK is one RSA public key in a JWKS document.
type JWK struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

// JWKS returns the pool's public keys as served at
// /<poolId>/.well-known/jwks.json, or ResourceNotFoundException.
func (s *Service) JWKS(ctx context.Context, poolID string) (map[string][]JWK, error) {
	if _, err := s.loadPool(ctx, s.store, poolID); err != nil {
		return nil, err
	}
	k, err := s.poolKey(ctx, poolID)
	if err != nil {
		return nil, err
	}
	pub := k.priv.PublicKey
	e := big.NewInt(int64(pub.E)).Bytes()
	return map[string][]JWK{"keys": {{Alg: "RS256", Kid: k.kid, Kty: "RSA", Use: "sig",
		E: base64.RawURLEncoding.EncodeToString(e), N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes())}}}, nil
}

// OpenIDConfiguration returns the discovery document served at
// /<poolId>/.well-known/openid-configuration.
func (s *Service) OpenIDConfiguration(ctx context.Context, poolID string) (map[string]any, error) {
	if _, err := s.loadPool(ctx, s.store, poolID); err != nil {
		return nil, err
	}
	iss := s.issuer(poolID)
	doc := map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"response_types_supported":              []string{"code", "token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	}
	if err := s.hostedEndpoints(ctx, poolID, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// session is what a sign-in produces: the refresh-token family (origin_jti)
// and the time of the original authentication.
type session struct {
	originJTI string
	authTime  time.Time
	// oauth, when set, shapes the tokens as the OAuth endpoints issue
	// them (oauth_tokens.go): scope claim, version 2, nonce, at_hash.
	oauth *oauthShape
}

// mintTokens signs an access and an id token for u, as Cognito shapes them.
func (s *Service) mintTokens(ctx context.Context, c *clientView, u *store.User, sess session, now time.Time) (*AuthenticationResultType, error) {
	k, err := s.poolKey(ctx, c.pool.ID)
	if err != nil {
		return nil, err
	}
	groups, err := s.userTokenGroups(ctx, c.pool.ID, u.Username)
	if err != nil {
		return nil, err
	}
	eventID := uuid.NewString()
	base := func(use string, ttl time.Duration) jwt.MapClaims {
		return jwt.MapClaims{"sub": u.Sub, "iss": s.issuer(c.pool.ID), "token_use": use,
			"origin_jti": sess.originJTI, "event_id": eventID, "auth_time": sess.authTime.Unix(),
			"iat": now.Unix(), "exp": now.Add(ttl).Unix(), "jti": uuid.NewString()}
	}
	access := base("access", c.doc.accessTTL())
	access["client_id"] = c.ID
	access["scope"] = "aws.cognito.signin.user.admin"
	access["username"] = u.Username
	sess.oauth.shapeAccess(access)
	id := base("id", c.doc.idTTL())
	id["aud"] = c.ID
	id["cognito:username"] = u.Username
	for _, a := range u.Attributes {
		if a.Name == "sub" {
			continue
		}
		id[a.Name] = claimValue(a)
	}
	groups.addTo(access, id)
	at, err := sign(k, access)
	if err != nil {
		return nil, err
	}
	res := &AuthenticationResultType{AccessToken: at, TokenType: "Bearer",
		ExpiresIn: int64(c.doc.accessTTL() / time.Second)}
	if !sess.oauth.wantsIDToken() {
		return res, nil
	}
	sess.oauth.shapeID(id, at)
	if res.IdToken, err = sign(k, id); err != nil {
		return nil, err
	}
	return res, nil
}

// claimValue types id-token claims as Cognito does: the *_verified flags
// are JSON booleans, everything else a string.
func claimValue(a store.Attribute) any {
	if strings.HasSuffix(a.Name, "_verified") {
		return a.Value == "true"
	}
	return a.Value
}

func sign(k *signingKey, claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.kid
	return t.SignedString(k.priv)
}

// newRefreshToken stores a new refresh-token family for u, authenticated
// and issued at now (with with, if set, in the same transaction), and
// returns the opaque token; only its SHA-256 is kept.
func (s *Service) newRefreshToken(ctx context.Context, c *clientView, u *store.User, now time.Time, with func(tx store.Store) error) (string, session, error) {
	tok, rec := familyRecord(c, u, now)
	if err := s.putFamily(ctx, rec, with); err != nil {
		return "", session{}, err
	}
	return tok, session{originJTI: rec.ID, authTime: now}, nil
}

// familyRecord is a new refresh-token family of u's issued at now, and
// its opaque token.
func familyRecord(c *clientView, u *store.User, now time.Time) (string, *store.RefreshToken) {
	tok := randomToken(48)
	h := sha256.Sum256([]byte(tok))
	return tok, &store.RefreshToken{ID: uuid.NewString(), Hash: h[:], PoolID: c.pool.ID, ClientID: c.ID,
		Username: u.Username, AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(c.doc.refreshTTL())}
}

// putFamily stores rec, in one transaction with with when it is set.
func (s *Service) putFamily(ctx context.Context, rec *store.RefreshToken, with func(tx store.Store) error) error {
	if with == nil {
		return s.store.PutRefreshToken(ctx, rec)
	}
	return s.store.Tx(ctx, func(tx store.Store) error {
		if err := with(tx); err != nil {
			return err
		}
		return tx.PutRefreshToken(ctx, rec)
	})
}
