package userpool

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// RespondToAuthChallengeInput is the RespondToAuthChallenge request.
type RespondToAuthChallengeInput struct {
	ClientId           string                 `json:"ClientId"`
	ChallengeName      string                 `json:"ChallengeName"`
	Session            string                 `json:"Session"`
	ChallengeResponses map[string]string      `json:"ChallengeResponses"`
	AnalyticsMetadata  *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	UserContextData    *UserContextDataType   `json:"UserContextData"`
	ClientMetadata     map[string]string      `json:"ClientMetadata"`
}

// AdminRespondToAuthChallengeInput is the AdminRespondToAuthChallenge request.
type AdminRespondToAuthChallengeInput struct {
	UserPoolId string `json:"UserPoolId"`
	RespondToAuthChallengeInput
}

// RespondToAuthChallenge answers PASSWORD_VERIFIER (USER_SRP_AUTH's proof,
// srp_auth.go), NEW_PASSWORD_REQUIRED and the MFA challenges (mfa_respond.go).
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, c, in)
}

// AdminRespondToAuthChallenge is RespondToAuthChallenge for a named pool.
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *AdminRespondToAuthChallengeInput) (*AuthOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, c, &in.RespondToAuthChallengeInput)
}

func (s *Service) respond(ctx context.Context, c *clientView, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	if in.ChallengeName == "PASSWORD_VERIFIER" {
		return s.passwordVerifier(ctx, c, in.ChallengeResponses)
	}
	if isMfaChallenge(in.ChallengeName) {
		return s.respondMfa(ctx, c, in) // mfa_respond.go
	}
	if in.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		return nil, errUnknownChallenge
	}
	r := in.ChallengeResponses
	if r["USERNAME"] == "" {
		return nil, errMissingUsername
	}
	now := s.now()
	sess, err := s.openKindSession(c, in.Session, kindNewPassword, now)
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, r["SECRET_HASH"], errSecretHashNotReceived, r["USERNAME"], sess.Username); err != nil {
		return nil, err
	}
	pw := r["NEW_PASSWORD"]
	if pw == "" {
		return nil, errMissingNewPassword
	}
	attrs := challengeAttributes(r)
	if err := c.pool.doc.checkAttributes(attrs, attrUpdate); err != nil {
		return nil, err
	}
	cred, err := s.newPasswordHash(ctx, c.pool, nil, pw, policyPrefixConfirm)
	if err != nil {
		return nil, err
	}
	cred.deriveFor(c.pool.ID, sess.Username) // outside the transaction
	u, err := s.mutateUserAt(ctx, now, c.pool.ID, sess.Username, func(tx store.Store, p *poolView, u *store.User) error {
		if err := useSession(ctx, tx, sess); err != nil {
			return err
		}
		if u.Status != StatusForceChangePassword {
			return errInvalidSession // the challenge was already answered
		}
		applyAttributes(u, attrs)
		s.setPassword(u, cred, now)
		u.Status = StatusConfirmed
		return nil
	})
	if errors.Is(err, errUserDoesNotExist) {
		return nil, errInvalidSession
	}
	if err != nil {
		return nil, err
	}
	return s.completeSignIn(ctx, c, u, now, nil, false)
}

// challengeAttributes collects "userAttributes.<name>" responses.
func challengeAttributes(r map[string]string) []AttributeType {
	var out []AttributeType
	for k, v := range r {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			out = append(out, AttributeType{Name: name, Value: v})
		}
	}
	slices.SortFunc(out, func(a, b AttributeType) int { return strings.Compare(a.Name, b.Name) })
	return out
}
