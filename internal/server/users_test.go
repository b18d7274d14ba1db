package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// createUser runs AdminCreateUser (message suppressed) and returns its error.
func (e *env) createUser(poolID, username string, attrs ...types.AttributeType) (*types.UserType, error) {
	out, err := e.SDK.AdminCreateUser(e.t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID),
		Username: aws.String(username), UserAttributes: attrs, MessageAction: types.MessageActionTypeSuppress})
	if err != nil {
		return nil, err
	}
	return out.User, nil
}

func (e *env) adminGet(poolID, name string) error {
	_, err := e.SDK.AdminGetUser(e.t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
	return err
}

func TestAdminCreateUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	u, err := e.createUser(poolID, "alice", attr("email", "alice@example.com"), attr("name", "Alice"))
	ok(t, err, "AdminCreateUser")
	got := e.getUser(poolID, "alice")
	for _, c := range []struct {
		name     string
		username string
		status   types.UserStatusType
		enabled  bool
		attrs    []types.AttributeType
	}{
		{"AdminCreateUser", aws.ToString(u.Username), u.UserStatus, u.Enabled, u.Attributes},
		{"AdminGetUser", aws.ToString(got.Username), got.UserStatus, got.Enabled, got.UserAttributes},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.username != "alice" || c.status != types.UserStatusTypeForceChangePassword || !c.enabled {
				t.Errorf("user %s status %s enabled %v, want alice FORCE_CHANGE_PASSWORD true", c.username, c.status, c.enabled)
			}
			if sub, has := attrValue(c.attrs, "sub"); !has || !uuidAny.MatchString(sub) {
				t.Errorf("sub %q (present %v) is not a UUID", sub, has)
			}
			if v, _ := attrValue(c.attrs, "email"); v != "alice@example.com" {
				t.Errorf("email %q", v)
			}
			if v, _ := attrValue(c.attrs, "name"); v != "Alice" {
				t.Errorf("name %q", v)
			}
		})
	}
	if got.UserCreateDate == nil || got.UserLastModifiedDate == nil {
		t.Errorf("dates missing")
	}
	_, err = e.createUser(poolID, "alice")
	wantAPIError(t, err, "UsernameExistsException", "User account already exists")
}

func TestAdminGetUserLookup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plain := aws.ToString(e.pool().Id)
	alias := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
	}).Id)
	insensitive := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
	}).Id)

	_, err := e.createUser(plain, "alice")
	ok(t, err, "create plain alice")
	sub, _ := attrValue(e.getUser(plain, "alice").UserAttributes, "sub")
	_, err = e.createUser(alias, "alice", attr("email", "alice@example.com"), attr("email_verified", "true"))
	ok(t, err, "create alias alice")
	_, err = e.createUser(alias, "bob", attr("email", "bob@example.com"))
	ok(t, err, "create alias bob (unverified)")
	_, err = e.createUser(insensitive, "alice", attr("email", "alice@example.com"))
	ok(t, err, "create insensitive alice")

	cases := []struct {
		name, pool, lookup string
		want               string // canonical Username, or "" for UserNotFoundException
	}{
		{"by username", plain, "alice", "alice"},
		{"by sub", plain, sub, "alice"},
		{"unknown", plain, "nobody", ""},
		{"default pool is case-sensitive", plain, "Alice", ""},
		{"verified email alias", alias, "alice@example.com", "alice"},
		{"unverified email alias does not resolve", alias, "bob@example.com", ""},
		{"alias pool by username", alias, "bob", "bob"},
		{"case-insensitive pool, other case", insensitive, "ALICE", "alice"},
		{"case-insensitive pool, same case", insensitive, "alice", "alice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			if c.want == "" {
				wantAPIError(t, e.adminGet(c.pool, c.lookup), "UserNotFoundException", "User does not exist.")
				return
			}
			if got := aws.ToString(e.getUser(c.pool, c.lookup).Username); got != c.want {
				t.Fatalf("resolved to %q, want %q", got, c.want)
			}
		})
	}
}

func TestCaseInsensitivePoolUsernamesUnique(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
	}).Id)
	sensitive := aws.ToString(e.pool().Id)
	_, err := e.createUser(poolID, "alice")
	ok(t, err, "create alice")
	_, err = e.createUser(poolID, "Alice")
	wantAPIError(t, err, "UsernameExistsException", "User account already exists")
	_, err = e.createUser(sensitive, "alice")
	ok(t, err, "create alice")
	_, err = e.createUser(sensitive, "Alice")
	ok(t, err, "a case-sensitive pool holds alice and Alice apart")
}

func TestEmailAsUsernamePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	}).Id)
	u, err := e.createUser(poolID, "carol@example.com")
	ok(t, err, "AdminCreateUser")
	sub, _ := attrValue(u.Attributes, "sub")
	if !uuidAny.MatchString(aws.ToString(u.Username)) || aws.ToString(u.Username) != sub {
		t.Fatalf("stored Username %q, want a UUID equal to sub %q", aws.ToString(u.Username), sub)
	}
	if v, _ := attrValue(u.Attributes, "email"); v != "carol@example.com" {
		t.Fatalf("email attribute %q", v)
	}
	for _, name := range []string{"carol@example.com", sub} {
		if got := aws.ToString(e.getUser(poolID, name).Username); got != sub {
			t.Errorf("lookup %q resolved to %q, want %q", name, got, sub)
		}
	}
	_, err = e.createUser(poolID, "carol")
	wantAPIError(t, err, "InvalidParameterException", "Username should be an email.")
	_, err = e.createUser(poolID, "carol@example.com")
	wantAPICode(t, err, "UsernameExistsException")
}

func TestAdminSetUserPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	for _, c := range []struct {
		name      string
		permanent bool
		status    types.UserStatusType
		challenge types.ChallengeNameType
	}{
		{"permanent", true, types.UserStatusTypeConfirmed, ""},
		{"temporary", false, types.UserStatusTypeForceChangePassword, types.ChallengeNameTypeNewPasswordRequired},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			_, err := e.createUser(poolID, c.name)
			ok(t, err, "AdminCreateUser")
			_, err = e.SDK.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
				Username: aws.String(c.name), Password: aws.String(goodPassword), Permanent: c.permanent})
			ok(t, err, "AdminSetUserPassword")
			if got := e.getUser(poolID, c.name).UserStatus; got != c.status {
				t.Errorf("status %s, want %s", got, c.status)
			}
			out, err := e.initiate(clientID, c.name, goodPassword)
			ok(t, err, "InitiateAuth with the set password")
			if out.ChallengeName != c.challenge || (c.challenge == "") != (out.AuthenticationResult != nil) {
				t.Errorf("sign-in gave challenge %q tokens %v, want challenge %q", out.ChallengeName, out.AuthenticationResult != nil, c.challenge)
			}
		})
	}
}

func TestAdminSetUserPasswordPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	_, err := e.createUser(poolID, "alice")
	ok(t, err, "AdminCreateUser")
	const prefix = "Password does not conform to policy: "
	for _, c := range []struct{ name, password, reason string }{
		{"too short", "Pa1!", "Password not long enough"},
		{"no uppercase", "passw0rd!", "Password must have uppercase characters"},
		{"no lowercase", "PASSW0RD!", "Password must have lowercase characters"},
		{"no number", "Password!", "Password must have numeric characters"},
		{"no symbol", "Passw0rdx", "Password must have symbol characters"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.SDK.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
				Username: aws.String("alice"), Password: aws.String(c.password), Permanent: true})
			wantAPIError(t, err, "InvalidPasswordException", prefix+c.reason)
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		_, err := e.SDK.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
			Username: aws.String("nobody"), Password: aws.String(goodPassword), Permanent: true})
		wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	})
}

func TestAdminUpdateUserAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	update := func(t *testing.T, attrs ...types.AttributeType) error {
		_, err := e.SDK.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("alice"), UserAttributes: attrs})
		return err
	}
	_, err := e.createUser(poolID, "alice", attr("email", "a@example.com"), attr("email_verified", "true"), attr("name", "A"))
	ok(t, err, "AdminCreateUser")
	steps := []struct {
		name  string
		attrs []types.AttributeType
		want  map[string]string
	}{
		{"other attribute leaves verification alone", []types.AttributeType{attr("name", "B")},
			map[string]string{"name": "B", "email": "a@example.com", "email_verified": "true"}},
		{"new email without email_verified unverifies", []types.AttributeType{attr("email", "b@example.com")},
			map[string]string{"email": "b@example.com", "email_verified": "false"}},
		{"new email with email_verified true", []types.AttributeType{attr("email", "c@example.com"), attr("email_verified", "true")},
			map[string]string{"email": "c@example.com", "email_verified": "true"}},
	}
	for _, s := range steps { // sequential: each step builds on the last
		t.Run(s.name, func(t *testing.T) {
			ok(t, update(t, s.attrs...), "AdminUpdateUserAttributes")
			got := e.with(t).getUser(poolID, "alice").UserAttributes
			for name, want := range s.want {
				if v, _ := attrValue(got, name); v != want {
					t.Errorf("%s = %q, want %q", name, v, want)
				}
			}
		})
	}
	t.Run("unknown attribute", func(t *testing.T) {
		wantAPIError(t, update(t, attr("foo", "x")), "InvalidParameterException",
			"Attributes did not conform to the schema: foo: Attribute does not exist in the schema.")
	})
	t.Run("unknown user", func(t *testing.T) {
		_, err := e.SDK.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("nobody"), UserAttributes: []types.AttributeType{attr("name", "x")}})
		wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	})
}

func TestAliasConflicts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
	}).Id)
	const shared = "shared@example.com"
	const msg = "An account with the given email already exists."
	_, err := e.createUser(poolID, "alice", attr("email", shared), attr("email_verified", "true"))
	ok(t, err, "create alice")

	_, err = e.createUser(poolID, "bob", attr("email", shared), attr("email_verified", "true"))
	wantAPIError(t, err, "AliasExistsException", msg)
	wantAPIError(t, e.adminGet(poolID, "bob"), "UserNotFoundException", "User does not exist.")

	// Unverified, the same address is no alias and does not conflict.
	_, err = e.createUser(poolID, "bob", attr("email", shared))
	ok(t, err, "create bob with the unverified address")
	_, err = e.SDK.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
		Username: aws.String("bob"), UserAttributes: []types.AttributeType{attr("email_verified", "true")}})
	wantAPIError(t, err, "AliasExistsException", msg)
	if v, _ := attrValue(e.getUser(poolID, "bob").UserAttributes, "email_verified"); v == "true" {
		t.Error("the refused update was applied")
	}
	if got := aws.ToString(e.getUser(poolID, shared).Username); got != "alice" {
		t.Fatalf("alias resolves to %q, want alice", got)
	}

	// ForceAliasCreation moves the alias to the new user (API reference).
	_, err = e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("carol"),
		UserAttributes:     []types.AttributeType{attr("email", shared), attr("email_verified", "true")},
		ForceAliasCreation: true, MessageAction: types.MessageActionTypeSuppress})
	ok(t, err, "AdminCreateUser with ForceAliasCreation")
	if got := aws.ToString(e.getUser(poolID, shared).Username); got != "carol" {
		t.Fatalf("after ForceAliasCreation the alias resolves to %q, want carol", got)
	}
	e.getUser(poolID, "alice") // the previous holder still exists
}

func TestAdminDeleteUserAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	_, err := e.createUser(poolID, "alice", attr("email", "a@example.com"), attr("name", "A"), attr("given_name", "Al"))
	ok(t, err, "AdminCreateUser")
	del := func(names ...string) error {
		_, err := e.SDK.AdminDeleteUserAttributes(t.Context(), &cip.AdminDeleteUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("alice"), UserAttributeNames: names})
		return err
	}
	ok(t, del("name", "email"), "AdminDeleteUserAttributes")
	got := e.getUser(poolID, "alice").UserAttributes
	for _, gone := range []string{"name", "email"} {
		if _, has := attrValue(got, gone); has {
			t.Errorf("%s still present", gone)
		}
	}
	for _, kept := range []string{"given_name", "sub"} {
		if _, has := attrValue(got, kept); !has {
			t.Errorf("%s was deleted too", kept)
		}
	}
	wantAPICode(t, del("foo"), "InvalidParameterException")
}

func TestAdminDisableEnableUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword)
	before := e.signIn(clientID, "alice", goodPassword)
	in := &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")}
	_, err := e.SDK.AdminDisableUser(ctx, in)
	ok(t, err, "AdminDisableUser")
	if e.getUser(poolID, "alice").Enabled {
		t.Fatal("Enabled after AdminDisableUser")
	}
	_, err = e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
	// AdminDisableUser revokes the user's tokens (API reference); the
	// wording for each token kind is not pinned by the spec.
	_, err = e.SDK.GetUser(ctx, &cip.GetUserInput{AccessToken: before.AccessToken})
	wantAPICode(t, err, "NotAuthorizedException")

	_, err = e.SDK.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
	ok(t, err, "AdminEnableUser")
	if !e.getUser(poolID, "alice").Enabled {
		t.Fatal("not Enabled after AdminEnableUser")
	}
	e.signIn(clientID, "alice", goodPassword)

	_, err = e.SDK.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}

func TestAdminDeleteUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	_, err := e.createUser(poolID, "alice", attr("email", "a@example.com"))
	ok(t, err, "AdminCreateUser")
	del := func() error {
		_, err := e.SDK.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
		return err
	}
	ok(t, del(), "AdminDeleteUser")
	wantAPIError(t, e.adminGet(poolID, "alice"), "UserNotFoundException", "User does not exist.")
	wantAPIError(t, del(), "UserNotFoundException", "User does not exist.")
	if n := e.describePool(poolID).EstimatedNumberOfUsers; n != 0 {
		t.Errorf("EstimatedNumberOfUsers %d after delete", n)
	}
	_, err = e.createUser(poolID, "alice")
	ok(t, err, "the username is free again")
}
