package userpool

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// userMFA is a user's MFA settings, stored as store.User.MFA: which
// factors the user turned on (SetUserMFAPreference), which one is
// preferred, and the TOTP key.
//
// The TOTP key is the one secret here that lives long and that a copy of
// the database must not give away: whoever has it generates the user's
// codes forever. It is stored sealed (AES-256-GCM) under a key derived
// from the service's code key — the key code HMACs are made with, which
// --secret-key-file keeps outside the database. With that flag a database
// dump alone yields no TOTP key (nor any code). Without it the code key is
// generated once and kept in the database's settings, like the session
// key, and sealing only keeps the keys out of plain sight (logs, a
// careless SELECT); the README says so. The seal is bound to the pool and
// the username, so a key copied onto another user's row does not open.
// Changing --secret-key-file makes sealed keys unreadable: the users must
// associate an authenticator again (AdminSetUserMFAPreference can turn
// their TOTP off meanwhile); a TOTP challenge for them fails closed.
type userMFA struct {
	SMS       bool   `json:"sms,omitempty"`       // SMSMfaSettings.Enabled
	TOTP      bool   `json:"totp,omitempty"`      // SoftwareTokenMfaSettings.Enabled
	Email     bool   `json:"email,omitempty"`     // EmailMfaSettings.Enabled
	Preferred string `json:"preferred,omitempty"` // one of the mfa* factor names
	Secret    []byte `json:"secret,omitempty"`    // the verified TOTP key, sealed
	Pending   []byte `json:"pending,omitempty"`   // associated, not yet verified, sealed
	Device    string `json:"device,omitempty"`    // VerifySoftwareToken's FriendlyDeviceName
}

// Factor names, as UserMFASettingList, PreferredMfaSetting and the
// challenges name them.
const (
	mfaSMS   = "SMS_MFA"
	mfaTOTP  = "SOFTWARE_TOKEN_MFA"
	mfaEmail = "EMAIL_OTP"
)

// decodeMFA reads u's MFA document; a user without one has no MFA.
func decodeMFA(u *store.User) (*userMFA, error) {
	m := &userMFA{}
	if len(u.MFA) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(u.MFA, m); err != nil {
		return nil, fmt.Errorf("user %s: corrupt MFA document: %w", u.Username, err)
	}
	return m, nil
}

// store writes m back onto u (nil when m holds nothing).
func (m *userMFA) store(u *store.User) {
	if !m.SMS && !m.TOTP && !m.Email && m.Preferred == "" && m.Secret == nil && m.Pending == nil && m.Device == "" {
		u.MFA = nil
		return
	}
	u.MFA, _ = json.Marshal(m) // a struct of strings, bools and bytes always marshals
}

// mutateMFA changes the MFA document of the user named name in one
// transaction: session, when set, is used up in it (a setup step), fn
// changes the document, and the user is saved with it.
func (s *Service) mutateMFA(ctx context.Context, now time.Time, poolID, name string, session *challengeSession, fn func(tx store.Store, u *store.User, m *userMFA) error) error {
	_, err := s.mutateUserAt(ctx, now, poolID, name, func(tx store.Store, _ *poolView, u *store.User) error {
		if session != nil {
			if err := useSession(ctx, tx, session); err != nil {
				return err
			}
		}
		m, err := decodeMFA(u)
		if err != nil {
			return err
		}
		if err := fn(tx, u, m); err != nil {
			return err
		}
		m.store(u)
		return nil
	})
	return err
}

// enabled lists the factors the user turned on, in Cognito's order.
func (m *userMFA) enabled() []string {
	var out []string
	for _, f := range []struct {
		on   bool
		name string
	}{{m.SMS, mfaSMS}, {m.TOTP, mfaTOTP}, {m.Email, mfaEmail}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// MFAOptionType is the legacy MFA description AdminGetUser and GetUser
// still return: only SMS, by phone_number.
type MFAOptionType struct {
	DeliveryMedium string `json:"DeliveryMedium"`
	AttributeName  string `json:"AttributeName"`
}

// userMFAView is what GetUser and AdminGetUser report of a user's MFA:
// nothing for a user without any (the members are omitted, as Cognito
// omits them).
type userMFAView struct {
	MFAOptions          []MFAOptionType `json:"MFAOptions,omitempty"`
	PreferredMfaSetting string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList  []string        `json:"UserMFASettingList,omitempty"`
}

func mfaView(u *store.User) (userMFAView, error) {
	m, err := decodeMFA(u)
	if err != nil {
		return userMFAView{}, err
	}
	v := userMFAView{PreferredMfaSetting: m.Preferred, UserMFASettingList: m.enabled()}
	if m.SMS {
		// UNVERIFIED that today's Cognito still fills the legacy member.
		v.MFAOptions = []MFAOptionType{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}
	}
	return v, nil
}

// totpAEAD is the cipher TOTP keys are sealed with: AES-256-GCM under a
// key derived from the code key for this one use.
func (s *Service) totpAEAD() cipher.AEAD {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte("userpool totp key seal v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always a valid AES key
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

func sealAAD(poolID, username string) []byte { return []byte(poolID + "\x00" + username) }

// sealKey seals a TOTP key for one user: a version byte, the nonce, and
// the ciphertext with its tag.
func (s *Service) sealKey(poolID, username string, key []byte) []byte {
	aead := s.totpAEAD()
	nonce := randomBytes(aead.NonceSize())
	out := append([]byte{1}, nonce...)
	return aead.Seal(out, nonce, key, sealAAD(poolID, username))
}

var errSealedKey = errors.New("userpool: a sealed TOTP key does not open (was --secret-key-file changed?)")

// openKey opens what sealKey sealed for the same user.
func (s *Service) openKey(poolID, username string, sealed []byte) ([]byte, error) {
	aead := s.totpAEAD()
	n := aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != 1 {
		return nil, errSealedKey
	}
	key, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], sealAAD(poolID, username))
	if err != nil {
		return nil, errSealedKey
	}
	return key, nil
}
