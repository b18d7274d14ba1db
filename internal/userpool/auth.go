package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// AuthOutput is the response of InitiateAuth, AdminInitiateAuth and the
// RespondToAuthChallenge operations.
type AuthOutput struct {
	ChallengeName        string                    `json:"ChallengeName,omitempty"`
	Session              string                    `json:"Session,omitempty"`
	ChallengeParameters  map[string]string         `json:"ChallengeParameters"`
	AuthenticationResult *AuthenticationResultType `json:"AuthenticationResult,omitempty"`
	// signedIn ends a hosted sign-in instead of AuthenticationResult
	// (hosted_signin.go); never on the wire.
	signedIn *SignedIn
}

// burnHash verifies password against a hash of nothing, so that an unknown
// username costs as much time as a wrong password (no timing oracle). The
// dummy hash is made once, with the current parameters.
func (s *Service) burnHash(ctx context.Context, password string) {
	s.dummyOnce.Do(func() { s.dummyHash, _ = s.hasher.Hash(ctx, randomToken(16)) })
	if s.dummyHash != "" {
		_ = s.hasher.Verify(ctx, s.dummyHash, password)
	}
}

// passwordAuth runs USER_PASSWORD_AUTH and its admin twin: resolve the user,
// check state and password, then answer with tokens or a challenge.
func (s *Service) passwordAuth(ctx context.Context, c *clientView, params map[string]string) (*AuthOutput, error) {
	name, pw := params["USERNAME"], params["PASSWORD"]
	if name == "" {
		return nil, errMissingUsername
	}
	if pw == "" {
		return nil, errMissingPassword
	}
	now := s.now()
	u, err := s.signInUser(ctx, now, c, name, pw, params["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, params["SECRET_HASH"], errSecretHashNotReceived, name, u.Username); err != nil {
		return nil, err
	}
	if err := s.signInGate(ctx, now, c.pool.ID, u.Username); err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, u, pw); err != nil {
		return nil, err
	}
	return s.afterPassword(ctx, now, c, u, true)
}

// afterPassword is the tail every password sign-in shares once the password
// is proven, whether in plain text (USER_PASSWORD_AUTH and its admin twin)
// or by SRP (PASSWORD_VERIFIER): the lockout count ends, then the user's
// state decides between an error, the NEW_PASSWORD_REQUIRED challenge and
// tokens. Further challenges after the password (MFA) start here.
func (s *Service) afterPassword(ctx context.Context, now time.Time, c *clientView, u *store.User, initiated bool) (*AuthOutput, error) {
	// The right password resets the lockout count whatever follows. When
	// tokens follow, the reset commits with the new refresh token: one
	// transaction instead of two.
	stateErr := c.signInState(u)
	if stateErr == nil && u.Status != StatusForceChangePassword {
		return s.completeSignIn(ctx, c, u, now, s.signInReset(ctx, c.pool.ID, u.Username), initiated) // MFA or tokens
	}
	if err := s.endLockout(ctx, s.store, c.pool.ID, u.Username); err != nil {
		return nil, err
	}
	if stateErr != nil {
		return nil, stateErr
	}
	if s.temporaryPasswordExpired(c.pool, u, now) {
		return nil, errTempPasswordExpiry
	}
	return s.newPasswordChallenge(c, u, now), nil
}

// signInUser resolves the user signing in. An unknown name may be migrated
// by the pool's UserMigration function (UserMigration_Authentication, with
// the password); otherwise it fails as Cognito does — UserNotFoundException,
// or under PreventUserExistenceErrors=ENABLED the same "Incorrect username
// or password." as a wrong password, after a hash's worth of work.
func (s *Service) signInUser(ctx context.Context, now time.Time, c *clientView, name, pw, hash string) (*store.User, error) {
	u, err := s.findUser(ctx, s.store, c.pool, name)
	if !errors.Is(err, store.ErrNotFound) {
		return u, err
	}
	if err := checkSecretHash(c, hash, errSecretHashNotReceived, name); err != nil {
		return nil, err
	}
	if u, err = s.migrateUser(ctx, now, c, name, &pw, triggers.UserMigrationAuthentication, nil); u != nil || err != nil {
		return u, err
	}
	if !c.doc.preventsExistenceErrors() {
		s.burnHash(ctx, pw)
		return nil, errUserDoesNotExist
	}
	// Under ENABLED an unknown name is locked out exactly like a user, or
	// the lockout would tell who exists.
	if err := s.signInGate(ctx, now, c.pool.ID, unknownSubject(c.pool, name)); err != nil {
		return nil, err
	}
	s.burnHash(ctx, pw)
	return nil, errIncorrectCredentials
}

func (s *Service) checkPassword(ctx context.Context, u *store.User, pw string) error {
	if !u.Enabled {
		return errUserDisabled
	}
	if u.PasswordHash == "" {
		return errIncorrectCredentials
	}
	err := s.hasher.Verify(ctx, u.PasswordHash, pw)
	if errors.Is(err, passhash.ErrMismatch) {
		return errIncorrectCredentials
	}
	return err
}

// signInState refuses users whose status does not allow a session.
func (c *clientView) signInState(u *store.User) error {
	switch u.Status {
	case StatusUnconfirmed:
		return errUserNotConfirmed
	case StatusResetRequired:
		// Under ENABLED, Cognito hides the reset state behind the generic
		// failure (managing-errors doc, spec §6 InitiateAuth).
		if c.doc.preventsExistenceErrors() {
			return errIncorrectCredentials
		}
		return errResetRequired
	}
	return nil
}

func (s *Service) newPasswordChallenge(c *clientView, u *store.User, now time.Time) *AuthOutput {
	attrs := map[string]string{}
	for _, a := range u.Attributes {
		if a.Name != "sub" && a.Name != "email_verified" && a.Name != "phone_number_verified" {
			attrs[a.Name] = a.Value
		}
	}
	ua, _ := json.Marshal(attrs)
	return &AuthOutput{ChallengeName: "NEW_PASSWORD_REQUIRED", Session: s.newSession(c, u.Username, now),
		ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": u.Username, "requiredAttributes": "[]", "userAttributes": string(ua)}}
}

// issue starts a new refresh-token family at now and returns all three
// tokens. with, when set, runs in the transaction that stores the refresh
// token.
func (s *Service) issue(ctx context.Context, c *clientView, u *store.User, now time.Time, with func(tx store.Store) error) (*AuthOutput, error) {
	if c.hosted {
		return s.hostedIssue(ctx, c, u, now, with) // hosted_signin.go
	}
	refresh, sess, err := s.newRefreshToken(ctx, c, u, now, with)
	if err != nil {
		return nil, err
	}
	res, err := s.mintTokens(ctx, c, u, sess, now)
	if err != nil {
		return nil, err
	}
	res.RefreshToken = refresh
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: res}, nil
}

// refreshAuth runs REFRESH_TOKEN_AUTH: new access and id tokens in the same
// family, same auth_time, no new refresh token (Cognito without rotation).
func (s *Service) refreshAuth(ctx context.Context, c *clientView, params map[string]string) (*AuthOutput, error) {
	tok := params["REFRESH_TOKEN"]
	if tok == "" {
		return nil, errMissingRefresh
	}
	now := s.now()
	h := sha256.Sum256([]byte(tok))
	rt, err := s.store.GetRefreshTokenByHash(ctx, h[:])
	if errors.Is(err, store.ErrNotFound) || (err == nil && rt.ClientID != c.ID) {
		return nil, errInvalidRefresh
	}
	if err != nil {
		return nil, err
	}
	switch {
	case rt.Revoked:
		return nil, errRefreshRevoked
	case !now.Before(rt.ExpiresAt):
		return nil, errRefreshExpired
	}
	u, err := s.userByKey(ctx, s.store, c.pool, "username", rt.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errInvalidRefresh
	}
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, params["SECRET_HASH"], errSecretHashNotReceived, params["USERNAME"], u.Username, u.Sub); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	res, err := s.mintTokens(ctx, c, u, familySession(rt), now)
	if err != nil {
		return nil, err
	}
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: res}, nil
}

// temporaryPasswordExpired applies TemporaryPasswordValidityDays to a
// FORCE_CHANGE_PASSWORD user's temporary password (spec §3.3): after it,
// only an administrator can issue a new one.
func (s *Service) temporaryPasswordExpired(pool *poolView, u *store.User, now time.Time) bool {
	ttl := pool.doc.temporaryPasswordTTL()
	if u.PasswordChangedAt.IsZero() || ttl <= 0 {
		return false
	}
	return !now.Before(u.PasswordChangedAt.Add(ttl))
}

// temporaryPasswordTTL is TemporaryPasswordValidityDays as a duration
// (0: no expiry).
func (d *poolDoc) temporaryPasswordTTL() time.Duration {
	return time.Duration(max(d.passwordPolicy().TemporaryPasswordValidityDays, 0)) * 24 * time.Hour
}
