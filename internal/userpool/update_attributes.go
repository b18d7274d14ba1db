package userpool

import (
	"context"
	"slices"

	"github.com/userpool/userpool/internal/store"
)

// updateAttributes is the shared body of AdminUpdateUserAttributes and
// UpdateUserAttributes: validate against the schema, apply (a changed email
// or phone number becomes unverified unless the call says otherwise), save,
// and — when the pool auto-verifies that attribute — queue a verification
// code to the new value, all in one transaction. It returns where codes went.
func (s *Service) updateAttributes(ctx context.Context, poolID, name string, attrs []AttributeType) ([]CodeDeliveryDetailsType, error) {
	var sent []CodeDeliveryDetailsType
	err := s.store.Tx(ctx, func(tx store.Store) error {
		pool, u, err := s.poolUser(ctx, tx, poolID, name)
		if err != nil {
			return err
		}
		if err := pool.doc.checkAttributes(attrs, attrUpdate); err != nil {
			return err
		}
		before := map[string]string{"email": attrValue(u.Attributes, "email"), "phone_number": attrValue(u.Attributes, "phone_number")}
		applyAttributes(u, attrs)
		u.UpdatedAt = s.now()
		if err := s.saveUser(ctx, tx, pool, u, false, false); err != nil {
			return err
		}
		for _, attr := range []string{"email", "phone_number"} {
			v, isVerified := verified(u, attr)
			if v == "" || v == before[attr] || isVerified || !slices.Contains(pool.doc.AutoVerifiedAttributes, attr) {
				continue
			}
			t := targetFor(attr, v)
			// The pool's template: a CustomMessage trigger cannot be called
			// here, inside the transaction (no network in a transaction).
			if err := s.queueCode(ctx, tx, pool, u, verifyPurpose(attr), kindVerifyAttribute, pool.doc.outgoing(t)); err != nil {
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
