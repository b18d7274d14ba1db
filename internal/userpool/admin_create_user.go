package userpool

import (
	"context"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// AdminCreateUserInput is the AdminCreateUser request.
type AdminCreateUserInput struct {
	UserPoolId             string            `json:"UserPoolId"`
	Username               string            `json:"Username"`
	UserAttributes         []AttributeType   `json:"UserAttributes"`
	ValidationData         []AttributeType   `json:"ValidationData"`
	TemporaryPassword      string            `json:"TemporaryPassword"`
	ForceAliasCreation     bool              `json:"ForceAliasCreation"`
	MessageAction          string            `json:"MessageAction"`
	DesiredDeliveryMediums []string          `json:"DesiredDeliveryMediums"`
	ClientMetadata         map[string]string `json:"ClientMetadata"`
}

// AdminCreateUserOutput is the AdminCreateUser response.
type AdminCreateUserOutput struct {
	User *UserType `json:"User"`
}

func userType(u *store.User) *UserType {
	return &UserType{Username: u.Username, Attributes: wireAttributes(u.Attributes),
		UserCreateDate: ts(u.CreatedAt), UserLastModifiedDate: ts(u.UpdatedAt), Enabled: u.Enabled, UserStatus: u.Status}
}

// AdminCreateUser creates a user in FORCE_CHANGE_PASSWORD with the given or
// a generated temporary password (spec §6) and, unless MessageAction is
// SUPPRESS, queues the invitation that carries it (invitation.go).
// MessageAction RESEND issues a new temporary password to an existing
// FORCE_CHANGE_PASSWORD user and sends the invitation again with it.
func (s *Service) AdminCreateUser(ctx context.Context, in *AdminCreateUserInput) (*AdminCreateUserOutput, error) {
	now := s.now()
	pool, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	policy := pool.doc.passwordPolicy()
	pw := in.TemporaryPassword
	if pw == "" {
		pw = temporaryPassword(policy)
	} else if err := checkPasswordPolicy(policy, pw, policyPrefixConfirm); err != nil {
		return nil, err
	}
	cred, err := s.newCredential(ctx, pw)
	if err != nil {
		return nil, err
	}
	if in.MessageAction == "RESEND" {
		return s.resendInvitation(ctx, now, in, pw, cred)
	}
	u, err := s.newUser(pool, in.Username, in.UserAttributes, StatusForceChangePassword, now)
	if err != nil {
		return nil, err
	}
	s.setPassword(u, cred, now)
	if err := s.preSignUp(ctx, pool, "", u, triggers.PreSignUpAdminCreateUser, in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	invites, err := s.invitations(ctx, pool, u, in)
	if err != nil {
		return nil, err
	}
	// The user and its invitations commit together (transactional outbox).
	err = s.store.Tx(ctx, func(tx store.Store) error {
		if err := s.saveUser(ctx, tx, pool, u, true, in.ForceAliasCreation); err != nil {
			return err
		}
		return s.queueInvitations(ctx, tx, now, pool, u, invites, pw)
	})
	if err != nil {
		return nil, err
	}
	for _, o := range invites {
		s.queued(o.medium)
	}
	return &AdminCreateUserOutput{User: userType(u)}, nil
}

func (s *Service) resendInvitation(ctx context.Context, now time.Time, in *AdminCreateUserInput, pw string, cred *credential) (*AdminCreateUserOutput, error) {
	// The invitation is composed first: a CustomMessage function is a
	// network call and must not run inside the transaction.
	pool, u, err := s.poolUser(ctx, s.store, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := resendable(u); err != nil {
		return nil, err
	}
	cred.deriveFor(u.PoolID, u.Username) // the verifier's exponentiation, outside the transaction
	invites, err := s.invitations(ctx, pool, u, in)
	if err != nil {
		return nil, err
	}
	// The new password and its invitations commit together (transactional
	// outbox); the state is checked again inside, in case it changed.
	var out *store.User
	err = s.store.Tx(ctx, func(tx store.Store) error {
		pool, u, err := s.poolUser(ctx, tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		if err := resendable(u); err != nil {
			return err
		}
		s.setPassword(u, cred, now)
		u.UpdatedAt = now
		out = u
		if err := s.saveUser(ctx, tx, pool, u, false, false); err != nil {
			return err
		}
		return s.queueInvitations(ctx, tx, now, pool, u, invites, pw)
	})
	if err != nil {
		return nil, err
	}
	for _, o := range invites {
		s.queued(o.medium)
	}
	return &AdminCreateUserOutput{User: userType(out)}, nil
}

// resendable refuses RESEND for users who have left FORCE_CHANGE_PASSWORD.
func resendable(u *store.User) error {
	if u.Status != StatusForceChangePassword {
		return errResendNotPossible(u.Username)
	}
	return nil
}
