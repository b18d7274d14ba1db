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
	var medium string
	err := s.store.Tx(ctx, func(tx store.Store) error {
		pool, u, err := s.poolUser(ctx, tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		if u.Status == StatusForceChangePassword || u.Status == StatusExternalProvider {
			return errCannotReset
		}
		t, ok, adminOnly := pool.doc.recoveryTarget(u)
		if adminOnly {
			legacy := &poolDoc{}
			t, ok, _ = legacy.recoveryTarget(u)
		}
		if !ok {
			return errNoVerifiedContact
		}
		u.Status, u.UpdatedAt = StatusResetRequired, s.now()
		if err := s.saveUser(ctx, tx, pool, u, false, false); err != nil {
			return err
		}
		medium = t.medium
		return s.queueCode(ctx, tx, pool, u, purposeReset, kindAdminReset, t)
	})
	if err != nil {
		return nil, err
	}
	s.queued(medium)
	return &Empty{}, nil
}
