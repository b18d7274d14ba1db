package userpool

import (
	"context"
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
	now := s.now()
	c, u, err := s.publicUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if err != nil {
		return nil, err
	}
	if u == nil {
		d, err := s.unknownCodeRequest(ctx, now, c, in.Username, purposeSignUp, kindResendCode)
		if err != nil {
			return nil, err
		}
		return &ResendConfirmationCodeOutput{CodeDeliveryDetails: d}, nil
	}
	if u.Status != StatusUnconfirmed {
		return nil, errAlreadyConfirmed
	}
	t, ok := c.pool.doc.signUpTarget(u)
	if !ok {
		return nil, errNoAutoVerification
	}
	d, err := s.limitedCode(ctx, now, c.pool, c.ID, u, purposeSignUp, kindResendCode,
		request{source: sourceResendCode, meta: in.ClientMetadata, to: t})
	if err != nil {
		return nil, err
	}
	return &ResendConfirmationCodeOutput{CodeDeliveryDetails: d}, nil
}
