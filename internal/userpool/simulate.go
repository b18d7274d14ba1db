package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"github.com/userpool/userpool/internal/store"
)

// Why a request sent nothing; recorded in the outbox so the development
// inbox can tell a test author why no code came.
const (
	reasonUnknownUser       = "USER_NOT_FOUND"
	reasonDisabled          = "USER_DISABLED"
	reasonNoVerifiedContact = "NO_VERIFIED_CONTACT"
	reasonNoAutoVerify      = "NO_AUTO_VERIFIED_ATTRIBUTE"
)

// unknownCodeRequest answers a code request (ForgotPassword,
// ResendConfirmationCode) for a name that resolves to no user (spec §2.2
// step 4): UserNotFoundException under LEGACY; under ENABLED a simulated
// delivery, after counting an attempt keyed by the typed name, so that the
// limit cannot tell real users from unknown ones.
func (s *Service) unknownCodeRequest(ctx context.Context, c *clientView, typed string, p codePurpose, kind string) (*CodeDeliveryDetailsType, error) {
	if !c.doc.preventsExistenceErrors() {
		return nil, errUserClientNotFound
	}
	return s.simulate(ctx, c, typed, typed, unknownSubject(c.pool, typed), p, kind, reasonUnknownUser)
}

// simulate answers ForgotPassword (or a resend) for a user who must not be
// revealed (spec §2.7, PreventUserExistenceErrors=ENABLED): a 200 with a
// made-up CodeDeliveryDetails, nothing sent. The answer
//   - does not echo the input: the masked letters come from an HMAC, not
//     from the typed name;
//   - is stable for the same name, as a real user's destination would be;
//   - costs what a real answer costs: the attempt of subject counted, and
//     the suppressed record written, in one transaction as a real code and
//     its message are (limitedCode), so timing tells nothing; and it is
//     limited like a real request, so the limit tells nothing either.
//
// The record holds no more input than its one reader needs. That reader is
// the development inbox, which exists only with --dev (Config.Dev): there
// it shows a test author the username and why no code came. Without it
// nobody can read the record, so it keeps only the pool, purpose, medium,
// reason and time (about 100 bytes, not 1.5 KB with a long typed name);
// it is still written, which is what makes an unknown name cost what a
// known one does, and the sweep deletes it after the retention.
func (s *Service) simulate(ctx context.Context, c *clientView, typed, username, subject string, p codePurpose, kind, reason string) (*CodeDeliveryDetailsType, error) {
	t := s.simulatedTarget(c.pool, typed)
	if !s.cfg.Dev {
		username = ""
	}
	err := s.limitedTx(ctx, c.pool.ID, subject, attemptRequest, p, func(tx store.Store) error {
		return tx.EnqueueMessage(ctx, &store.Message{PoolID: c.pool.ID, Username: username, Purpose: kind,
			Medium: t.medium, SuppressedReason: reason, Status: store.MessageSuppressed, CreatedAt: s.now()})
	})
	if err != nil {
		return nil, err
	}
	s.msgSignal.fire() // a suppressed record: nothing to deliver, but inbox pollers see it
	return t.details(), nil
}

// simulatedTarget picks a plausible medium "following the format of the
// input username and the pool's verification settings" (spec §2.7) and a
// fake address derived from an HMAC of the pool and the typed name.
func (s *Service) simulatedTarget(pool *poolView, typed string) target {
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte("simulated-destination\x00" + pool.ID + "\x00" + pool.doc.norm("username", typed)))
	sum := m.Sum(nil)
	letter := func(b byte) byte { return "abcdefghijklmnopqrstuvwxyz"[int(b)%26] }
	if simulatesSMS(pool, typed) {
		n := (uint32(sum[0])<<8 | uint32(sum[1])) % 10000
		return phoneTarget(fmt.Sprintf("+1555555%04d", n))
	}
	return emailTarget(fmt.Sprintf("%c@%c", letter(sum[0]), letter(sum[1])))
}

func simulatesSMS(pool *poolView, typed string) bool {
	switch {
	case emailShape.MatchString(typed):
		return false
	case phoneShape.MatchString(typed):
		return true
	}
	if rs := pool.doc.AccountRecoverySetting; rs != nil {
		for _, m := range rs.RecoveryMechanisms {
			if m.Priority == 1 {
				return m.Name == "verified_phone_number"
			}
		}
	}
	d := pool.doc
	return !d.usernameAttr("email") && !d.aliasAttr("email") && (d.usernameAttr("phone_number") || d.aliasAttr("phone_number"))
}
