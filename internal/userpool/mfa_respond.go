package userpool

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Answers to the MFA challenges (RespondToAuthChallenge and
// AdminRespondToAuthChallenge): SMS_MFA (SMS_MFA_CODE), EMAIL_OTP
// (EMAIL_OTP_CODE), SOFTWARE_TOKEN_MFA (SOFTWARE_TOKEN_MFA_CODE),
// SELECT_MFA_TYPE (ANSWER) and MFA_SETUP (the session VerifySoftwareToken
// returned). Every one needs the session of its own challenge and uses it
// up when it succeeds (mfa_session.go).

// isMfaChallenge reports the challenges respondMfa answers.
func isMfaChallenge(name string) bool {
	switch name {
	case mfaSMS, mfaEmail, mfaTOTP, challengeSelectMfa, kindMfaSetup:
		return true
	}
	return false
}

func (s *Service) respondMfa(ctx context.Context, c *clientView, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	r := in.ChallengeResponses
	if r["USERNAME"] == "" {
		return nil, errMissingUsername
	}
	now := s.now()
	kind := in.ChallengeName
	if kind == kindMfaSetup {
		kind = kindTotpVerified // MFA_SETUP is answered with VerifySoftwareToken's session
	}
	cs, err := s.openKindSession(c, in.Session, kind, now)
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, r["SECRET_HASH"], errSecretHashNotReceived, r["USERNAME"], cs.Username); err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, c, cs)
	if err != nil {
		return nil, err
	}
	switch in.ChallengeName {
	case mfaSMS:
		return s.answerCode(ctx, c, cs, u, now, r, "SMS_MFA_CODE")
	case mfaEmail:
		return s.answerCode(ctx, c, cs, u, now, r, "EMAIL_OTP_CODE")
	case mfaTOTP:
		return s.answerTotp(ctx, c, cs, u, now, r["SOFTWARE_TOKEN_MFA_CODE"])
	case challengeSelectMfa:
		return s.answerSelect(ctx, c, cs, u, now, r["ANSWER"])
	}
	return s.answerSetup(ctx, c, cs, u, now)
}

// answerCode checks an SMS or email MFA code: counted against the
// code-entry limit, ExpiredCodeException past its 3 minutes or when none
// is outstanding, CodeMismatchException "Invalid code or auth state for the
// user." (OBS) when wrong or sent for another session.
func (s *Service) answerCode(ctx context.Context, c *clientView, cs *challengeSession, u *store.User, now time.Time, r map[string]string, param string) (*AuthOutput, error) {
	code := r[param]
	if code == "" {
		return nil, errMissingChallengeParam(param)
	}
	cc, err := s.checkCode(ctx, now, c.pool, u, purposeMFA, cs.Nonce, code)
	switch {
	case errors.Is(err, errCodeMismatch):
		return nil, errMfaCodeMismatch
	case errors.Is(err, errExpiredCode) && s.sessionUsed(ctx, cs):
		return nil, errSessionUsed // the code is gone because this session used it
	case err != nil:
		return nil, err
	}
	return s.issue(ctx, c, u, now, func(tx store.Store) error {
		if err := useSession(ctx, tx, cs); err != nil {
			return err
		}
		err := tx.ConsumeCode(ctx, c.pool.ID, u.Username, string(purposeMFA), cc.mac)
		if errors.Is(err, store.ErrNotFound) {
			return errExpiredCode // replaced by a newer sign-in's code meanwhile
		}
		if err != nil {
			return err
		}
		return tx.ClearAttempts(ctx, c.pool.ID, u.Username, attemptKey(attemptConfirm, purposeMFA))
	})
}

// answerTotp checks a code of the user's authenticator: CodeMismatchException
// "Invalid code received for user" when wrong, ExpiredCodeException "Your
// software token has already been used once." for a step used before
// (both OBS).
func (s *Service) answerTotp(ctx context.Context, c *clientView, cs *challengeSession, u *store.User, now time.Time, code string) (*AuthOutput, error) {
	if code == "" {
		return nil, errMissingChallengeParam("SOFTWARE_TOKEN_MFA_CODE")
	}
	m, err := decodeMFA(u)
	if err != nil {
		return nil, err
	}
	if m.Secret == nil {
		return nil, errMfaCodeMismatch // the authenticator was removed since the challenge
	}
	key, err := s.openKey(c.pool.ID, u.Username, m.Secret)
	if err != nil {
		return nil, err
	}
	step, err := s.checkTotp(ctx, now, c.pool, u.Username, key, code, errTotpCodeMismatch)
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, c, u, now, func(tx store.Store) error {
		if err := useSession(ctx, tx, cs); err != nil {
			return err
		}
		return s.useTotpStep(ctx, tx, c.pool.ID, u.Username, step)
	})
}

// answerSelect starts the challenge of the factor chosen, one of those the
// session offered.
func (s *Service) answerSelect(ctx context.Context, c *clientView, cs *challengeSession, u *store.User, now time.Time, answer string) (*AuthOutput, error) {
	if answer == "" {
		return nil, errMissingChallengeParam("ANSWER")
	}
	if !slices.Contains(cs.Choices, answer) {
		return nil, errMfaTypeNotFound
	}
	m, err := decodeMFA(u)
	if err != nil {
		return nil, err
	}
	use := func(tx store.Store) error { return useSession(ctx, tx, cs) }
	return s.startMfa(ctx, c, u, m, now, &mfaStep{challenge: answer}, use, false)
}

// answerSetup completes MFA_SETUP after VerifySoftwareToken: the new
// authenticator is turned on, and preferred when nothing else is, and
// tokens are issued.
func (s *Service) answerSetup(ctx context.Context, c *clientView, cs *challengeSession, u *store.User, now time.Time) (*AuthOutput, error) {
	return s.issue(ctx, c, u, now, func(tx store.Store) error {
		if err := useSession(ctx, tx, cs); err != nil {
			return err
		}
		fresh, err := s.userByKey(ctx, tx, c.pool, "username", u.Username)
		if err != nil {
			return err
		}
		m, err := decodeMFA(fresh)
		if err != nil {
			return err
		}
		if m.Secret == nil {
			return errInvalidSession // UNVERIFIED: the authenticator was removed meanwhile
		}
		m.TOTP = true
		if m.Preferred == "" {
			m.Preferred = mfaTOTP
		}
		m.store(fresh)
		fresh.UpdatedAt = now
		return s.saveUser(ctx, tx, c.pool, fresh, false, false)
	})
}
