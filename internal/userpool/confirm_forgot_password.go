package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
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
// tokens survive, as on Cognito (spec §3.3). Only a wrong or expired code
// spends the code-entry budget: a refused password gives its attempt back.
// A completed reset ends the user's sign-in lockout (signin_lockout.go).
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *ConfirmForgotPasswordInput) (*Empty, error) {
	now := s.now()
	c, u, err := s.recoveryUser(ctx, now, in.ClientId, in.Username, in.SecretHash)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, s.confirmUnknown(ctx, now, c, unknownSubject(c.pool, in.Username), purposeReset, errUserClientNotFound)
	}
	if !u.Enabled {
		return nil, s.confirmUnknown(ctx, now, c, u.Username, purposeReset, errUserDisabled)
	}
	cc, err := s.checkCode(ctx, now, c.pool, u, purposeReset, "", in.ConfirmationCode)
	if err != nil {
		return nil, err
	}
	cred, err := s.newPasswordHash(ctx, c.pool, u, in.Password, policyPrefixConfirm)
	if err != nil {
		s.notAGuess(ctx, cc)
		return nil, err
	}
	err = s.redeem(ctx, c.pool, cc, false, func(u *store.User) {
		s.setPassword(u, cred, now)
		if u.Status == StatusResetRequired {
			u.Status = StatusConfirmed
		}
	}, s.signInReset(ctx, c.pool.ID, u.Username))
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.postConfirmation(ctx, c.pool, c.ID, u.Username, triggers.PostConfirmationConfirmForgotPassword, in.ClientMetadata)
}
