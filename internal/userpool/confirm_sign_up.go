package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// ConfirmSignUpInput is the ConfirmSignUp request.
type ConfirmSignUpInput struct {
	ClientId           string                 `json:"ClientId"`
	SecretHash         string                 `json:"SecretHash"`
	Username           string                 `json:"Username"`
	ConfirmationCode   string                 `json:"ConfirmationCode"`
	ForceAliasCreation bool                   `json:"ForceAliasCreation"`
	AnalyticsMetadata  *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	UserContextData    *UserContextDataType   `json:"UserContextData"`
	ClientMetadata     map[string]string      `json:"ClientMetadata"`
	Session            string                 `json:"Session"`
}

// ConfirmSignUp confirms an UNCONFIRMED user with the sign-up code and marks
// the attribute the code was sent to as verified (spec §6). A reset code
// never works here: codes are purpose-scoped.
func (s *Service) ConfirmSignUp(ctx context.Context, in *ConfirmSignUpInput) (*Empty, error) {
	now := s.now()
	c, u, err := s.publicUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, s.confirmUnknown(ctx, now, c, unknownSubject(c.pool, in.Username), purposeSignUp, errUserClientNotFound)
	}
	if u.Status != StatusUnconfirmed {
		return nil, errCannotConfirm(u.Status)
	}
	t, _ := c.pool.doc.signUpTarget(u)
	cc, err := s.checkCode(ctx, now, c.pool, u, purposeSignUp, t.to, in.ConfirmationCode)
	if err != nil {
		return nil, err
	}
	err = s.redeem(ctx, c.pool, cc, in.ForceAliasCreation, func(u *store.User) {
		u.Status = StatusConfirmed
		u.Attributes = setAttr(u.Attributes, cc.rec.Attribute+"_verified", "true")
	}, nil)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.postConfirmation(ctx, c.pool, c.ID, u.Username, triggers.PostConfirmationConfirmSignUp, in.ClientMetadata)
}
