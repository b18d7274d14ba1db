package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// ConfirmForgotPasswordInput is the ConfirmForgotPassword request (spec §3.1).
type ConfirmForgotPasswordInput struct {
	ClientId          string                 `json:"ClientId"`
	SecretHash        string                 `json:"SecretHash"`
	Username          string                 `json:"Username"`
	ConfirmationCode  string                 `json:"ConfirmationCode"`
	Password          string                 `json:"Password"`
	AnalyticsMetadata *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	UserContextData   *UserContextDataType   `json:"UserContextData"`
	ClientMetadata    map[string]string      `json:"ClientMetadata"`
}

// ConfirmForgotPassword sets a new password with a reset code, in the order
// of spec §3.2: client, SecretHash, user, disabled, attempt limit, code,
// password policy, password history, then one transaction that consumes the
// code and sets the password (RESET_REQUIRED becomes CONFIRMED). Refresh
// tokens survive, as on Cognito (spec §3.3).
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *ConfirmForgotPasswordInput) (*Empty, error) {
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, s.store, c.pool, in.Username)
	if errors.Is(err, store.ErrNotFound) {
		if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username); err != nil {
			return nil, err
		}
		return nil, s.confirmUnknown(ctx, c, unknownSubject(c.pool, in.Username), purposeReset, errUserClientNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username, u.Username); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, s.confirmUnknown(ctx, c, u.Username, purposeReset, errUserDisabled)
	}
	cc, err := s.checkCode(ctx, c.pool, u, purposeReset, "", in.ConfirmationCode)
	if err != nil {
		return nil, err
	}
	hash, err := s.newPasswordHash(ctx, c.pool, u, in.Password, policyPrefixConfirm)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx store.Store) error {
		if err := cc.consume(ctx, tx); err != nil {
			return err
		}
		fresh, err := tx.GetUserByKey(ctx, c.pool.ID, "username", c.pool.doc.norm("username", u.Username))
		if err != nil {
			return err
		}
		s.setPassword(fresh, hash)
		if fresh.Status == StatusResetRequired {
			fresh.Status = StatusConfirmed
		}
		return s.saveUser(ctx, tx, c.pool, fresh, false, false)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.clearAttempts(ctx, c.pool.ID, u.Username, purposeReset)
}
