package userpool

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userpool/userpool/internal/store"
)

// User statuses (spec §6, the UserStatusType enum).
const (
	StatusUnconfirmed         = "UNCONFIRMED"
	StatusConfirmed           = "CONFIRMED"
	StatusResetRequired       = "RESET_REQUIRED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	StatusExternalProvider    = "EXTERNAL_PROVIDER"
)

func attrValue(attrs []store.Attribute, name string) string {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

func hasAttr(attrs []store.Attribute, name string) bool {
	for _, a := range attrs {
		if a.Name == name {
			return true
		}
	}
	return false
}

// setAttr sets or appends one attribute, keeping the order of the others.
func setAttr(attrs []store.Attribute, name, value string) []store.Attribute {
	for i := range attrs {
		if attrs[i].Name == name {
			attrs[i].Value = value
			return attrs
		}
	}
	return append(attrs, store.Attribute{Name: name, Value: value})
}

func deleteAttr(attrs []store.Attribute, name string) []store.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		if a.Name != name {
			out = append(out, a)
		}
	}
	return out
}

// applyAttributes writes attrs onto the user as Cognito does: changing email
// or phone_number without also setting its *_verified flag unverifies it.
func applyAttributes(u *store.User, attrs []AttributeType) {
	given := map[string]bool{}
	for _, a := range attrs {
		given[a.Name] = true
	}
	for _, a := range attrs {
		old, had := attrValue(u.Attributes, a.Name), hasAttr(u.Attributes, a.Name)
		u.Attributes = setAttr(u.Attributes, a.Name, a.Value)
		if (a.Name == "email" || a.Name == "phone_number") && (!had || old != a.Value) && !given[a.Name+"_verified"] {
			if hasAttr(u.Attributes, a.Name+"_verified") {
				u.Attributes = setAttr(u.Attributes, a.Name+"_verified", "false")
			}
		}
	}
}

func wireAttributes(attrs []store.Attribute) []AttributeType {
	out := make([]AttributeType, len(attrs))
	for i, a := range attrs {
		out[i] = AttributeType(a)
	}
	return out
}

// userKeys derives every lookup key of u (spec §2.3): its username and sub;
// email/phone_number when they are username attributes (verified or not);
// and, in AliasAttributes pools, verified email/phone and preferred_username.
func (d *poolDoc) userKeys(u *store.User) []store.UserKey {
	keys := []store.UserKey{{Kind: "username", Value: d.norm("username", u.Username)}, {Kind: "sub", Value: u.Sub}}
	for _, kind := range []string{"email", "phone_number"} {
		v := attrValue(u.Attributes, kind)
		if v == "" {
			continue
		}
		verified := attrValue(u.Attributes, kind+"_verified") == "true"
		if d.usernameAttr(kind) || (d.aliasAttr(kind) && verified) {
			keys = append(keys, store.UserKey{Kind: kind, Value: d.norm(kind, v)})
		}
	}
	if v := attrValue(u.Attributes, "preferred_username"); v != "" && d.aliasAttr("preferred_username") {
		keys = append(keys, store.UserKey{Kind: "preferred_username", Value: d.norm("preferred_username", v)})
	}
	return keys
}

// lookupKinds lists the key kinds worth trying for a typed name, most
// specific first; kinds that cannot match the value's shape are skipped so
// that an unknown user costs few queries.
func (d *poolDoc) lookupKinds(name string) []string {
	kinds := []string{"username"}
	if strings.Contains(name, "@") {
		kinds = append(kinds, "email")
	}
	if strings.HasPrefix(name, "+") {
		kinds = append(kinds, "phone_number")
	}
	if d.aliasAttr("preferred_username") {
		kinds = append(kinds, "preferred_username")
	}
	if _, err := uuid.Parse(name); err == nil {
		kinds = append(kinds, "sub")
	}
	return kinds
}

// findUser resolves a typed name (username, alias or sub) to a user, or
// returns store.ErrNotFound.
func (s *Service) findUser(ctx context.Context, st store.Store, pool *poolView, name string) (*store.User, error) {
	for _, kind := range pool.doc.lookupKinds(name) {
		u, err := s.userByKey(ctx, st, pool, kind, name)
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, store.ErrNotFound
}

// adminUser resolves a user for an Admin* operation: unknown users give
// UserNotFoundException "User does not exist." (spec §6).
func (s *Service) adminUser(ctx context.Context, st store.Store, pool *poolView, name string) (*store.User, error) {
	u, err := s.findUser(ctx, st, pool, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserDoesNotExist
	}
	return u, err
}

// saveUser writes u (create or update) with freshly derived keys. A taken
// username gives UsernameExistsException; a taken alias either moves to u
// (force, as AdminCreateUser's ForceAliasCreation) or gives AliasExistsException.
// Keys are compared folded (foldCase), so a name folding as an existing one
// does ("\u212Aate" as "kate"); a key that only a fold older than issue 13
// gave its holder is freed instead (rekeyStale).
func (s *Service) saveUser(ctx context.Context, st store.Store, pool *poolView, u *store.User, create, force bool) error {
	for range 4 { // each retry resolves one alias conflict or one stale key
		u.Keys = pool.doc.userKeys(u)
		var err error
		if create {
			err = st.CreateUser(ctx, u)
		} else {
			err = st.UpdateUser(ctx, u)
		}
		var kc *store.KeyConflictError
		if !errors.As(err, &kc) {
			return err
		}
		if freed, err := s.rekeyStale(ctx, st, pool, kc); err != nil || freed {
			if err != nil {
				return err
			}
			continue
		}
		if kc.Kind == "username" || kc.Kind == "sub" || pool.doc.usernameAttr(kc.Kind) {
			return usernameConflict(kc.Kind)
		}
		if !force {
			return aliasConflict(kc.Kind)
		}
		if err := s.dropAlias(ctx, st, pool, kc, u.UpdatedAt); err != nil {
			return err
		}
	}
	return errAliasExists
}

// usernameConflict maps a taken username key. In email/phone-as-username
// pools Cognito names the attribute (OBS); SignUp rewrites the generic text.
func usernameConflict(kind string) error {
	switch kind {
	case "email":
		return errUsernameEmailExists
	case "phone_number":
		return errUsernamePhoneExists
	}
	return errUserAccountExists
}

func aliasConflict(kind string) error {
	if kind == "phone_number" {
		return errPhoneExists
	}
	if kind == "preferred_username" {
		return errPreferredUsernameExists
	}
	return errAliasExists
}

// dropAlias takes an alias away from the user holding it by unverifying the
// attribute there (Cognito moves a verified alias to the newest verifier),
// at now: the instant of the change that takes it.
func (s *Service) dropAlias(ctx context.Context, st store.Store, pool *poolView, kc *store.KeyConflictError, now time.Time) error {
	holder, err := st.GetUserByKey(ctx, pool.ID, kc.Kind, kc.Value)
	if err != nil {
		return err
	}
	if kc.Kind == "preferred_username" {
		holder.Attributes = deleteAttr(holder.Attributes, kc.Kind)
	} else {
		holder.Attributes = setAttr(holder.Attributes, kc.Kind+"_verified", "false")
	}
	holder.UpdatedAt = now
	holder.Keys = pool.doc.userKeys(holder)
	return st.UpdateUser(ctx, holder)
}

// publicUser is the common start of the public, client-authenticated
// operations (spec §2.2 steps 2–4): resolve the client, resolve the typed
// name, and check the SecretHash — over the typed name, or also over the
// canonical username when the user exists. u is nil for an unknown user;
// the caller decides what that means under its PreventUserExistenceErrors.
func (s *Service) publicUser(ctx context.Context, clientID, typed, hash string) (*clientView, *store.User, error) {
	c, err := s.loadClient(ctx, s.store, clientID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.clientUser(ctx, c, typed, hash)
	return c, u, err
}

// clientUser resolves typed in c's pool and checks the SecretHash; an
// unknown user is (nil, nil) once the hash is right.
func (s *Service) clientUser(ctx context.Context, c *clientView, typed, hash string) (*store.User, error) {
	u, err := s.findUser(ctx, s.store, c.pool, typed)
	if errors.Is(err, store.ErrNotFound) {
		return nil, checkSecretHash(c, hash, errSecretNotReceived, typed)
	}
	if err != nil {
		return nil, err
	}
	return u, checkSecretHash(c, hash, errSecretNotReceived, typed, u.Username)
}

// poolUser loads a pool and resolves an admin operation's user through st
// (a transaction or the store).
func (s *Service) poolUser(ctx context.Context, st store.Store, poolID, name string) (*poolView, *store.User, error) {
	pool, err := s.loadPool(ctx, st, poolID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.adminUser(ctx, st, pool, name)
	return pool, u, err
}
