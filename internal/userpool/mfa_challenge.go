package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// MFA after the password (issue 15 item 2). completeSignIn is the tail of
// every sign-in whose password (or new password) is proven: tokens, or the
// MFA challenge the pool and the user call for.
//
// Which challenge (the pool's MfaConfiguration, the factors it offers, the
// factors the user turned on, DOC "Adding MFA to a user pool"):
//   - OFF: none.
//   - The user's active factors: SMS_MFA (turned on, pool offers SMS, a
//     phone_number), SOFTWARE_TOKEN_MFA (a verified authenticator, pool
//     offers TOTP, turned on — or MFA ON, where every sign-in needs a
//     factor), EMAIL_OTP (turned on, pool offers email MFA, an email).
//   - Under ON, a user who turned nothing on is asked by SMS, else by
//     email, when the pool offers it and the user has the address (DOC:
//     "to set up SMS or email MFA, collect a phone_number or email
//     attribute for the user. Then restart the authentication flow");
//     otherwise MFA_SETUP, listing the factors the pool offers in
//     MFAS_CAN_SETUP.
//   - Under OPTIONAL, a user without active factors gets tokens.
//   - One active factor is asked for; several: the preferred one, or
//     SELECT_MFA_TYPE with MFAS_CAN_CHOOSE.
//
// Challenge parameters follow what Cognito sends (OBS: AWS CLI and
// developer guide examples, amazon-cognito-identity-js#236, Amplify v6's
// reading of them): CODE_DELIVERY_DELIVERY_MEDIUM and the masked
// CODE_DELIVERY_DESTINATION for SMS and email codes, FRIENDLY_DEVICE_NAME
// for TOTP when the authenticator was named, JSON lists in MFAS_CAN_CHOOSE
// and MFAS_CAN_SETUP. USER_ID_FOR_SRP is added to challenges InitiateAuth
// returns, not to those RespondToAuthChallenge returns: that is how the
// published examples differ (UNVERIFIED as a rule).

// challengeSelectMfa is the challenge that lets the user pick a factor.
const challengeSelectMfa = "SELECT_MFA_TYPE"

// mfaStep is the MFA challenge a sign-in owes.
type mfaStep struct {
	challenge string
	choices   []string // MFAS_CAN_CHOOSE or MFAS_CAN_SETUP
}

// completeSignIn issues tokens or starts the MFA challenge u owes. with,
// when set, runs in the transaction that stores the refresh token, or the
// one that starts the challenge. initiated says the caller answers
// InitiateAuth or AdminInitiateAuth (see USER_ID_FOR_SRP above).
func (s *Service) completeSignIn(ctx context.Context, c *clientView, u *store.User, now time.Time, with func(store.Store) error, initiated bool) (*AuthOutput, error) {
	m, err := decodeMFA(u)
	if err != nil {
		return nil, err
	}
	step := c.pool.doc.mfaStep(u, m)
	if step == nil {
		return s.issue(ctx, c, u, now, with)
	}
	return s.startMfa(ctx, c, u, m, now, step, with, initiated)
}

// activeFactors lists the factors that ask u for a code at sign-in, the
// implicit ones of an ON pool included.
func (d *poolDoc) activeFactors(u *store.User, m *userMFA) []string {
	mode := d.mfaMode()
	if mode == mfaOff {
		return nil
	}
	phone, email := attrValue(u.Attributes, "phone_number") != "", attrValue(u.Attributes, "email") != ""
	var active []string
	if m.SMS && d.smsMfaOn() && phone {
		active = append(active, mfaSMS)
	}
	if d.totpMfaOn() && m.Secret != nil && (m.TOTP || mode == mfaOn) {
		active = append(active, mfaTOTP)
	}
	if m.Email && d.emailMfaOn() && email {
		active = append(active, mfaEmail)
	}
	switch {
	case len(active) > 0 || mode != mfaOn:
	case d.smsMfaOn() && phone:
		active = []string{mfaSMS} // SMS first, as before email MFA existed (UNVERIFIED order)
	case d.emailMfaOn() && email:
		active = []string{mfaEmail}
	}
	return active
}

// mfaStep decides the challenge (nil: none).
func (d *poolDoc) mfaStep(u *store.User, m *userMFA) *mfaStep {
	active := d.activeFactors(u, m)
	switch {
	case len(active) == 0 && d.mfaMode() == mfaOn:
		return &mfaStep{challenge: kindMfaSetup, choices: d.offeredFactors()}
	case len(active) == 0:
		return nil
	case len(active) == 1:
		return &mfaStep{challenge: active[0]}
	case slices.Contains(active, m.Preferred):
		return &mfaStep{challenge: m.Preferred}
	}
	return &mfaStep{challenge: challengeSelectMfa, choices: active}
}

// offeredFactors lists the factors the pool offers.
func (d *poolDoc) offeredFactors() []string {
	var out []string
	for _, f := range []struct {
		on   bool
		name string
	}{{d.smsMfaOn(), mfaSMS}, {d.totpMfaOn(), mfaTOTP}, {d.emailMfaOn(), mfaEmail}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// startMfa answers with step's challenge and a session for it; for SMS
// and email it sends the code first.
func (s *Service) startMfa(ctx context.Context, c *clientView, u *store.User, m *userMFA, now time.Time, step *mfaStep, with func(store.Store) error, initiated bool) (*AuthOutput, error) {
	var out *AuthOutput
	var err error
	if step.challenge == mfaSMS || step.challenge == mfaEmail {
		out, err = s.sendMfaCode(ctx, c, u, now, step.challenge, with)
	} else {
		out, err = s.quietChallenge(ctx, c, u, m, now, step, with)
	}
	if err != nil {
		return nil, err
	}
	if initiated {
		out.ChallengeParameters["USER_ID_FOR_SRP"] = u.Username
	}
	return out, nil
}

// quietChallenge starts a challenge that sends nothing: SOFTWARE_TOKEN_MFA,
// SELECT_MFA_TYPE, MFA_SETUP.
func (s *Service) quietChallenge(ctx context.Context, c *clientView, u *store.User, m *userMFA, now time.Time, step *mfaStep, with func(store.Store) error) (*AuthOutput, error) {
	if with != nil {
		if err := s.store.Tx(ctx, with); err != nil {
			return nil, err
		}
	}
	tok, _ := s.sealSession(c, u.Username, step.challenge, step.choices, now)
	params := map[string]string{}
	switch step.challenge {
	case mfaTOTP:
		if m.Device != "" {
			params["FRIENDLY_DEVICE_NAME"] = m.Device
		}
	case challengeSelectMfa:
		params["MFAS_CAN_CHOOSE"] = jsonList(step.choices)
	case kindMfaSetup:
		params["MFAS_CAN_SETUP"] = jsonList(step.choices)
	}
	return &AuthOutput{ChallengeName: step.challenge, Session: tok, ChallengeParameters: params}, nil
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v) // a string slice always marshals
	return string(b)
}

// sendMfaCode sends an SMS or email MFA code through the outbox (purpose
// MFA, so the development inbox shows it) and answers with the challenge.
// The code lives 3 minutes (DOC), is stored only as an HMAC, and is bound
// to the session it was sent for: it answers no other.
func (s *Service) sendMfaCode(ctx context.Context, c *clientView, u *store.User, now time.Time, factor string, with func(store.Store) error) (*AuthOutput, error) {
	t := phoneTarget(attrValue(u.Attributes, "phone_number"))
	if factor == mfaEmail {
		t = emailTarget(attrValue(u.Attributes, "email"))
	}
	tok, cs := s.sealSession(c, u.Username, factor, nil, now)
	o := c.pool.doc.mfaMessage(t)
	err := s.store.Tx(ctx, func(tx store.Store) error {
		if with != nil {
			if err := with(tx); err != nil {
				return err
			}
		}
		return s.queueBoundCode(ctx, tx, now, c.pool, u, purposeMFA, kindMFA, o, cs.Nonce)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserDoesNotExist // deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	s.queued(t.medium)
	d := t.details()
	return &AuthOutput{ChallengeName: factor, Session: tok, ChallengeParameters: map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": d.DeliveryMedium, "CODE_DELIVERY_DESTINATION": d.Destination}}, nil
}

// Default MFA messages. SMS: the SmsAuthenticationMessage DescribeUserPool
// shows for pools that set none (AWS CLI example); email: UNVERIFIED.
const (
	defaultAuthenticationMessage = "Your authentication code is {####}. "
	defaultAuthenticationSubject = "Your authentication code"
)

// mfaMessage is the message an MFA code to t goes in.
func (d *poolDoc) mfaMessage(t target) outgoing {
	if t.medium == "SMS" {
		return outgoing{target: t, body: firstNonEmpty(d.SmsAuthenticationMessage, defaultAuthenticationMessage)}
	}
	var e EmailMfaConfigType
	if d.MFA != nil && d.MFA.Email != nil {
		e = *d.MFA.Email
	}
	return outgoing{target: t, subject: firstNonEmpty(e.Subject, defaultAuthenticationSubject),
		body: firstNonEmpty(e.Message, defaultAuthenticationMessage)}
}

// mfaBlocksRecovery applies spec §2.4's MFA rule: with an
// AccountRecoverySetting, SMS does not qualify as the recovery medium of a
// user whose SMS MFA is active, nor email of one whose email MFA is
// (DOC: a user can't receive MFA and password-reset codes at the same
// phone number or email address). Active means asked for at sign-in
// (activeFactors). Without the setting (legacy pools) nothing is blocked.
// A corrupt MFA document blocks nothing here; sign-in reports it.
func (d *poolDoc) mfaBlocksRecovery(u *store.User) (sms, email bool) {
	if rs := d.AccountRecoverySetting; rs == nil || len(rs.RecoveryMechanisms) == 0 {
		return false, false
	}
	m, err := decodeMFA(u)
	if err != nil {
		return false, false
	}
	active := d.activeFactors(u, m)
	return slices.Contains(active, mfaSMS), slices.Contains(active, mfaEmail)
}
