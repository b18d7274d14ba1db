package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
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
func (s *Service) unknownCodeRequest(ctx context.Context, now time.Time, c *clientView, typed string, p codePurpose, kind string) (*CodeDeliveryDetailsType, error) {
	if !c.doc.preventsExistenceErrors() {
		return nil, errUserClientNotFound
	}
	return s.simulate(ctx, now, c, typed, typed, unknownSubject(c.pool, typed), p, kind, reasonUnknownUser)
}

// simulate answers ForgotPassword (or a resend) for a user who must not be
// revealed (spec §2.7, PreventUserExistenceErrors=ENABLED): a 200 with a
// made-up CodeDeliveryDetails, nothing sent. The answer
//   - looks like a real answer for every way of typing the name, and
//     echoes no more of it than a real answer would (simulatedTarget);
//   - is stable for the same name, as a real user's destination would be;
//   - costs what a real answer costs: the attempt of subject counted, and
//     the suppressed record written, in one transaction as a real code and
//     its message are (limitedCode), so timing tells nothing; and it is
//     limited like a real request, so the limit tells nothing either;
//   - is reported to the MessageSimulated hook as a real message is to
//     MessageQueued, so metrics tell nothing.
//
// The record holds no more input than its one reader needs. That reader is
// the development inbox, which exists only with --dev (Config.Dev): there
// it shows a test author the username and why no code came. Without it
// nobody can read the record, so it keeps only the pool, purpose, medium,
// reason and time (about 100 bytes, not 1.5 KB with a long typed name);
// it is still written, which is what makes an unknown name cost what a
// known one does, and the sweep deletes it after the retention.
func (s *Service) simulate(ctx context.Context, now time.Time, c *clientView, typed, username, subject string, p codePurpose, kind, reason string) (*CodeDeliveryDetailsType, error) {
	t := s.simulatedTarget(c.pool, typed)
	if !s.cfg.Dev {
		username = ""
	}
	err := s.limitedTx(ctx, now, c.pool.ID, subject, attemptRequest, p, func(tx store.Store) error {
		return tx.EnqueueMessage(ctx, &store.Message{PoolID: c.pool.ID, Username: username, Purpose: kind,
			Medium: t.medium, SuppressedReason: reason, Status: store.MessageSuppressed, CreatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	s.msgSignal.fire() // a suppressed record: nothing to deliver, but inbox pollers see it
	if s.cfg.MessageSimulated != nil {
		s.cfg.MessageSimulated(t.medium)
	}
	return t.details(), nil
}

// simulatedTarget makes up the destination a real user typed as typed
// would most likely be shown, so that no way of typing a name tells a real
// answer from a simulated one (issue 13). A real answer masks the address
// the lookup matched; the simulated one masks, for each way of typing:
//   - an email: the typed email, folded as the pool folds it. A real lookup
//     matched it exactly (case-sensitive pool) or up to case, and then the
//     stored address most likely shows the letters in lower case: sign-up
//     forms and SDKs commonly lower-case emails. Echoing the typed case
//     instead would let anyone tell a real user stored in lower case
//     apart by typing capitals; only users stored with a capital first
//     letter stay distinguishable, and would under any choice;
//   - a phone number: the typed number, which a real lookup matched as
//     given (spec §2.3), so the real answer shows the same last four digits
//     and length;
//   - a plain username: its first letter in lower case (in any pool),
//     since a real user's email most often starts like their username and
//     is most often stored in lower case, and a domain
//     letter from an HMAC of the pool and the name, so stable per name and
//     unrelated to it, as a real user's domain is. A name shaped as a sub
//     (a UUID) resolves a real user whose email is unrelated to it: both
//     letters come from the HMAC then, as they do for a first character
//     no email starts with.
//
// Nothing is echoed beyond what a real answer shows: the masking keeps one
// character of each part of an email, or the last four digits of a number.
func (s *Service) simulatedTarget(pool *poolView, typed string) target {
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte("simulated-destination\x00" + pool.ID + "\x00" + pool.doc.norm("username", typed)))
	sum := m.Sum(nil)
	letter := func(b byte) string { return string("abcdefghijklmnopqrstuvwxyz"[int(b)%26]) }
	if simulatedMedium(pool.doc, typed) == "SMS" {
		if phoneShape.MatchString(typed) {
			return phoneTarget(typed)
		}
		n := (uint32(sum[0])<<8 | uint32(sum[1])) % 10000
		return phoneTarget(fmt.Sprintf("+1555555%04d", n))
	}
	if emailShape.MatchString(typed) {
		return emailTarget(pool.doc.norm("email", typed))
	}
	local := firstRune(foldCase(typed)) // lower case even in case-sensitive pools: emails mostly are
	if _, err := uuid.Parse(typed); err == nil || !asciiAlnum(local) {
		local = letter(sum[0])
	}
	return emailTarget(local + "@" + letter(sum[1]))
}

// asciiAlnum reports a one-character string an email local part plausibly
// starts with.
func asciiAlnum(c string) bool {
	return len(c) == 1 && ('a' <= c[0] && c[0] <= 'z' || '0' <= c[0] && c[0] <= '9')
}

// simulatedMedium picks the medium "following the format of the input
// username and the pool's verification settings" (spec §2.7) as a real
// user typed that way would get it: the pool's recovery mechanisms in
// priority order (spec §2.4), the first whose attribute such a user surely
// has verified. A user typed by email has that email (an alias resolves
// only once verified), one typed by phone that number; every user has an
// attribute that is auto-verified and required (or the username). When no
// mechanism is sure, the typed shape decides, then the first mechanism.
func simulatedMedium(d *poolDoc, typed string) string {
	email, phone := emailShape.MatchString(typed), phoneShape.MatchString(typed)
	for _, name := range d.recoveryOrder() {
		switch {
		case name == "verified_email" && (email || d.everyUserVerifies("email")):
			return "EMAIL"
		case name == "verified_phone_number" && (phone || d.everyUserVerifies("phone_number")):
			return "SMS"
		}
	}
	switch {
	case email:
		return "EMAIL"
	case phone:
		return "SMS"
	}
	if rs := d.AccountRecoverySetting; rs != nil {
		for _, m := range rs.RecoveryMechanisms {
			if m.Priority == 1 && m.Name == "verified_phone_number" {
				return "SMS"
			}
		}
		return "EMAIL"
	}
	if !d.usernameAttr("email") && !d.aliasAttr("email") && (d.usernameAttr("phone_number") || d.aliasAttr("phone_number")) {
		return "SMS"
	}
	return "EMAIL"
}

// everyUserVerifies reports an attribute every user of the pool has, and
// has verified once confirmed: auto-verified, and required by the schema or
// the username itself.
func (d *poolDoc) everyUserVerifies(attr string) bool {
	if !slices.Contains(d.AutoVerifiedAttributes, attr) {
		return false
	}
	sa := d.schemaAttr(attr)
	return d.usernameAttr(attr) || sa != nil && sa.Required != nil && *sa.Required
}
