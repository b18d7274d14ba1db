package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/totp"
)

// AssociateSoftwareTokenInput is the AssociateSoftwareToken request: a
// signed-in user's AccessToken, or the Session of an MFA_SETUP challenge.
type AssociateSoftwareTokenInput struct {
	AccessToken string `json:"AccessToken"`
	Session     string `json:"Session"`
}

// AssociateSoftwareTokenOutput is the AssociateSoftwareToken response.
type AssociateSoftwareTokenOutput struct {
	SecretCode string `json:"SecretCode"`
	Session    string `json:"Session,omitempty"`
}

// VerifySoftwareTokenInput is the VerifySoftwareToken request.
type VerifySoftwareTokenInput struct {
	AccessToken        string `json:"AccessToken"`
	Session            string `json:"Session"`
	UserCode           string `json:"UserCode"`
	FriendlyDeviceName string `json:"FriendlyDeviceName"`
}

// VerifySoftwareTokenOutput is the VerifySoftwareToken response.
type VerifySoftwareTokenOutput struct {
	Status  string `json:"Status"`
	Session string `json:"Session,omitempty"`
}

// totpKeySize is the length of a TOTP key: 32 bytes make Cognito's
// 52-character SecretCode.
const totpKeySize = 32

// setupSubject is who AssociateSoftwareToken or VerifySoftwareToken acts
// for: a signed-in user (AccessToken), or the user of a setup session.
type setupSubject struct {
	pool     *poolView
	username string
	client   *clientView       // session form only
	session  *challengeSession // session form only
}

// setupSubject resolves the AccessToken or the Session (exactly one), in
// a pool that offers software token MFA (SoftwareTokenMFANotFoundException
// otherwise, DOC).
func (s *Service) setupSubject(ctx context.Context, now time.Time, accessToken, session, kind string) (*setupSubject, error) {
	if (accessToken == "") == (session == "") {
		return nil, errTokenOrSession
	}
	sub := &setupSubject{}
	if accessToken != "" {
		a, err := s.verifyAccessToken(ctx, now, accessToken)
		if err != nil {
			return nil, err
		}
		sub.pool, sub.username = a.pool, a.user.Username
	} else {
		c, cs, err := s.openSetupSession(ctx, session, kind, now)
		if err != nil {
			return nil, err
		}
		sub.pool, sub.username, sub.client, sub.session = c.pool, cs.Username, c, cs
	}
	if !sub.pool.doc.totpMfaOn() {
		return nil, errTotpPoolOff
	}
	return sub, nil
}

// AssociateSoftwareToken gives the user a new TOTP key (SecretCode), to be
// proven with VerifySoftwareToken before it counts; an authenticator
// verified earlier keeps working until then. In the session form, the
// MFA_SETUP session is used up and a new one returned.
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *AssociateSoftwareTokenInput) (*AssociateSoftwareTokenOutput, error) {
	now := s.now()
	sub, err := s.setupSubject(ctx, now, in.AccessToken, in.Session, kindMfaSetup)
	if err != nil {
		return nil, err
	}
	key := randomBytes(totpKeySize)
	sealed := s.sealKey(sub.pool.ID, sub.username, key)
	err = s.mutateMFA(ctx, now, sub.pool.ID, sub.username, sub.session, func(_ store.Store, _ *store.User, m *userMFA) error {
		m.Pending = sealed
		return nil
	})
	if err != nil {
		return nil, sessionUserGone(err, sub)
	}
	out := &AssociateSoftwareTokenOutput{SecretCode: totp.Encode(key)}
	if sub.session != nil {
		out.Session, _ = s.sealSession(sub.client, sub.username, kindTotpAssociate, nil, now)
	}
	return out, nil
}

// VerifySoftwareToken proves the key AssociateSoftwareToken gave with a
// code from it: the key becomes the user's authenticator ("verified"),
// FriendlyDeviceName its name. A wrong code is Cognito's
// EnableSoftwareTokenMFAException (OBS); each try counts against the
// code-entry limit; a code is accepted once per step, here and in sign-in
// alike. In the session form the session is used up and a new one
// returned, which answers the MFA_SETUP challenge.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *VerifySoftwareTokenInput) (*VerifySoftwareTokenOutput, error) {
	now := s.now()
	sub, err := s.setupSubject(ctx, now, in.AccessToken, in.Session, kindTotpAssociate)
	if err != nil {
		return nil, err
	}
	u, err := s.userByKey(ctx, s.store, sub.pool, "username", sub.username)
	if err != nil {
		return nil, sessionUserGone(err, sub)
	}
	m, err := decodeMFA(u)
	if err != nil {
		return nil, err
	}
	if m.Pending == nil {
		return nil, errTotpNotAssociated
	}
	key, err := s.openKey(sub.pool.ID, u.Username, m.Pending)
	if err != nil {
		return nil, err
	}
	step, err := s.checkTotp(ctx, now, sub.pool, u.Username, key, in.UserCode, errTotpVerifyMismatch)
	if err != nil {
		return nil, err
	}
	err = s.mutateMFA(ctx, now, sub.pool.ID, u.Username, sub.session, func(tx store.Store, u *store.User, fresh *userMFA) error {
		if string(fresh.Pending) != string(m.Pending) {
			return errTotpNotAssociated // associated again meanwhile: this code proves an old key
		}
		fresh.Secret, fresh.Pending, fresh.Device = fresh.Pending, nil, in.FriendlyDeviceName
		return s.useTotpStep(ctx, tx, sub.pool.ID, u.Username, step)
	})
	if err != nil {
		return nil, sessionUserGone(err, sub)
	}
	out := &VerifySoftwareTokenOutput{Status: "SUCCESS"}
	if sub.session != nil {
		out.Session, _ = s.sealSession(sub.client, sub.username, kindTotpVerified, nil, now)
	}
	return out, nil
}

// sessionUserGone maps a user deleted since the session was issued to an
// invalid session; for an access token the user is checked already.
func sessionUserGone(err error, sub *setupSubject) error {
	if sub.session != nil && (errors.Is(err, errUserDoesNotExist) || errors.Is(err, store.ErrNotFound)) {
		return errInvalidSession
	}
	return err
}

// checkTotp counts one code entry of username and checks code against key
// at now (±1 step), answering mismatch for a wrong code; it returns the
// step the code belongs to.
func (s *Service) checkTotp(ctx context.Context, now time.Time, pool *poolView, username string, key []byte, code string, mismatch error) (uint64, error) {
	if err := s.takeAttempt(ctx, now, pool.ID, username, attemptConfirm, purposeMFA); err != nil {
		return 0, err
	}
	step, ok := totp.Verify(key, code, now)
	if !ok {
		return 0, mismatch
	}
	return step, nil
}

// useTotpStep marks step used for username through tx, so that no code of
// that step is accepted again (Cognito: "Your software token has already
// been used once.", OBS), and clears the user's code-entry count: the
// right code was entered. The mark lasts until the step can no longer be
// accepted (one step after it ends).
func (s *Service) useTotpStep(ctx context.Context, tx store.Store, poolID, username string, step uint64) error {
	sum := sha256.Sum256([]byte(username))
	mark := "totp:" + base64.RawURLEncoding.EncodeToString(sum[:16]) + ":" + strconv.FormatUint(step, 10)
	err := tx.UseOnce(ctx, poolID, mark, totp.StepEnd(step+1))
	if errors.Is(err, store.ErrConflict) {
		return errTokenUsedOnce
	}
	if err != nil {
		return err
	}
	return tx.ClearAttempts(ctx, poolID, username, attemptKey(attemptConfirm, purposeMFA))
}
