package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// ResendConfirmationCodeInput is the ResendConfirmationCode request.
type ResendConfirmationCodeInput struct {
	ClientId          string                 `json:"ClientId"`
	SecretHash        string                 `json:"SecretHash"`
	UserContextData   *UserContextDataType   `json:"UserContextData"`
	Username          string                 `json:"Username"`
	AnalyticsMetadata *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	ClientMetadata    map[string]string      `json:"ClientMetadata"`
}

// ResendConfirmationCodeOutput is the ResendConfirmationCode response.
type ResendConfirmationCodeOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
}

// ResendConfirmationCode sends a new sign-up code (the latest code wins) to
// an UNCONFIRMED user's auto-verified attribute. Unknown users follow
// PreventUserExistenceErrors like ForgotPassword does.
func (s *Service) ResendConfirmationCode(ctx context.Context, in *ResendConfirmationCodeInput) (*ResendConfirmationCodeOutput, error) {
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, s.store, c.pool, in.Username)
	if errors.Is(err, store.ErrNotFound) {
		if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username); err != nil {
			return nil, err
		}
		if !c.doc.preventsExistenceErrors() {
			return nil, errUserClientNotFound
		}
		if err := s.takeAttempt(ctx, c.pool.ID, unknownSubject(c.pool, in.Username), attemptRequest, purposeSignUp); err != nil {
			return nil, err
		}
		d, err := s.simulate(ctx, c, in.Username, in.Username, kindResendCode, reasonUnknownUser)
		return &ResendConfirmationCodeOutput{CodeDeliveryDetails: d}, err
	}
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username, u.Username); err != nil {
		return nil, err
	}
	if u.Status != StatusUnconfirmed {
		return nil, errAlreadyConfirmed
	}
	t, ok := c.pool.doc.signUpTarget(u)
	if !ok {
		return nil, errNoAutoVerification
	}
	if err := s.takeAttempt(ctx, c.pool.ID, u.Username, attemptRequest, purposeSignUp); err != nil {
		return nil, err
	}
	d, err := s.sendCode(ctx, c.pool, u, purposeSignUp, kindResendCode, t)
	if err != nil {
		return nil, err
	}
	return &ResendConfirmationCodeOutput{CodeDeliveryDetails: d}, nil
}
