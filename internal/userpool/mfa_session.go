package userpool

import (
	"context"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Challenge sessions are single-use (issue 15): the Session string stays
// stateless and authenticated (challenge_session.go), and answering it
// marks its nonce used with store.Once, in the transaction that applies
// the answer. A second answer — a replay, or the loser of two concurrent
// answers, on any instance — is refused with Cognito's "Invalid session
// for the user, session can only be used once.". A wrong code does not
// use the session up: the user may type it again until the session
// expires, as Amplify's confirmSignIn lets them, and the code-entry limit
// bounds the guesses (UNVERIFIED whether Cognito ends the session on a
// wrong code).

// Session kinds besides the challenge names: the two steps of setting up
// an authenticator inside an MFA_SETUP challenge.
const (
	kindNewPassword   = "NEW_PASSWORD_REQUIRED"
	kindMfaSetup      = "MFA_SETUP"
	kindTotpAssociate = "MFA_SETUP:associated" // from AssociateSoftwareToken, for VerifySoftwareToken
	kindTotpVerified  = "MFA_SETUP:verified"   // from VerifySoftwareToken, for RespondToAuthChallenge MFA_SETUP
)

// kind is the challenge the session answers.
func (cs *challengeSession) kind() string { return firstNonEmpty(cs.Kind, kindNewPassword) }

// useSession marks cs answered through tx.
func useSession(ctx context.Context, tx store.Store, cs *challengeSession) error {
	err := tx.UseOnce(ctx, cs.Pool, "session:"+cs.Nonce, time.UnixMilli(cs.Expires))
	if errors.Is(err, store.ErrConflict) {
		return errSessionUsed
	}
	return err
}

// sessionUsed reports whether cs was answered before, by marking it in a
// transaction that is always rolled back. Only for an answer that failed
// already: it tells a replay from an expired code.
func (s *Service) sessionUsed(ctx context.Context, cs *challengeSession) bool {
	err := s.store.Tx(ctx, func(tx store.Store) error {
		if err := useSession(ctx, tx, cs); err != nil {
			return err
		}
		return errProbe
	})
	return errors.Is(err, errSessionUsed)
}

var errProbe = errors.New("userpool: probe, rolled back")

// openKindSession opens a session of c's that must answer kind.
func (s *Service) openKindSession(c *clientView, tok, kind string, now time.Time) (*challengeSession, error) {
	cs, err := s.openSession(c, tok, now)
	if err != nil {
		return nil, err
	}
	if cs.kind() != kind {
		return nil, errInvalidSession // UNVERIFIED: a session of another challenge
	}
	return cs, nil
}

// openSetupSession opens the session of AssociateSoftwareToken or
// VerifySoftwareToken, which name no client: the session does.
func (s *Service) openSetupSession(ctx context.Context, tok, kind string, now time.Time) (*clientView, *challengeSession, error) {
	cs, err := s.decodeSession(tok, now)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.loadClient(ctx, s.store, cs.Client)
	var e *Error
	if errors.As(err, &e) && e.Code == ResourceNotFound {
		return nil, nil, errInvalidSession // the client or its pool is gone
	}
	if err != nil {
		return nil, nil, err
	}
	cs, err = s.openKindSession(c, tok, kind, now)
	return c, cs, err
}

// sessionUser loads the user a session belongs to, for an answer: a user
// deleted since is an invalid session, a disabled one is refused.
func (s *Service) sessionUser(ctx context.Context, c *clientView, cs *challengeSession) (*store.User, error) {
	u, err := s.userByKey(ctx, s.store, c.pool, "username", cs.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errInvalidSession
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	return u, nil
}
