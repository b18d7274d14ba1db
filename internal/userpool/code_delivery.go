package userpool

import (
	"slices"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// Message kinds, as the development inbox reports them.
const (
	kindForgotPassword  = "FORGOT_PASSWORD"
	kindSignUp          = "SIGN_UP"
	kindResendCode      = "RESEND_CODE"
	kindAdminReset      = "ADMIN_RESET"
	kindVerifyAttribute = "VERIFY_ATTRIBUTE"
	kindMFA             = "MFA" // SMS and email MFA codes (mfa_challenge.go)
)

// target is where one code goes.
type target struct {
	medium string // "EMAIL" or "SMS"
	attr   string // "email" or "phone_number"
	to     string // the unmasked address
}

func emailTarget(to string) target { return target{medium: "EMAIL", attr: "email", to: to} }
func phoneTarget(to string) target { return target{medium: "SMS", attr: "phone_number", to: to} }

func targetFor(attr, to string) target {
	if attr == "phone_number" {
		return phoneTarget(to)
	}
	return emailTarget(to)
}

// details is the masked CodeDeliveryDetails Cognito returns (spec §2.6).
func (t target) details() *CodeDeliveryDetailsType {
	d := &CodeDeliveryDetailsType{DeliveryMedium: t.medium, AttributeName: t.attr}
	if t.medium == "SMS" {
		d.Destination = maskPhone(t.to)
	} else {
		d.Destination = maskEmail(t.to)
	}
	return d
}

func verified(u *store.User, attr string) (string, bool) {
	v := attrValue(u.Attributes, attr)
	return v, v != "" && attrValue(u.Attributes, attr+"_verified") == "true"
}

// recoveryTarget picks where a reset code goes (spec §2.4): mechanisms in
// priority order, only *verified* attributes qualify, and with an
// AccountRecoverySetting not the medium of the user's active SMS or email
// MFA (mfaBlocksRecovery); without the setting the legacy order is
// verified phone, then verified email. adminOnly reports the admin_only
// mechanism.
func (d *poolDoc) recoveryTarget(u *store.User) (t target, ok, adminOnly bool) {
	noSMS, noEmail := d.mfaBlocksRecovery(u)
	for _, n := range d.recoveryOrder() {
		switch n {
		case "admin_only":
			return target{}, false, true
		case "verified_email":
			if v, ok := verified(u, "email"); ok && !noEmail {
				return emailTarget(v), true, false
			}
		case "verified_phone_number":
			if v, ok := verified(u, "phone_number"); ok && !noSMS {
				return phoneTarget(v), true, false
			}
		}
	}
	return target{}, false, false
}

// recoveryOrder lists the pool's recovery mechanisms by priority; without
// an AccountRecoverySetting, the legacy order: verified phone, then
// verified email (spec §2.4).
func (d *poolDoc) recoveryOrder() []string {
	rs := d.AccountRecoverySetting
	if rs == nil || len(rs.RecoveryMechanisms) == 0 {
		return []string{"verified_phone_number", "verified_email"}
	}
	ms := slices.Clone(rs.RecoveryMechanisms)
	slices.SortFunc(ms, func(a, b RecoveryOptionType) int { return int(a.Priority - b.Priority) })
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

// signUpTarget picks where a sign-up confirmation code goes: the
// auto-verified attribute the user has, phone first as Cognito does when
// both are auto-verified. ok is false when the pool verifies nothing.
func (d *poolDoc) signUpTarget(u *store.User) (target, bool) {
	for _, attr := range []string{"phone_number", "email"} {
		if !slices.Contains(d.AutoVerifiedAttributes, attr) {
			continue
		}
		if v := attrValue(u.Attributes, attr); v != "" {
			return targetFor(attr, v), true
		}
	}
	return target{}, false
}

// outgoing is a code message ready to be queued: where it goes, and its
// subject and body with the "{####}" placeholder still in them. It is
// composed before any transaction (a CustomMessage trigger may be called to
// write it) and filled with the code inside the transaction that issues it.
type outgoing struct {
	target
	subject, body string
}

// fill substitutes every "{####}" with the code.
func (o outgoing) fill(code string) (subject, body string) {
	return o.subject, strings.ReplaceAll(o.body, "{####}", code)
}

// outgoing builds the message for t from the pool's verification message,
// which ForgotPassword shares with sign-up (spec §2.11: Cognito has no
// separate reset template).
func (d *poolDoc) outgoing(t target) outgoing {
	tpl := d.VerificationMessageTemplate
	if tpl == nil {
		tpl = &VerificationMessageTemplateType{}
	}
	if t.medium == "SMS" {
		return outgoing{target: t, body: firstNonEmpty(tpl.SmsMessage, d.SmsVerificationMessage, defaultVerificationMessage)}
	}
	return outgoing{target: t,
		subject: firstNonEmpty(tpl.EmailSubject, d.EmailVerificationSubject, defaultVerificationSubject),
		body:    firstNonEmpty(tpl.EmailMessage, d.EmailVerificationMessage, defaultVerificationMessage)}
}
