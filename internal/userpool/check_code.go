package userpool

import (
	"context"
	"crypto/hmac"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// checkedCode is a code that matched; consume it inside the transaction
// that applies its effect.
type checkedCode struct {
	rec    *store.Code
	mac    []byte
	sentTo string    // the address the code is bound to ("" for reset codes)
	at     time.Time // when the request was counted (its one clock reading)
}

// checkCode counts one confirm attempt, then compares the entered code with
// the outstanding one (spec §3.2 steps 6–7): nothing outstanding or past
// its lifetime → ExpiredCodeException; a different code →
// CodeMismatchException. sentTo is the address the code must have been
// sent to ("" for reset codes). The comparison is between HMACs, in
// constant time.
func (s *Service) checkCode(ctx context.Context, now time.Time, pool *poolView, u *store.User, p codePurpose, sentTo, code string) (*checkedCode, error) {
	if err := s.takeAttempt(ctx, now, pool.ID, u.Username, attemptConfirm, p); err != nil {
		return nil, err
	}
	rec, err := s.store.GetCode(ctx, pool.ID, u.Username, string(p))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errExpiredCode
	}
	if err != nil {
		return nil, err
	}
	if !now.Before(rec.ExpiresAt) {
		return nil, errExpiredCode
	}
	mac := s.codeMAC(pool.ID, u.Username, p, sentTo, code)
	if !hmac.Equal(mac, rec.MAC) {
		return nil, errCodeMismatch
	}
	return &checkedCode{rec: rec, mac: mac, sentTo: sentTo, at: now}, nil
}

// notAGuess gives back the attempt checkCode counted for cc once the
// request fails for a reason other than the code (the new password is
// refused): the code-entry budget protects the code from guessing, and a
// request that presented the right code guessed nothing (issue 14 item
// 7). Counting first and giving back after the match keeps the count
// atomic: concurrent wrong codes never see it lower than the guesses
// made. A failure to give it back leaves the stricter count and is only
// logged, so the client still learns why its password was refused.
func (s *Service) notAGuess(ctx context.Context, cc *checkedCode) {
	kind := attemptKey(attemptConfirm, codePurpose(cc.rec.Purpose))
	if err := s.store.ReturnAttempt(ctx, cc.rec.PoolID, cc.rec.Username, kind, cc.at); err != nil {
		s.log.Warn("giving back a code-entry attempt failed", "pool", cc.rec.PoolID, "error", err)
	}
}

// redeem applies a matched code: in one transaction it consumes the code,
// re-reads the user, lets change modify it and saves it (force moves a
// taken alias, as ForceAliasCreation). Losing a race to a concurrent
// redemption of the same code means the code is used up: ExpiredCode, so
// exactly one of parallel confirmations succeeds. The user's confirm
// attempts are cleared in the same transaction, and also, when set, runs
// there last.
func (s *Service) redeem(ctx context.Context, pool *poolView, cc *checkedCode, force bool, change func(*store.User), also func(tx store.Store) error) error {
	return s.store.Tx(ctx, func(tx store.Store) error {
		err := tx.ConsumeCode(ctx, cc.rec.PoolID, cc.rec.Username, cc.rec.Purpose, cc.mac)
		if errors.Is(err, store.ErrNotFound) {
			return errExpiredCode
		}
		if err != nil {
			return err
		}
		fresh, err := s.userByKey(ctx, tx, pool, "username", cc.rec.Username)
		if err != nil {
			return err
		}
		// The address may have changed since checkCode read the user: a
		// code never verifies an address it was not sent to.
		if cc.sentTo != "" && attrValue(fresh.Attributes, cc.rec.Attribute) != cc.sentTo {
			return errCodeMismatch
		}
		change(fresh)
		fresh.UpdatedAt = cc.at
		if err := s.saveUser(ctx, tx, pool, fresh, false, force); err != nil {
			return err
		}
		if err := tx.ClearAttempts(ctx, pool.ID, cc.rec.Username, attemptKey(attemptConfirm, codePurpose(cc.rec.Purpose))); err != nil || also == nil {
			return err
		}
		return also(tx)
	})
}

// confirmUnknown answers a confirmation for a name that resolves to no user,
// or for a disabled one: under ENABLED, CodeMismatchException after counting
// an attempt like a real check would (spec §2.7); under LEGACY, err.
func (s *Service) confirmUnknown(ctx context.Context, now time.Time, c *clientView, subject string, p codePurpose, err error) error {
	if !c.doc.preventsExistenceErrors() {
		return err
	}
	if lerr := s.takeAttempt(ctx, now, c.pool.ID, subject, attemptConfirm, p); lerr != nil {
		return lerr
	}
	return errCodeMismatch
}
