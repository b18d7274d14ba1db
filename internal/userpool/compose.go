package userpool

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// Trigger sources of the CustomMessage trigger, one per flow that sends a code.
const (
	sourceForgotPassword      = triggers.CustomMessageForgotPassword
	sourceSignUp              = triggers.CustomMessageSignUp
	sourceResendCode          = triggers.CustomMessageResendCode
	sourceVerifyUserAttribute = triggers.CustomMessageVerifyUserAttribute
)

// errBadCustomMessage is the answer to a CustomMessage function whose
// message cannot carry the code (spec §4.4: it must contain the
// placeholder; email <= 20,000 characters, SMS <= 140).

// compose writes the message for a code going to t: the pool's verification
// template, or what its CustomMessage trigger returns (members it leaves
// null keep the template). It runs before any transaction because the
// trigger is a network call; the function only ever sees "{####}", and the
// code is filled in afterwards (spec §4.4).
func (s *Service) compose(ctx context.Context, pool *poolView, clientID string, u *store.User, source triggers.Source, meta map[string]string, t target) (outgoing, error) {
	o := pool.doc.outgoing(t)
	req := triggers.CustomMessageRequest{UserAttributes: eventAttributes(u), CodeParameter: triggers.CodePlaceholder,
		LinkParameter: triggers.LinkPlaceholder, ClientMetadata: meta}
	resp, configured, err := fire[triggers.CustomMessageRequest, triggers.CustomMessageResponse](ctx, s, pool, source, u.Username, clientID, req)
	if err != nil || !configured {
		return o, err
	}
	o = applyCustomMessage(o, resp)
	return o, checkCustomBody(o)
}

// applyCustomMessage takes the members a CustomMessage function set for
// o's medium; the ones it left null keep the template.
func applyCustomMessage(o outgoing, resp triggers.CustomMessageResponse) outgoing {
	if o.medium == "SMS" {
		if resp.SMSMessage != nil {
			o.body = *resp.SMSMessage
		}
		return o
	}
	if resp.EmailMessage != nil {
		o.body = *resp.EmailMessage
	}
	if resp.EmailSubject != nil {
		o.subject = *resp.EmailSubject
	}
	return o
}

// checkCustomBody enforces spec §4.4 on a function's message: it must
// carry the code placeholder and fit the medium (SMS 140, email 20,000).
func checkCustomBody(o outgoing) error {
	max := 20000
	if o.medium == "SMS" {
		max = 140
	}
	if !strings.Contains(o.body, triggers.CodePlaceholder) || utf8.RuneCountInString(o.body) > max {
		return errBadCustomMessage
	}
	return nil
}
