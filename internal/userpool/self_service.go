package userpool

import (
	"context"
	"crypto/sha256"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// This file holds the public operations authorised by an AccessToken in
// the body (spec §1.2: no SigV4, the token is the credential).

// AccessTokenInput is the request of GetUser, GlobalSignOut and DeleteUser.
type AccessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

// GetUserOutput is the GetUser response.
type GetUserOutput struct {
	Username       string          `json:"Username"`
	UserAttributes []AttributeType `json:"UserAttributes"`
	userMFAView
}

// GetUser returns the signed-in user, with its MFA settings.
func (s *Service) GetUser(ctx context.Context, in *AccessTokenInput) (*GetUserOutput, error) {
	a, err := s.verifyAccessToken(ctx, s.now(), in.AccessToken)
	if err != nil {
		return nil, err
	}
	mfa, err := mfaView(a.user)
	if err != nil {
		return nil, err
	}
	return &GetUserOutput{Username: a.user.Username, UserAttributes: wireAttributes(a.user.Attributes), userMFAView: mfa}, nil
}

// GlobalSignOut revokes every refresh token of the user and so every access
// token minted from them.
func (s *Service) GlobalSignOut(ctx context.Context, in *AccessTokenInput) (*Empty, error) {
	a, err := s.verifyAccessToken(ctx, s.now(), in.AccessToken)
	if err != nil {
		return nil, err
	}
	_, err = s.store.RevokeUserRefreshTokens(ctx, a.pool.ID, a.user.Username)
	return &Empty{}, err
}

// DeleteUser deletes the signed-in user.
func (s *Service) DeleteUser(ctx context.Context, in *AccessTokenInput) (*Empty, error) {
	a, err := s.verifyAccessToken(ctx, s.now(), in.AccessToken)
	if err != nil {
		return nil, err
	}
	err = s.store.DeleteUser(ctx, a.pool.ID, a.user.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserDoesNotExist
	}
	return &Empty{}, err
}

// ChangePasswordInput is the ChangePassword request.
type ChangePasswordInput struct {
	PreviousPassword string `json:"PreviousPassword"`
	ProposedPassword string `json:"ProposedPassword"`
	AccessToken      string `json:"AccessToken"`
}

// ChangePassword replaces the signed-in user's password after checking the
// previous one; a wrong previous password is "Incorrect username or password.".
func (s *Service) ChangePassword(ctx context.Context, in *ChangePasswordInput) (*Empty, error) {
	now := s.now()
	a, err := s.verifyAccessToken(ctx, now, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, a.user, in.PreviousPassword); err != nil {
		return nil, err
	}
	cred, err := s.newPasswordHash(ctx, a.pool, a.user, in.ProposedPassword, policyPrefixSignUp)
	if err != nil {
		return nil, err
	}
	_, err = s.mutateUserAt(ctx, now, a.pool.ID, a.user.Username, func(_ store.Store, p *poolView, u *store.User) error {
		s.setPassword(u, cred, now)
		return nil
	})
	return &Empty{}, err
}

// UpdateUserAttributesInput is the UpdateUserAttributes request.
type UpdateUserAttributesInput struct {
	UserAttributes []AttributeType   `json:"UserAttributes"`
	AccessToken    string            `json:"AccessToken"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// UpdateUserAttributesOutput is the UpdateUserAttributes response.
type UpdateUserAttributesOutput struct {
	CodeDeliveryDetailsList []CodeDeliveryDetailsType `json:"CodeDeliveryDetailsList,omitempty"`
}

// UpdateUserAttributes changes the signed-in user's attributes and sends a
// verification code for a changed, auto-verified email or phone number.
// Users cannot mark their own contact attributes verified.
func (s *Service) UpdateUserAttributes(ctx context.Context, in *UpdateUserAttributesInput) (*UpdateUserAttributesOutput, error) {
	now := s.now()
	a, err := s.verifyAccessToken(ctx, now, in.AccessToken)
	if err != nil {
		return nil, err
	}
	for _, at := range in.UserAttributes {
		if at.Name == "email_verified" || at.Name == "phone_number_verified" {
			return nil, errUnauthorizedAttribute
		}
	}
	sent, err := s.updateAttributes(ctx, attributeUpdate{poolID: a.pool.ID, name: a.user.Username, clientID: a.clientID,
		attrs: in.UserAttributes, meta: in.ClientMetadata, at: now})
	if err != nil {
		return nil, err
	}
	return &UpdateUserAttributesOutput{CodeDeliveryDetailsList: sent}, nil
}

// RevokeTokenInput is the RevokeToken request.
type RevokeTokenInput struct {
	Token        string `json:"Token"`
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// RevokeToken revokes a refresh token and every access token minted from it.
// An unknown token is not an error (RFC 7009 semantics, which Cognito follows).
func (s *Service) RevokeToken(ctx context.Context, in *RevokeTokenInput) (*Empty, error) {
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	if len(c.secrets) > 0 && !c.hasSecret(in.ClientSecret) {
		return nil, errClientAuthFailed
	}
	if c.doc.EnableTokenRevocation != nil && !*c.doc.EnableTokenRevocation {
		return nil, errRevocationDisabled
	}
	if looksLikeJWT(in.Token) {
		return nil, errNotRefreshToken
	}
	h := sha256.Sum256([]byte(in.Token))
	rt, err := s.store.GetRefreshTokenByHash(ctx, h[:])
	if errors.Is(err, store.ErrNotFound) {
		return &Empty{}, nil
	}
	if err != nil {
		return nil, err
	}
	if rt.ClientID != c.ID {
		return nil, errTokenOtherClient
	}
	return &Empty{}, s.store.RevokeRefreshToken(ctx, rt.ID)
}
