package userpool

import (
	"context"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// MfaSettingsType is SMSMfaSettings, SoftwareTokenMfaSettings and
// EmailMfaSettings: turn a factor on or off, and prefer it or not.
type MfaSettingsType struct {
	Enabled      bool `json:"Enabled"`
	PreferredMfa bool `json:"PreferredMfa"`
}

// SetUserMFAPreferenceInput is the SetUserMFAPreference request.
// WebAuthnMfaSettings is accepted and not used: passkeys are not
// implemented.
type SetUserMFAPreferenceInput struct {
	SMSMfaSettings           *MfaSettingsType `json:"SMSMfaSettings"`
	SoftwareTokenMfaSettings *MfaSettingsType `json:"SoftwareTokenMfaSettings"`
	EmailMfaSettings         *MfaSettingsType `json:"EmailMfaSettings"`
	AccessToken              string           `json:"AccessToken"`
}

// AdminSetUserMFAPreferenceInput is the AdminSetUserMFAPreference request.
type AdminSetUserMFAPreferenceInput struct {
	SMSMfaSettings           *MfaSettingsType `json:"SMSMfaSettings"`
	SoftwareTokenMfaSettings *MfaSettingsType `json:"SoftwareTokenMfaSettings"`
	EmailMfaSettings         *MfaSettingsType `json:"EmailMfaSettings"`
	UserPoolId               string           `json:"UserPoolId"`
	Username                 string           `json:"Username"`
}

// mfaPreference is one factor's part of a request.
type mfaPreference struct {
	factor string
	set    *MfaSettingsType
}

// SetUserMFAPreference sets the signed-in user's MFA factors.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *SetUserMFAPreferenceInput) (*Empty, error) {
	now := s.now()
	a, err := s.verifyAccessToken(ctx, now, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, now, a.pool.ID, a.user.Username,
		[]mfaPreference{{mfaSMS, in.SMSMfaSettings}, {mfaTOTP, in.SoftwareTokenMfaSettings}, {mfaEmail, in.EmailMfaSettings}})
}

// AdminSetUserMFAPreference sets a user's MFA factors as an administrator.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *AdminSetUserMFAPreferenceInput) (*Empty, error) {
	return s.setMFAPreference(ctx, s.now(), in.UserPoolId, in.Username,
		[]mfaPreference{{mfaSMS, in.SMSMfaSettings}, {mfaTOTP, in.SoftwareTokenMfaSettings}, {mfaEmail, in.EmailMfaSettings}})
}

// setMFAPreference applies prefs to the user named name, in one
// transaction. A factor left out of the request keeps its setting; one
// turned on needs where to deliver it — a phone number for SMS, an email
// address for email, a verified authenticator for TOTP — or Cognito's
// "User does not have delivery config set to turn on <factor>" (OBS). A
// factor turned off, or not preferred any more, loses the preference;
// one preferred must be on, and only one may be (both UNVERIFIED texts).
func (s *Service) setMFAPreference(ctx context.Context, now time.Time, poolID, name string, prefs []mfaPreference) (*Empty, error) {
	preferred := 0
	for _, p := range prefs {
		if p.set == nil {
			continue
		}
		if p.set.PreferredMfa && !p.set.Enabled {
			return nil, errPreferredOff
		}
		if p.set.PreferredMfa {
			preferred++
		}
	}
	if preferred > 1 {
		return nil, errTwoPreferred
	}
	err := s.mutateMFA(ctx, now, poolID, name, nil, func(_ store.Store, u *store.User, m *userMFA) error {
		for _, p := range prefs {
			if p.set == nil {
				continue
			}
			if err := m.apply(u, p.factor, *p.set); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// apply sets one factor of m for user u.
func (m *userMFA) apply(u *store.User, factor string, set MfaSettingsType) error {
	on := m.flag(factor)
	if set.Enabled && !*on {
		switch {
		case factor == mfaSMS && attrValue(u.Attributes, "phone_number") == "":
			return errNoSmsDelivery
		case factor == mfaEmail && attrValue(u.Attributes, "email") == "":
			return errNoEmailDelivery
		case factor == mfaTOTP && m.Secret == nil:
			return errNoTotpDelivery
		}
	}
	*on = set.Enabled
	switch {
	case set.PreferredMfa:
		m.Preferred = factor
	case m.Preferred == factor:
		m.Preferred = ""
	}
	return nil
}

// flag is the Enabled switch of factor.
func (m *userMFA) flag(factor string) *bool {
	switch factor {
	case mfaSMS:
		return &m.SMS
	case mfaTOTP:
		return &m.TOTP
	}
	return &m.Email
}
