package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// AdminResetUserPasswordInput is the AdminResetUserPassword request.
type AdminResetUserPasswordInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// AdminResetUserPassword puts the user in RESET_REQUIRED and sends a reset
// code on the same path as ForgotPassword (spec §6): the user completes it
// with ConfirmForgotPassword, and signing in meanwhile gives
// PasswordResetRequiredException. In admin_only pools this is the only way
// to reset, so the code goes to a verified contact in the legacy order.
// The status change, the code and its message commit together.
func (s *Service) AdminResetUserPassword(ctx context.Context, in *AdminResetUserPasswordInput) (*Empty, error) {
	// Checks and the message come first, outside the transaction: the
	// message may come from a CustomMessage trigger, a network call.
	pool, u, err := s.poolUser(ctx, s.store, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	t, err := adminResetTarget(pool, u)
	if err != nil {
		return nil, err
	}
	o, err := s.compose(ctx, pool, "", u, sourceForgotPassword, in.ClientMetadata, t)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.store.Tx(ctx, func(tx store.Store) error {
		pool, u, err := s.poolUser(ctx, tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		if _, err := adminResetTarget(pool, u); err != nil {
			return err // the user changed meanwhile
		}
		u.Status, u.UpdatedAt = StatusResetRequired, now
		if err := s.saveUser(ctx, tx, pool, u, false, false); err != nil {
			return err
		}
		return s.queueCode(ctx, tx, now, pool, u, purposeReset, kindAdminReset, o)
	})
	if err != nil {
		return nil, err
	}
	s.queued(o.medium)
	return &Empty{}, nil
}

// adminResetTarget applies AdminResetUserPassword's state rules and picks
// where the code goes (legacy order in admin_only pools).
func adminResetTarget(pool *poolView, u *store.User) (target, error) {
	if u.Status == StatusForceChangePassword || u.Status == StatusExternalProvider {
		return target{}, errCannotReset
	}
	t, ok, adminOnly := pool.doc.recoveryTarget(u)
	if adminOnly {
		legacy := &poolDoc{}
		t, ok, _ = legacy.recoveryTarget(u)
	}
	if !ok {
		return target{}, errNoVerifiedContact
	}
	return t, nil
}
