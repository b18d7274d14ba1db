package server_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var clientIDShape = regexp.MustCompile(`^[a-z0-9]{26}$`)

// defaultFlows is ExplicitAuthFlows when the request omits it (spec §6).
var defaultFlows = []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}

// bareClient creates a client with nothing but its name set.
func (e *env) bareClient(poolID string, tweak ...func(*cip.CreateUserPoolClientInput)) *types.UserPoolClientType {
	e.t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("bare")}
	for _, f := range tweak {
		f(in)
	}
	out, err := e.SDK.CreateUserPoolClient(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return out.UserPoolClient
}

func (e *env) describeClient(poolID, clientID string) (*types.UserPoolClientType, error) {
	out, err := e.SDK.DescribeUserPoolClient(e.t.Context(), &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
	if err != nil {
		return nil, err
	}
	return out.UserPoolClient, nil
}

// checkClientDefaults asserts Cognito's defaults for omitted client members.
func checkClientDefaults(t *testing.T, c *types.UserPoolClientType) {
	t.Helper()
	if c.RefreshTokenValidity != 30 {
		t.Errorf("RefreshTokenValidity %d, want 30", c.RefreshTokenValidity)
	}
	if c.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy {
		t.Errorf("PreventUserExistenceErrors %q, want LEGACY", c.PreventUserExistenceErrors)
	}
	if !aws.ToBool(c.EnableTokenRevocation) {
		t.Errorf("EnableTokenRevocation %v, want true", c.EnableTokenRevocation)
	}
	if aws.ToInt32(c.AuthSessionValidity) != 3 {
		t.Errorf("AuthSessionValidity %v, want 3", c.AuthSessionValidity)
	}
	if !slices.Equal(c.ExplicitAuthFlows, defaultFlows) {
		t.Errorf("ExplicitAuthFlows %v, want %v", c.ExplicitAuthFlows, defaultFlows)
	}
}

func TestCreateUserPoolClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	cases := []struct {
		name       string
		secret     bool
		wantSecret bool
	}{
		{"without secret", false, false},
		{"GenerateSecret", true, true},
	}
	ids := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e.with(t)
			created := e.bareClient(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = c.secret })
			id := aws.ToString(created.ClientId)
			if !clientIDShape.MatchString(id) {
				t.Errorf("ClientId %q is not 26 lowercase alphanumerics", id)
			}
			if ids[id] {
				t.Errorf("ClientId %s issued twice", id)
			}
			ids[id] = true
			if got := aws.ToString(created.ClientSecret) != ""; got != c.wantSecret {
				t.Errorf("has secret %v, want %v", got, c.wantSecret)
			}
			if aws.ToString(created.UserPoolId) != poolID || aws.ToString(created.ClientName) != "bare" ||
				created.CreationDate == nil || created.LastModifiedDate == nil {
				t.Errorf("client %+v", created)
			}
			checkClientDefaults(t, created)
			described, err := e.describeClient(poolID, id)
			ok(t, err, "DescribeUserPoolClient")
			if aws.ToString(described.ClientSecret) != aws.ToString(created.ClientSecret) {
				t.Errorf("described secret %q differs from the created %q", aws.ToString(described.ClientSecret), aws.ToString(created.ClientSecret))
			}
			if aws.ToString(described.ClientId) != id || aws.ToString(described.ClientName) != "bare" {
				t.Errorf("described %+v", described)
			}
			checkClientDefaults(t, described)
		})
	}
}

func TestCreateUserPoolClientGivenSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	c := e.bareClient(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
		in.EnableTokenRevocation = aws.Bool(false)
		in.RefreshTokenValidity = 10
		in.AccessTokenValidity = aws.Int32(2)
		in.TokenValidityUnits = &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeHours, RefreshToken: types.TimeUnitsTypeDays}
		in.AuthSessionValidity = aws.Int32(10)
	})
	d, err := e.describeClient(poolID, aws.ToString(c.ClientId))
	ok(t, err, "DescribeUserPoolClient")
	for name, got := range map[string]*types.UserPoolClientType{"created": c, "described": d} {
		if !slices.Equal(got.ExplicitAuthFlows, []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}) ||
			got.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled || aws.ToBool(got.EnableTokenRevocation) ||
			got.RefreshTokenValidity != 10 || aws.ToInt32(got.AccessTokenValidity) != 2 || aws.ToInt32(got.AuthSessionValidity) != 10 ||
			got.TokenValidityUnits == nil || got.TokenValidityUnits.AccessToken != types.TimeUnitsTypeHours {
			t.Errorf("%s client does not carry the given settings: %+v", name, got)
		}
	}
}

func TestUpdateUserPoolClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	created := e.bareClient(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.GenerateSecret = true
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		in.RefreshTokenValidity = 10
	})
	id := aws.ToString(created.ClientId)
	e.Clock.Advance(2 * time.Second)
	out, err := e.SDK.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(id),
		ClientName: aws.String("renamed"), PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	ok(t, err, "UpdateUserPoolClient")
	d, err := e.describeClient(poolID, id)
	ok(t, err, "DescribeUserPoolClient")
	for name, got := range map[string]*types.UserPoolClientType{"returned": out.UserPoolClient, "described": d} {
		t.Run(name, func(t *testing.T) {
			if aws.ToString(got.ClientName) != "renamed" || got.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled {
				t.Errorf("update not applied: %+v", got)
			}
			// Omitted members go back to their defaults, as with UpdateUserPool.
			if got.RefreshTokenValidity != 30 || !slices.Equal(got.ExplicitAuthFlows, defaultFlows) {
				t.Errorf("omitted members not reset: RefreshTokenValidity %d flows %v", got.RefreshTokenValidity, got.ExplicitAuthFlows)
			}
			if aws.ToString(got.ClientId) != id || aws.ToString(got.ClientSecret) != aws.ToString(created.ClientSecret) {
				t.Errorf("identity changed: id %q secret %q", aws.ToString(got.ClientId), aws.ToString(got.ClientSecret))
			}
			if !got.CreationDate.Equal(*created.CreationDate) || !got.LastModifiedDate.After(*created.LastModifiedDate) {
				t.Errorf("dates: created %v modified %v (was %v)", got.CreationDate, got.LastModifiedDate, created.LastModifiedDate)
			}
		})
	}
}

func TestListUserPoolClientsPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	other := aws.ToString(e.pool().Id)
	e.bareClient(other) // must not show up
	want := map[string]bool{}
	for range 3 {
		want[aws.ToString(e.bareClient(poolID).ClientId)] = true
	}
	seen := map[string]int{}
	var token *string
	for pages := 1; ; pages++ {
		out, err := e.SDK.ListUserPoolClients(t.Context(), &cip.ListUserPoolClientsInput{UserPoolId: aws.String(poolID),
			MaxResults: aws.Int32(2), NextToken: token})
		ok(t, err, "ListUserPoolClients")
		if len(out.UserPoolClients) > 2 {
			t.Fatalf("page of %d, MaxResults 2", len(out.UserPoolClients))
		}
		for _, c := range out.UserPoolClients {
			seen[aws.ToString(c.ClientId)]++
			if aws.ToString(c.UserPoolId) != poolID || aws.ToString(c.ClientName) != "bare" {
				t.Errorf("description %+v", c)
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %v, want %v", seen, want)
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("client %s seen %d times", id, seen[id])
		}
	}
}

func TestDeleteUserPoolClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	id := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword)
	_, err := e.SDK.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(id)})
	ok(t, err, "DeleteUserPoolClient")
	gone := "User pool client " + id + " does not exist."
	_, err = e.describeClient(poolID, id)
	wantAPIError(t, err, "ResourceNotFoundException", gone)
	_, err = e.initiate(id, "alice", goodPassword)
	wantAPIError(t, err, "ResourceNotFoundException", gone)
	_, err = e.SDK.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(id)})
	wantAPIError(t, err, "ResourceNotFoundException", gone)
	e.getUser(poolID, "alice") // users do not belong to clients
}

func TestUserPoolClientNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolA := aws.ToString(e.pool().Id)
	poolB := aws.ToString(e.pool().Id)
	clientA := aws.ToString(e.bareClient(poolA).ClientId)
	const unknownPool = "us-east-1_nope"
	clientGone := "User pool client " + clientA + " does not exist."
	poolGone := "User pool " + unknownPool + " does not exist."
	cases := []struct {
		name, pool, msg string
		call            func(pool string) error
	}{
		{"Describe in another pool", poolB, clientGone, func(p string) error {
			_, err := e.describeClient(p, clientA)
			return err
		}},
		{"Update in another pool", poolB, clientGone, func(p string) error {
			_, err := e.SDK.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(p), ClientId: aws.String(clientA), ClientName: aws.String("x")})
			return err
		}},
		{"Delete in another pool", poolB, clientGone, func(p string) error {
			_, err := e.SDK.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(p), ClientId: aws.String(clientA)})
			return err
		}},
		{"Describe unknown client", poolA, "User pool client nosuchclient does not exist.", func(p string) error {
			_, err := e.describeClient(p, "nosuchclient")
			return err
		}},
		{"Describe in unknown pool", unknownPool, poolGone, func(p string) error {
			_, err := e.describeClient(p, clientA)
			return err
		}},
		{"Create in unknown pool", unknownPool, poolGone, func(p string) error {
			_, err := e.SDK.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p), ClientName: aws.String("x")})
			return err
		}},
		{"List in unknown pool", unknownPool, poolGone, func(p string) error {
			_, err := e.SDK.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(p), MaxResults: aws.Int32(10)})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, c.call(c.pool), "ResourceNotFoundException", c.msg) })
	}
	// None of the foreign-pool calls touched the client.
	d, err := e.describeClient(poolA, clientA)
	ok(t, err, "DescribeUserPoolClient in its own pool")
	if aws.ToString(d.ClientName) != "bare" {
		t.Fatalf("client renamed through another pool: %q", aws.ToString(d.ClientName))
	}
}
