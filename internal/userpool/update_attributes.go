package userpool

import (
	"context"
	"slices"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// attributeUpdate is one AdminUpdateUserAttributes or UpdateUserAttributes
// call: who, what, and the trigger context (clientID is "" for the admin
// operation).
type attributeUpdate struct {
	poolID, name, clientID string
	attrs                  []AttributeType
	meta                   map[string]string
	at                     time.Time // the request's one clock reading
}

// updateAttributes is the shared body of AdminUpdateUserAttributes and
// UpdateUserAttributes: validate against the schema, apply (a changed email
// or phone number becomes unverified unless the call says otherwise), save,
// and — when the pool auto-verifies that attribute — queue a verification
// code to the new value, all in one transaction. It returns where codes went.
func (s *Service) updateAttributes(ctx context.Context, up attributeUpdate) ([]CodeDeliveryDetailsType, error) {
	custom, err := s.composeVerifications(ctx, up)
	if err != nil {
		return nil, err
	}
	var sent []CodeDeliveryDetailsType
	now := up.at
	err = s.store.Tx(ctx, func(tx store.Store) error {
		sent = sent[:0] // the store may run this callback again
		pool, u, err := s.poolUser(ctx, tx, up.poolID, up.name)
		if err != nil {
			return err
		}
		if err := pool.doc.checkAttributes(up.attrs, attrUpdate); err != nil {
			return err
		}
		before := contactValues(u)
		applyAttributes(u, up.attrs)
		u.UpdatedAt = now
		if err := s.saveUser(ctx, tx, pool, u, false, false); err != nil {
			return err
		}
		for _, t := range verificationsNeeded(pool, u, before) {
			o, ok := custom[t]
			if !ok { // no CustomMessage function, or the values changed meanwhile
				o = pool.doc.outgoing(t)
			}
			if err := s.queueCode(ctx, tx, now, pool, u, verifyPurpose(t.attr), kindVerifyAttribute, o); err != nil {
				return err
			}
			sent = append(sent, *t.details())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range sent {
		s.queued(d.DeliveryMedium)
	}
	return sent, nil
}

// composeVerifications runs the pool's CustomMessage function
// (CustomMessage_UpdateUserAttribute) for each verification code the update
// will send. It is a network call, so it runs before the transaction, on
// the user as the update will leave it; the transaction uses a message
// only if it still sends a code to the same address.
func (s *Service) composeVerifications(ctx context.Context, up attributeUpdate) (map[target]outgoing, error) {
	// Without a function there is nothing to compose; lookup and
	// validation errors are the transaction's to report.
	pool, err := s.loadPool(ctx, s.store, up.poolID)
	if err != nil || pool.doc.lambdaFunction(string(triggers.CustomMessage)) == "" {
		return nil, nil
	}
	u, err := s.adminUser(ctx, s.store, pool, up.name)
	if err != nil || pool.doc.checkAttributes(up.attrs, attrUpdate) != nil {
		return nil, nil
	}
	before := contactValues(u)
	after := *u
	after.Attributes = slices.Clone(u.Attributes)
	applyAttributes(&after, up.attrs)
	out := map[target]outgoing{}
	for _, t := range verificationsNeeded(pool, &after, before) {
		o, err := s.compose(ctx, pool, up.clientID, &after, triggers.CustomMessageUpdateUserAttribute, up.meta, t)
		if err != nil {
			return nil, err
		}
		out[t] = o
	}
	return out, nil
}

// contactValues are u's email and phone number.
func contactValues(u *store.User) map[string]string {
	return map[string]string{"email": attrValue(u.Attributes, "email"), "phone_number": attrValue(u.Attributes, "phone_number")}
}

// verificationsNeeded lists the new, unverified contact values of u the
// pool auto-verifies: each gets a verification code.
func verificationsNeeded(pool *poolView, u *store.User, before map[string]string) []target {
	var out []target
	for _, attr := range []string{"email", "phone_number"} {
		v, isVerified := verified(u, attr)
		if v == "" || v == before[attr] || isVerified || !slices.Contains(pool.doc.AutoVerifiedAttributes, attr) {
			continue
		}
		out = append(out, targetFor(attr, v))
	}
	return out
}
