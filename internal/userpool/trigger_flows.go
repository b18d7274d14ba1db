package userpool

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// postConfirmation fires PostConfirmation after a confirmation committed
// (spec §4.6): ConfirmForgotPassword and ConfirmSignUp. Cognito reads
// nothing back. The confirmation stays committed when the function fails —
// the caller gets the function's error, as Cognito's callers do; whether
// Cognito undoes the change is UNVERIFIED (spec §3.2 step 11), and undoing
// a password change after the old one was replaced cannot be done safely.
func (s *Service) postConfirmation(ctx context.Context, pool *poolView, clientID, username string, source triggers.Source, meta map[string]string) error {
	if pool.doc.lambdaFunction(triggers.PostConfirmation) == "" {
		return nil
	}
	u, err := s.userByKey(ctx, s.store, pool, "username", username)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile: nobody to tell about
	}
	if err != nil {
		return err
	}
	req := triggers.PostConfirmationRequest{UserAttributes: eventAttributes(u), ClientMetadata: meta}
	_, _, err = fire[triggers.PostConfirmationRequest, triggers.PostConfirmationResponse](ctx, s, pool, source, u.Username, clientID, req)
	return err
}

// preSignUp fires PreSignUp for a user about to be created (SignUp or
// AdminCreateUser), before any transaction, and applies its answer:
// autoConfirmUser confirms a signing-up user (no code is sent), and
// autoVerifyEmail/autoVerifyPhone mark those attributes verified. A failing
// function creates nothing.
func (s *Service) preSignUp(ctx context.Context, pool *poolView, clientID string, u *store.User, source triggers.Source,
	validation []AttributeType, meta map[string]string) error {
	req := triggers.PreSignUpRequest{UserAttributes: eventAttributes(u), ValidationData: attributeMap(validation), ClientMetadata: meta}
	resp, configured, err := fire[triggers.PreSignUpRequest, triggers.PreSignUpResponse](ctx, s, pool, source, u.Username, clientID, req)
	if err != nil || !configured {
		return err
	}
	if resp.AutoConfirmUser && u.Status == StatusUnconfirmed {
		u.Status = StatusConfirmed
	}
	if resp.AutoVerifyEmail && attrValue(u.Attributes, "email") != "" {
		u.Attributes = setAttr(u.Attributes, "email_verified", "true")
	}
	if resp.AutoVerifyPhone && attrValue(u.Attributes, "phone_number") != "" {
		u.Attributes = setAttr(u.Attributes, "phone_number_verified", "true")
	}
	return nil
}

func attributeMap(attrs []AttributeType) map[string]string {
	if len(attrs) == 0 {
		return nil
	}
	m := make(map[string]string, len(attrs))
	for _, a := range attrs {
		m[a.Name] = a.Value
	}
	return m
}

// usernameShape is the model's UsernameType pattern: letters, marks,
// symbols, numbers and punctuation; no spaces, no control characters.
var usernameShape = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

// migrateUser fires UserMigration for a name that resolves to no user
// (spec §4.3) and creates the user the function describes. It returns nil
// and no error when the pool has no UserMigration function or the function
// left userAttributes empty: the caller then answers as for any unknown
// user. password is nil on UserMigration_ForgotPassword (Cognito does not
// send one there); on UserMigration_Authentication it becomes the user's
// password. The user is RESET_REQUIRED unless the function says CONFIRMED.
func (s *Service) migrateUser(ctx context.Context, now time.Time, c *clientView, typed string, password *string, source triggers.Source,
	meta map[string]string) (*store.User, error) {
	req := triggers.UserMigrationRequest{Password: password, ClientMetadata: meta}
	resp, configured, err := fire[triggers.UserMigrationRequest, triggers.UserMigrationResponse](ctx, s, c.pool, source, typed, c.ID, req)
	if err != nil || !configured || len(resp.UserAttributes) == 0 {
		return nil, err
	}
	status := StatusResetRequired
	if resp.FinalUserStatus != nil {
		status = *resp.FinalUserStatus
	}
	if status != StatusResetRequired && status != StatusConfirmed {
		return nil, errBadCustomMessage // "Unrecognizable lambda output"
	}
	name, attrs := typed, migratedAttributes(resp.UserAttributes)
	if v, ok := resp.UserAttributes["username"]; ok && v != "" {
		if !usernameShape.MatchString(v) || utf8.RuneCountInString(v) > 128 {
			// The API validated the typed name; this one comes from the
			// function and must meet the same model pattern.
			return nil, errBadCustomMessage
		}
		name = v // only meaningful when the typed name was an alias (DOC)
	}
	u, err := s.newUser(c.pool, name, attrs, status, now)
	if err != nil {
		return nil, err
	}
	if password != nil {
		cred, err := s.newCredential(ctx, *password) // migrated passwords skip the policy (DOC, spec §3.3)
		if err != nil {
			return nil, err
		}
		s.setPassword(u, cred, now)
	}
	force := resp.ForceAliasCreation != nil && *resp.ForceAliasCreation
	err = s.store.Tx(ctx, func(tx store.Store) error { return s.saveUser(ctx, tx, c.pool, u, true, force) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

// migratedAttributes turns a UserMigration answer into attributes, in name
// order, without the ones Cognito owns (sub, cognito:*) and without the
// username pseudo-attribute.
func migratedAttributes(m map[string]string) []AttributeType {
	out := make([]AttributeType, 0, len(m))
	for k, v := range m {
		if k == "sub" || k == "username" || strings.HasPrefix(k, "cognito:") {
			continue
		}
		out = append(out, AttributeType{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b AttributeType) int { return strings.Compare(a.Name, b.Name) })
	return out
}
