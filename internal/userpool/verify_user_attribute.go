package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// GetUserAttributeVerificationCodeInput is the GetUserAttributeVerificationCode request.
type GetUserAttributeVerificationCodeInput struct {
	AccessToken    string            `json:"AccessToken"`
	AttributeName  string            `json:"AttributeName"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// GetUserAttributeVerificationCodeOutput is its response.
type GetUserAttributeVerificationCodeOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
}

// GetUserAttributeVerificationCode sends the signed-in user a code that
// verifies their email or phone_number (24-hour lifetime).
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *GetUserAttributeVerificationCodeInput) (*GetUserAttributeVerificationCodeOutput, error) {
	a, err := s.verifyAccessToken(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	value := attrValue(a.user.Attributes, in.AttributeName)
	if (in.AttributeName != "email" && in.AttributeName != "phone_number") || value == "" {
		return nil, errNothingToVerify
	}
	p := verifyPurpose(in.AttributeName)
	if err := s.takeAttempt(ctx, a.pool.ID, a.user.Username, attemptRequest, p); err != nil {
		return nil, err
	}
	d, err := s.sendCode(ctx, a.pool, a.user, p, kindVerifyAttribute, targetFor(in.AttributeName, value))
	if err != nil {
		return nil, err
	}
	return &GetUserAttributeVerificationCodeOutput{CodeDeliveryDetails: d}, nil
}

// VerifyUserAttributeInput is the VerifyUserAttribute request.
type VerifyUserAttributeInput struct {
	AccessToken   string `json:"AccessToken"`
	AttributeName string `json:"AttributeName"`
	Code          string `json:"Code"`
}

// VerifyUserAttribute marks an attribute verified with the code sent to its
// current value. In alias pools a verified email or phone becomes an alias;
// if another user holds it, it moves here (the last verifier wins, spec §2.3).
func (s *Service) VerifyUserAttribute(ctx context.Context, in *VerifyUserAttributeInput) (*Empty, error) {
	a, err := s.verifyAccessToken(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	value := attrValue(a.user.Attributes, in.AttributeName)
	if (in.AttributeName != "email" && in.AttributeName != "phone_number") || value == "" {
		return nil, errNothingToVerify
	}
	p := verifyPurpose(in.AttributeName)
	cc, err := s.checkCode(ctx, a.pool, a.user, p, value, in.Code)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx store.Store) error {
		if err := cc.consume(ctx, tx); err != nil {
			return err
		}
		fresh, err := tx.GetUserByKey(ctx, a.pool.ID, "username", a.pool.doc.norm("username", a.user.Username))
		if err != nil {
			return err
		}
		fresh.Attributes = setAttr(fresh.Attributes, in.AttributeName+"_verified", "true")
		fresh.UpdatedAt = s.now()
		return s.saveUser(ctx, tx, a.pool, fresh, false, true)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.clearAttempts(ctx, a.pool.ID, a.user.Username, p)
}
