package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
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
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, s.store, c.pool, in.Username)
	if errors.Is(err, store.ErrNotFound) {
		if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username); err != nil {
			return nil, err
		}
		return nil, s.confirmUnknown(ctx, c, unknownSubject(c.pool, in.Username), purposeSignUp, errUserClientNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username, u.Username); err != nil {
		return nil, err
	}
	if u.Status != StatusUnconfirmed {
		return nil, errCannotConfirm(u.Status)
	}
	t, _ := c.pool.doc.signUpTarget(u)
	cc, err := s.checkCode(ctx, c.pool, u, purposeSignUp, t.to, in.ConfirmationCode)
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
		fresh.Status, fresh.UpdatedAt = StatusConfirmed, s.now()
		fresh.Attributes = setAttr(fresh.Attributes, cc.rec.Attribute+"_verified", "true")
		return s.saveUser(ctx, tx, c.pool, fresh, false, in.ForceAliasCreation)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.clearAttempts(ctx, c.pool.ID, u.Username, purposeSignUp)
}
