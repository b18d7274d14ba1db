package userpool

import (
	"context"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// mutateUser loads the pool and the user named by name (username, alias or
// sub) inside one transaction, lets fn change the user, and saves it. fn
// returning an error aborts everything.
func (s *Service) mutateUser(ctx context.Context, poolID, name string, fn func(*poolView, *store.User) error) (*store.User, error) {
	return s.mutateUserAt(ctx, s.now(), poolID, name, func(_ store.Store, p *poolView, u *store.User) error { return fn(p, u) })
}

// mutateUserAt is mutateUser at now, the request's one clock reading, for
// a change that may also write through tx.
func (s *Service) mutateUserAt(ctx context.Context, now time.Time, poolID, name string, fn func(store.Store, *poolView, *store.User) error) (*store.User, error) {
	var out *store.User
	err := s.store.Tx(ctx, func(tx store.Store) error {
		pool, u, err := s.poolUser(ctx, tx, poolID, name)
		if err != nil {
			return err
		}
		if err := fn(tx, pool, u); err != nil {
			return err
		}
		u.UpdatedAt = now
		out = u
		return s.saveUser(ctx, tx, pool, u, false, false)
	})
	return out, err
}

// AdminUserInput names a user of a pool; several admin operations take only this.
type AdminUserInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

// AdminGetUserOutput is the AdminGetUser response.
type AdminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []AttributeType `json:"UserAttributes"`
	UserCreateDate       *Timestamp      `json:"UserCreateDate"`
	UserLastModifiedDate *Timestamp      `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	userMFAView
}

// AdminGetUser returns a user by username, alias or sub, with its MFA
// settings (mfa_user.go).
func (s *Service) AdminGetUser(ctx context.Context, in *AdminUserInput) (*AdminGetUserOutput, error) {
	_, u, err := s.poolUser(ctx, s.store, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	mfa, err := mfaView(u)
	if err != nil {
		return nil, err
	}
	return &AdminGetUserOutput{Username: u.Username, UserAttributes: wireAttributes(u.Attributes),
		UserCreateDate: ts(u.CreatedAt), UserLastModifiedDate: ts(u.UpdatedAt), Enabled: u.Enabled, UserStatus: u.Status,
		userMFAView: mfa}, nil
}

// AdminDeleteUser removes a user with its tokens.
func (s *Service) AdminDeleteUser(ctx context.Context, in *AdminUserInput) (*Empty, error) {
	err := s.store.Tx(ctx, func(tx store.Store) error {
		pool, u, err := s.poolUser(ctx, tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		return tx.DeleteUser(ctx, pool.ID, u.Username)
	})
	return &Empty{}, err
}

// AdminDisableUser disables sign-in and, as Cognito documents, revokes the
// user's tokens.
func (s *Service) AdminDisableUser(ctx context.Context, in *AdminUserInput) (*Empty, error) {
	u, err := s.mutateUser(ctx, in.UserPoolId, in.Username, func(_ *poolView, u *store.User) error {
		u.Enabled = false
		return nil
	})
	if err != nil {
		return nil, err
	}
	_, err = s.store.RevokeUserRefreshTokens(ctx, in.UserPoolId, u.Username)
	return &Empty{}, err
}

// AdminEnableUser re-enables a user.
func (s *Service) AdminEnableUser(ctx context.Context, in *AdminUserInput) (*Empty, error) {
	_, err := s.mutateUser(ctx, in.UserPoolId, in.Username, func(_ *poolView, u *store.User) error {
		u.Enabled = true
		return nil
	})
	return &Empty{}, err
}

// AdminUserGlobalSignOut revokes every refresh token of the user, and with
// them every access token minted from them.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *AdminUserInput) (*Empty, error) {
	pool, u, err := s.poolUser(ctx, s.store, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	_, err = s.store.RevokeUserRefreshTokens(ctx, pool.ID, u.Username)
	return &Empty{}, err
}

// AdminConfirmSignUp confirms an UNCONFIRMED user; any other status is
// refused with Cognito's "User cannot be confirmed. Current status is X".
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *AdminUserInput) (*Empty, error) {
	_, err := s.mutateUser(ctx, in.UserPoolId, in.Username, func(_ *poolView, u *store.User) error {
		if u.Status != StatusUnconfirmed {
			return errCannotConfirm(u.Status)
		}
		u.Status = StatusConfirmed
		return nil
	})
	return &Empty{}, err
}

// AdminSetUserPasswordInput is the AdminSetUserPassword request.
type AdminSetUserPasswordInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	Permanent  bool   `json:"Permanent"`
}

// AdminSetUserPassword sets a permanent password (status CONFIRMED) or a
// temporary one (FORCE_CHANGE_PASSWORD), after the pool's policy check, and
// ends a sign-in lockout in the same transaction (signin_lockout.go).
func (s *Service) AdminSetUserPassword(ctx context.Context, in *AdminSetUserPasswordInput) (*Empty, error) {
	pool, u, err := s.poolUser(ctx, s.store, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	// Policy, history and hashing happen before the transaction: hashing is
	// slow and needs no lock.
	cred, err := s.newPasswordHash(ctx, pool, u, in.Password, policyPrefixConfirm)
	if err != nil {
		return nil, err
	}
	now := s.now()
	_, err = s.mutateUserAt(ctx, now, in.UserPoolId, in.Username, func(tx store.Store, p *poolView, u *store.User) error {
		s.setPassword(u, cred, now)
		u.Status = StatusForceChangePassword
		if in.Permanent {
			u.Status = StatusConfirmed
		}
		return s.endLockout(ctx, tx, p.ID, u.Username)
	})
	return &Empty{}, err
}

// AdminUpdateUserAttributesInput is the AdminUpdateUserAttributes request.
type AdminUpdateUserAttributesInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	UserAttributes []AttributeType   `json:"UserAttributes"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// AdminUpdateUserAttributes changes attributes; setting email_verified or
// phone_number_verified to "true" is how admins make recovery possible (spec §6).
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *AdminUpdateUserAttributesInput) (*Empty, error) {
	_, err := s.updateAttributes(ctx, attributeUpdate{poolID: in.UserPoolId, name: in.Username, attrs: in.UserAttributes, meta: in.ClientMetadata, at: s.now()})
	return &Empty{}, err
}

// AdminDeleteUserAttributesInput is the AdminDeleteUserAttributes request.
type AdminDeleteUserAttributesInput struct {
	UserPoolId         string   `json:"UserPoolId"`
	Username           string   `json:"Username"`
	UserAttributeNames []string `json:"UserAttributeNames"`
}

// AdminDeleteUserAttributes removes attributes; required ones and sub stay.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *AdminDeleteUserAttributesInput) (*Empty, error) {
	_, err := s.mutateUser(ctx, in.UserPoolId, in.Username, func(pool *poolView, u *store.User) error {
		return deleteAttributes(pool, u, in.UserAttributeNames)
	})
	return &Empty{}, err
}

func deleteAttributes(pool *poolView, u *store.User, names []string) error {
	for _, n := range names {
		sa := pool.doc.schemaAttr(n)
		switch {
		case sa == nil:
			return errSchema(n, schemaUnknownAttr)
		case n == "sub":
			return errSubImmutable
		case sa.Required != nil && *sa.Required:
			return errSchema(n, schemaRequired)
		}
		u.Attributes = deleteAttr(u.Attributes, n)
		if n == "email" || n == "phone_number" {
			u.Attributes = deleteAttr(u.Attributes, n+"_verified")
		}
	}
	return nil
}
