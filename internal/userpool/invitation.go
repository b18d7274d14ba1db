package userpool

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// kindAdminCreateUser is the inbox purpose of an AdminCreateUser invitation;
// its "code" is the temporary password.
const kindAdminCreateUser = "ADMIN_CREATE_USER"

// Cognito's default invitation (AdminCreateUserConfig.InviteMessageTemplate
// unset): {username} and {####}, the temporary password.
const (
	defaultInviteMessage = "Your username is {username} and temporary password is {####}. "
	defaultInviteSubject = "Your temporary password"
)

// invitations composes AdminCreateUser's invitation for each requested
// medium the user has an address for (DesiredDeliveryMediums, SMS by
// default as on Cognito), from InviteMessageTemplate or the default text,
// through CustomMessage_AdminCreateUser when the pool has that trigger.
// Runs before the transaction (the trigger is a network call).
func (s *Service) invitations(ctx context.Context, pool *poolView, u *store.User, in *AdminCreateUserInput) ([]outgoing, error) {
	if in.MessageAction == "SUPPRESS" {
		return nil, nil
	}
	mediums := in.DesiredDeliveryMediums
	if len(mediums) == 0 {
		mediums = []string{"SMS"}
	}
	var out []outgoing
	for _, m := range []string{"EMAIL", "SMS"} {
		attr := map[string]string{"EMAIL": "email", "SMS": "phone_number"}[m]
		to := attrValue(u.Attributes, attr)
		if !slices.Contains(mediums, m) || to == "" {
			continue
		}
		o, err := s.composeInvite(ctx, pool, u, in.ClientMetadata, targetFor(attr, to))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (s *Service) composeInvite(ctx context.Context, pool *poolView, u *store.User, meta map[string]string, t target) (outgoing, error) {
	var tpl struct{ EmailMessage, EmailSubject, SMSMessage string }
	if c := pool.doc.AdminCreateUserConfig; c != nil && len(c.InviteMessageTemplate) > 0 {
		_ = json.Unmarshal(c.InviteMessageTemplate, &tpl) // validated by the model on the way in
	}
	o := outgoing{target: t, body: firstNonEmpty(tpl.SMSMessage, defaultInviteMessage)}
	if t.medium == "EMAIL" {
		o.subject = firstNonEmpty(tpl.EmailSubject, defaultInviteSubject)
		o.body = firstNonEmpty(tpl.EmailMessage, defaultInviteMessage)
	}
	username := "{username}" // Cognito fills usernameParameter only here (spec §4.4)
	req := triggers.CustomMessageRequest{UserAttributes: eventAttributes(u), CodeParameter: triggers.CodePlaceholder,
		LinkParameter: triggers.LinkPlaceholder, UsernameParameter: &username, ClientMetadata: meta}
	resp, configured, err := fire[triggers.CustomMessageRequest, triggers.CustomMessageResponse](ctx, s, pool,
		triggers.CustomMessageAdminCreateUser, u.Username, "", req)
	if err != nil {
		return o, err
	}
	if configured {
		o = applyCustomMessage(o, resp)
		if err := checkCustomBody(o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// queueInvitations writes the invitations through tx with the temporary
// password and the username filled in, stamped now: the instant the
// temporary password was set, so each invitation expires exactly when the
// password does. No code record: the "code" of an invitation is the
// password itself.
func (s *Service) queueInvitations(ctx context.Context, tx store.Store, now time.Time, pool *poolView, u *store.User, invites []outgoing, password string) error {
	from, replyTo := pool.doc.emailSender()
	// The temporary password stops working after TemporaryPasswordValidityDays.
	var expires time.Time
	if ttl := pool.doc.temporaryPasswordTTL(); ttl > 0 {
		expires = now.Add(ttl)
	}
	for _, o := range invites {
		subject, body := o.fill(password)
		body = strings.ReplaceAll(body, "{username}", u.Username)
		err := s.enqueue(ctx, tx, &store.Message{PoolID: pool.ID, Username: u.Username, Purpose: kindAdminCreateUser,
			Medium: o.medium, Destination: o.to, Subject: subject, Body: body, Code: password,
			CreatedAt: now, From: from, ReplyTo: replyTo, ExpiresAt: expires})
		if err != nil {
			return err
		}
	}
	return nil
}
