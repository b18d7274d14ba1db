package userpool

import (
	"context"
	"time"

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
	now := s.now()
	a, value, err := s.verifiableAttribute(ctx, now, in.AccessToken, in.AttributeName)
	if err != nil {
		return nil, err
	}
	p := verifyPurpose(in.AttributeName)
	d, err := s.limitedCode(ctx, now, a.pool, a.clientID, a.user, p, kindVerifyAttribute,
		request{source: sourceVerifyUserAttribute, meta: in.ClientMetadata, to: targetFor(in.AttributeName, value)})
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
	now := s.now()
	a, value, err := s.verifiableAttribute(ctx, now, in.AccessToken, in.AttributeName)
	if err != nil {
		return nil, err
	}
	cc, err := s.checkCode(ctx, now, a.pool, a.user, verifyPurpose(in.AttributeName), value, in.Code)
	if err != nil {
		return nil, err
	}
	err = s.redeem(ctx, a.pool, cc, true, func(u *store.User) {
		u.Attributes = setAttr(u.Attributes, in.AttributeName+"_verified", "true")
	}, nil)
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// verifiableAttribute authenticates the access token and returns the
// current value of attr, which must be email or phone_number and be set.
func (s *Service) verifiableAttribute(ctx context.Context, now time.Time, token, attr string) (*accessContext, string, error) {
	a, err := s.verifyAccessToken(ctx, now, token)
	if err != nil {
		return nil, "", err
	}
	value := attrValue(a.user.Attributes, attr)
	if (attr != "email" && attr != "phone_number") || value == "" {
		return nil, "", errNothingToVerify
	}
	return a, value, nil
}
