package userpool

import (
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/userpool/userpool/internal/store"
)

// Shapes of email and E.164 phone values, used to decide what a typed
// username is in email/phone-as-username and alias pools.
var (
	emailShape = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
	phoneShape = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

// newUser builds a user record from a typed username and attributes,
// applying the pool's username rules (spec §2.3):
//   - UsernameAttributes pools: the name must be an allowed email/phone; the
//     stored username is a generated UUID (= sub) and the name becomes the
//     email or phone_number attribute;
//   - AliasAttributes pools: the username must not look like an alias value;
//   - otherwise the username is stored as typed.
func (s *Service) newUser(pool *poolView, name string, attrs []AttributeType, status string, now time.Time) (*store.User, error) {
	sub := uuid.NewString()
	username := name
	d := pool.doc
	extra := []AttributeType{}
	if len(d.UsernameAttributes) > 0 {
		kind, err := usernameKind(d, name)
		if err != nil {
			return nil, err
		}
		username = sub
		extra = append(extra, AttributeType{Name: kind, Value: name})
	} else if (d.aliasAttr("email") && emailShape.MatchString(name)) || (d.aliasAttr("phone_number") && phoneShape.MatchString(name)) {
		return nil, errUsernameIsUUID
	}
	if err := d.checkAttributes(attrs, attrCreate); err != nil {
		return nil, err
	}
	u := &store.User{PoolID: pool.ID, Username: username, Sub: sub, Status: status, Enabled: true,
		Attributes: []store.Attribute{{Name: "sub", Value: sub}}, CreatedAt: now, UpdatedAt: now}
	// One call, so that an email_verified given with an email-as-username
	// name applies to that email instead of being reset by it.
	applyAttributes(u, append(extraUnlessGiven(extra, attrs), attrs...))
	if err := d.checkRequired(u.Attributes); err != nil {
		return nil, err
	}
	return u, nil
}

func extraUnlessGiven(extra, given []AttributeType) []AttributeType {
	out := []AttributeType{}
	for _, e := range extra {
		found := false
		for _, g := range given {
			found = found || g.Name == e.Name
		}
		if !found {
			out = append(out, e)
		}
	}
	return out
}

// usernameKind says which username attribute a typed name is, or the
// InvalidParameterException Cognito gives when it is neither.
func usernameKind(d *poolDoc, name string) (string, error) {
	email, phone := d.usernameAttr("email"), d.usernameAttr("phone_number")
	switch {
	case email && emailShape.MatchString(name):
		return "email", nil
	case phone && phoneShape.MatchString(name):
		return "phone_number", nil
	case email && phone:
		return "", errUsernameEmailPhone
	case email:
		return "", errUsernameEmail
	}
	return "", errUsernamePhone
}
