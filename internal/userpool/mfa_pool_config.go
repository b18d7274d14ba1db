package userpool

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// Pool MFA configuration: SetUserPoolMfaConfig, GetUserPoolMfaConfig, and
// the MfaConfiguration member of CreateUserPool / UpdateUserPool, kept
// consistent in one document (issue 15 item 2, issue 16).
//
// What is stored where:
//   - MfaConfiguration, SmsAuthenticationMessage and SmsConfiguration are
//     members of the pool's settings (DescribeUserPool shows them), shared
//     by SMS MFA and SMS verification as on Cognito;
//   - the software token, email and WebAuthn configurations live in the
//     pool document's "Mfa" member, which DescribeUserPool does not show
//     (its UserPoolType has no such members).
//
// SMS MFA has no flag of its own: it is on exactly when MFA is ON or
// OPTIONAL and the pool has an SmsConfiguration. SetUserPoolMfaConfig
// keeps that true — SMS MFA cannot be left out while the pool has an
// SmsConfiguration (OBS, "Can't turn off SMS_MFA ...") — and so do
// CreateUserPool and UpdateUserPool, whose MfaConfiguration ON/OPTIONAL
// turns SMS MFA on with the pool's SmsConfiguration.

// poolMFA is the part of the MFA configuration DescribeUserPool does not show.
type poolMFA struct {
	SoftwareToken *SoftwareTokenMfaConfigType `json:"SoftwareToken,omitempty"`
	Email         *EmailMfaConfigType         `json:"Email,omitempty"`
	WebAuthn      json.RawMessage             `json:"WebAuthn,omitempty"`
}

// SmsMfaConfigType is the SMS MFA configuration.
type SmsMfaConfigType struct {
	SmsAuthenticationMessage string          `json:"SmsAuthenticationMessage,omitempty"`
	SmsConfiguration         json.RawMessage `json:"SmsConfiguration,omitempty"`
}

// SoftwareTokenMfaConfigType turns TOTP MFA on or off.
type SoftwareTokenMfaConfigType struct {
	Enabled bool `json:"Enabled"`
}

// EmailMfaConfigType is the email MFA message.
type EmailMfaConfigType struct {
	Message string `json:"Message,omitempty"`
	Subject string `json:"Subject,omitempty"`
}

// SetUserPoolMfaConfigInput is the SetUserPoolMfaConfig request: the
// pool, and the configuration in the shape both operations answer with.
type SetUserPoolMfaConfigInput struct {
	UserPoolId string `json:"UserPoolId"`
	UserPoolMfaConfig
}

// UserPoolMfaConfig is the response of both SetUserPoolMfaConfig and
// GetUserPoolMfaConfig: factors not configured are left out, as the
// Terraform provider expects (a block it reads back that was never set
// would be drift).
type UserPoolMfaConfig struct {
	SmsMfaConfiguration           *SmsMfaConfigType           `json:"SmsMfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfigType `json:"SoftwareTokenMfaConfiguration,omitempty"`
	EmailMfaConfiguration         *EmailMfaConfigType         `json:"EmailMfaConfiguration,omitempty"`
	MfaConfiguration              string                      `json:"MfaConfiguration"`
	WebAuthnConfiguration         json.RawMessage             `json:"WebAuthnConfiguration,omitempty"`
}

// GetUserPoolMfaConfigInput is the GetUserPoolMfaConfig request.
type GetUserPoolMfaConfigInput struct {
	UserPoolId string `json:"UserPoolId"`
}

// GetUserPoolMfaConfig answers for every pool, including pools created
// before this operation existed and without any MFA setting (OFF).
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *GetUserPoolMfaConfigInput) (*UserPoolMfaConfig, error) {
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return p.doc.mfaConfig(), nil
}

// SetUserPoolMfaConfig replaces the pool's MFA configuration as a whole:
// an omitted MfaConfiguration is OFF and an omitted factor is turned off
// (OBS: the request is a full replace, aws-sdk-js#4186, cdkd#1923).
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *SetUserPoolMfaConfigInput) (*UserPoolMfaConfig, error) {
	var out *UserPoolMfaConfig
	err := s.store.Tx(ctx, func(tx store.Store) error {
		p, err := s.loadPool(ctx, tx, in.UserPoolId)
		if err != nil {
			return err
		}
		doc := *p.doc // a shallow copy: cached documents are never modified
		if err := doc.setMfa(in); err != nil {
			return err
		}
		cfg, err := json.Marshal(&doc)
		if err != nil {
			return err
		}
		rec := *p.rec
		rec.Config, rec.UpdatedAt = cfg, s.now()
		out = doc.mfaConfig()
		return tx.UpdatePool(ctx, &rec)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errPoolNotFound(in.UserPoolId)
	}
	return out, err
}

// setMfa applies a SetUserPoolMfaConfig request to d, in Cognito's order
// of checks: the SMS configuration first (whatever the mode, OBS floci
// #2831), then the mode against the factors.
func (d *poolDoc) setMfa(in *SetUserPoolMfaConfigInput) error {
	mode := firstNonEmpty(in.MfaConfiguration, mfaOff)
	sms := in.SmsMfaConfiguration
	smsConfig := d.SmsConfiguration
	if sms != nil && len(sms.SmsConfiguration) > 0 {
		smsConfig = sms.SmsConfiguration
	}
	if sms != nil && len(smsConfig) == 0 {
		return errSmsMfaConfig
	}
	totp := in.SoftwareTokenMfaConfiguration != nil && in.SoftwareTokenMfaConfiguration.Enabled
	email := in.EmailMfaConfiguration != nil
	switch {
	case mode == mfaOff && (sms != nil || totp || email):
		return errMfaOffWithFactor
	case mode != mfaOff && sms == nil && !totp && !email:
		return errMfaNoFactor
	case mode != mfaOff && sms == nil && len(d.SmsConfiguration) > 0:
		return errSmsMfaRequired
	case email && !d.developerEmail():
		return errEmailMfaDeveloper
	}
	d.MfaConfiguration = mode
	if sms != nil {
		d.SmsConfiguration = smsConfig
		if sms.SmsAuthenticationMessage != "" {
			d.SmsAuthenticationMessage = sms.SmsAuthenticationMessage
		}
	}
	d.MFA = &poolMFA{SoftwareToken: in.SoftwareTokenMfaConfiguration, Email: in.EmailMfaConfiguration,
		WebAuthn: in.WebAuthnConfiguration}
	if mode == mfaOff {
		d.MFA.SoftwareToken = nil // an {Enabled: false} block under OFF configures nothing
	}
	return nil
}

// settleMfa applies CreateUserPool's or UpdateUserPool's MfaConfiguration
// (OFF once defaulted) to d, whose earlier MFA document was prev (nil for
// a new pool). ON and OPTIONAL need a factor: the pool's SmsConfiguration
// (which turns SMS MFA on), or software token or email MFA set earlier
// through SetUserPoolMfaConfig (OBS: "SMS configuration and Auto
// verification for phone_number are required when MFA is
// required/optional" when there is none). OFF turns every factor off, so
// that GetUserPoolMfaConfig never shows a factor under OFF; a WebAuthn
// configuration, not an MFA factor, stays.
func (d *poolDoc) settleMfa(prev *poolMFA) error {
	var keep poolMFA
	if prev != nil {
		keep = *prev
	}
	if d.MfaConfiguration == mfaOff {
		keep.SoftwareToken, keep.Email = nil, nil
	} else if len(d.SmsConfiguration) == 0 && !keep.totpOn() && keep.Email == nil {
		return errMfaNeedsSms
	}
	d.MFA = nil
	if keep.SoftwareToken != nil || keep.Email != nil || len(keep.WebAuthn) > 0 {
		d.MFA = &keep
	}
	return nil
}

func (m *poolMFA) totpOn() bool { return m != nil && m.SoftwareToken != nil && m.SoftwareToken.Enabled }

// MfaConfiguration values.
const (
	mfaOff      = "OFF"
	mfaOn       = "ON"
	mfaOptional = "OPTIONAL"
)

// mfaConfig is the pool's MFA configuration as the API reports it.
func (d *poolDoc) mfaConfig() *UserPoolMfaConfig {
	out := &UserPoolMfaConfig{MfaConfiguration: firstNonEmpty(d.MfaConfiguration, mfaOff)}
	if d.smsMfaOn() {
		out.SmsMfaConfiguration = &SmsMfaConfigType{SmsAuthenticationMessage: d.SmsAuthenticationMessage,
			SmsConfiguration: d.SmsConfiguration}
	}
	if m := d.MFA; m != nil {
		out.SoftwareTokenMfaConfiguration, out.EmailMfaConfiguration, out.WebAuthnConfiguration = m.SoftwareToken, m.Email, m.WebAuthn
	}
	return out
}

// mfaMode is MfaConfiguration, OFF when unset (pools created before it
// was defaulted).
func (d *poolDoc) mfaMode() string { return firstNonEmpty(d.MfaConfiguration, mfaOff) }

// The factors the pool offers.
func (d *poolDoc) smsMfaOn() bool  { return d.mfaMode() != mfaOff && len(d.SmsConfiguration) > 0 }
func (d *poolDoc) totpMfaOn() bool { return d.mfaMode() != mfaOff && d.MFA.totpOn() }
func (d *poolDoc) emailMfaOn() bool {
	return d.mfaMode() != mfaOff && d.MFA != nil && d.MFA.Email != nil
}

// developerEmail reports an EmailConfiguration that sends through the
// developer's own SES identity: email MFA needs one (DOC: email MFA
// requires EmailSendingAccount DEVELOPER).
func (d *poolDoc) developerEmail() bool {
	var ec struct {
		EmailSendingAccount string `json:"EmailSendingAccount"`
	}
	if len(d.EmailConfiguration) > 0 {
		_ = json.Unmarshal(d.EmailConfiguration, &ec) // validated by the model on the way in
	}
	return ec.EmailSendingAccount == "DEVELOPER"
}
