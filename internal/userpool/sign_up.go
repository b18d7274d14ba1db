package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// SignUpInput is the SignUp request.
type SignUpInput struct {
	ClientId          string                 `json:"ClientId"`
	SecretHash        string                 `json:"SecretHash"`
	Username          string                 `json:"Username"`
	Password          string                 `json:"Password"`
	UserAttributes    []AttributeType        `json:"UserAttributes"`
	ValidationData    []AttributeType        `json:"ValidationData"`
	AnalyticsMetadata *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	UserContextData   *UserContextDataType   `json:"UserContextData"`
	ClientMetadata    map[string]string      `json:"ClientMetadata"`
}

// SignUpOutput is the SignUp response.
type SignUpOutput struct {
	UserConfirmed       bool                     `json:"UserConfirmed"`
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
	UserSub             string                   `json:"UserSub"`
}

// SignUp registers a user in UNCONFIRMED status and, when the pool
// auto-verifies the user's email or phone_number, sends the confirmation
// code (24-hour lifetime) that ConfirmSignUp takes.
func (s *Service) SignUp(ctx context.Context, in *SignUpInput) (*SignUpOutput, error) {
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, in.SecretHash, errSecretNotReceived, in.Username); err != nil {
		return nil, err
	}
	if c.pool.doc.AdminCreateUserConfig != nil && c.pool.doc.AdminCreateUserConfig.AllowAdminCreateUserOnly {
		return nil, errSignUpNotPermitted
	}
	if err := checkPasswordPolicy(c.pool.doc.passwordPolicy(), in.Password, policyPrefixSignUp); err != nil {
		return nil, err
	}
	now := s.now()
	u, err := s.newUser(c.pool, in.Username, in.UserAttributes, StatusUnconfirmed, now)
	if err != nil {
		return nil, err
	}
	cred, err := s.newCredential(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	s.setPassword(u, cred, now)
	if err := s.preSignUp(ctx, c.pool, c.ID, u, triggers.PreSignUpSignUp, in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	// The user, its confirmation code and the message carrying it commit
	// together (transactional outbox). An auto-confirmed user gets no code.
	t, sendCode := c.pool.doc.signUpTarget(u)
	sendCode = sendCode && u.Status == StatusUnconfirmed
	var o outgoing
	if sendCode {
		if o, err = s.compose(ctx, c.pool, c.ID, u, sourceSignUp, in.ClientMetadata, t); err != nil {
			return nil, err
		}
	}
	err = s.store.Tx(ctx, func(tx store.Store) error {
		if err := s.saveUser(ctx, tx, c.pool, u, true, false); err != nil {
			return err
		}
		if !sendCode {
			return nil
		}
		return s.queueCode(ctx, tx, now, c.pool, u, purposeSignUp, kindSignUp, o)
	})
	if errors.Is(err, errUserAccountExists) {
		return nil, errUserExists // SignUp's own wording (OBS)
	}
	if err != nil {
		return nil, err
	}
	out := &SignUpOutput{UserConfirmed: u.Status == StatusConfirmed, UserSub: u.Sub}
	if sendCode {
		s.queued(t.medium)
		out.CodeDeliveryDetails = t.details()
	}
	return out, nil
}
