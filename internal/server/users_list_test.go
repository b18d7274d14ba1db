package server_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func usernames(users []types.UserType) []string {
	out := []string{}
	for _, u := range users {
		out = append(out, aws.ToString(u.Username))
	}
	slices.Sort(out)
	return out
}

func TestListUsersFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "alice@example.com"), attr("given_name", "Al"))
	_, err := e.createUser(poolID, "anna", attr("email", "anna@example.com")) // FORCE_CHANGE_PASSWORD
	ok(t, err, "create anna")
	e.confirmedUser(poolID, "bob", goodPassword, attr("email", "bob@example.com"))
	_, err = e.SDK.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob")})
	ok(t, err, "disable bob")

	cases := []struct {
		name, filter string
		want         []string
	}{
		{"no filter", "", []string{"alice", "anna", "bob"}},
		{"email equals", `email = "alice@example.com"`, []string{"alice"}},
		{"email prefix", `email ^= "a"`, []string{"alice", "anna"}},
		{"user status", `cognito:user_status = "CONFIRMED"`, []string{"alice", "bob"}},
		{"user status FORCE_CHANGE_PASSWORD", `cognito:user_status = "FORCE_CHANGE_PASSWORD"`, []string{"anna"}},
		// cognito:user_status is the one case-insensitive filter attribute (API reference).
		{"user status ignores case", `cognito:user_status = "confirmed"`, []string{"alice", "bob"}},
		{"user status prefix ignores case", `cognito:user_status ^= "force"`, []string{"anna"}},
		{"status is case-sensitive", `status = "disabled"`, []string{}},
		{"username is case-sensitive", `username = "ANNA"`, []string{}},
		{"disabled", `status = "Disabled"`, []string{"bob"}},
		{"enabled", `status = "Enabled"`, []string{"alice", "anna"}},
		{"username", `username = "anna"`, []string{"anna"}},
		{"given_name", `given_name = "Al"`, []string{"alice"}},
		{"no match", `email = "nobody@example.com"`, []string{}},
		{"spaces around operator optional", `email="bob@example.com"`, []string{"bob"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := e.SDK.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), Filter: aws.String(c.filter)})
			ok(t, err, "ListUsers")
			if got := usernames(out.Users); !slices.Equal(got, c.want) {
				t.Fatalf("filter %q: got %v, want %v", c.filter, got, c.want)
			}
		})
	}
	for _, bad := range []string{`email = alice`, `email ~ "a"`, `email`, `email = "a" and name = "b"`} {
		t.Run("bad "+bad, func(t *testing.T) {
			t.Parallel()
			_, err := e.SDK.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), Filter: aws.String(bad)})
			wantAPIError(t, err, "InvalidParameterException", "Error while parsing filter.")
		})
	}
}

func TestListUsersPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	want := []string{"u1", "u2", "u3", "u4", "u5"}
	for _, n := range want {
		_, err := e.createUser(poolID, n)
		ok(t, err, "create "+n)
	}
	for _, c := range []struct {
		name   string
		filter string
		want   []string
	}{
		{"all", "", want},
		{"filtered", `username ^= "u"`, want},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			seen := map[string]int{}
			var token *string
			for pages := 1; ; pages++ {
				out, err := e.SDK.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(2),
					PaginationToken: token, Filter: aws.String(c.filter)})
				ok(t, err, "ListUsers")
				if len(out.Users) > 2 {
					t.Fatalf("page of %d, Limit 2", len(out.Users))
				}
				for _, u := range out.Users {
					seen[aws.ToString(u.Username)]++
				}
				if token = out.PaginationToken; token == nil {
					if pages != 3 {
						t.Errorf("%d pages, want 3", pages)
					}
					break
				}
				if pages > 5 {
					t.Fatal("pagination does not end")
				}
			}
			for _, n := range c.want {
				if seen[n] != 1 {
					t.Errorf("%s seen %d times", n, seen[n])
				}
			}
			if len(seen) != len(c.want) {
				t.Errorf("seen %v", seen)
			}
		})
	}
}

func TestListUsersAttributesToGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	_, err := e.createUser(poolID, "alice", attr("email", "a@example.com"), attr("name", "A"))
	ok(t, err, "create alice")
	for _, c := range []struct {
		name string
		get  []string
		want []string
	}{
		{"email only", []string{"email"}, []string{"email"}},
		{"email and name", []string{"email", "name"}, []string{"email", "name"}},
		{"all", nil, []string{"email", "name", "sub"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := e.SDK.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), AttributesToGet: c.get})
			ok(t, err, "ListUsers")
			if len(out.Users) != 1 {
				t.Fatalf("%d users", len(out.Users))
			}
			names := []string{}
			for _, a := range out.Users[0].Attributes {
				names = append(names, aws.ToString(a.Name))
			}
			slices.Sort(names)
			if !slices.Equal(names, c.want) {
				t.Fatalf("attributes %v, want %v", names, c.want)
			}
			if aws.ToString(out.Users[0].Username) != "alice" || out.Users[0].UserStatus == "" {
				t.Fatalf("user fields dropped: %+v", out.Users[0])
			}
		})
	}
}

func TestListUsersUnknownPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.SDK.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String("us-east-1_nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
}
