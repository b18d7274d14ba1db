package hosted_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/userpool/userpool/internal/userpool"
)

// TestUserInfoScopes: userInfo releases the attributes the token's scopes
// allow, with the *_verified flags as the strings Cognito gives.
func TestUserInfoScopes(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	if _, err := e.SDK.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(a.PoolID), Username: aws.String(alice.Username),
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550100")},
			{Name: aws.String("name"), Value: aws.String("Alice Liddell")}}}); err != nil {
		t.Fatal(err)
	}
	sub := claims(t, e.redeem(a, e.code(a.authorize(nil), alice), nil).str("id_token"))["sub"]
	for _, tc := range []struct {
		scopes []string
		want   map[string]any
	}{
		{[]string{"openid"}, map[string]any{}},
		{[]string{"openid", "email"}, map[string]any{"email": alice.Email, "email_verified": "true"}},
		{[]string{"openid", "phone"}, map[string]any{"phone_number": "+15555550100", "phone_number_verified": "false"}},
		{[]string{"openid", "profile"}, map[string]any{"name": "Alice Liddell"}},
		{[]string{"openid", "aws.cognito.signin.user.admin"}, map[string]any{"email": alice.Email, "email_verified": "true",
			"phone_number": "+15555550100", "phone_number_verified": "false", "name": "Alice Liddell"}},
	} {
		ans := e.redeem(a, e.code(a.authorize(func(r *userpool.AuthorizeRequest) { r.Scopes = tc.scopes }), alice), nil)
		got := e.userInfo(a, ans.str("access_token"))
		if got.Status != http.StatusOK {
			t.Fatalf("%v: %d %s", tc.scopes, got.Status, got.Raw)
		}
		tc.want["sub"], tc.want["username"] = sub, alice.Username
		if len(got.Body) != len(tc.want) {
			t.Errorf("%v: %s, want exactly %v", tc.scopes, got.Raw, tc.want)
		}
		for k, v := range tc.want {
			if got.Body[k] != v {
				t.Errorf("%v: %s = %v, want %v", tc.scopes, k, got.Body[k], v)
			}
		}
	}
}

// TestUserInfoRefusals: an expired token, an API token without openid,
// a token of another pool, garbage and a missing header.
func TestUserInfoRefusals(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	b := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	at := e.redeem(a, e.code(a.authorize(nil), alice), nil).str("access_token")
	if got := e.userInfo(b, at); got.Status != http.StatusUnauthorized {
		t.Errorf("token of another pool's domain: %d %s", got.Status, got.Raw)
	}
	if got := e.userInfo(a, "not.a.jwt"); got.Status != http.StatusUnauthorized || got.str("error") != "invalid_token" {
		t.Errorf("garbage token: %d %s", got.Status, got.Raw)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.Base+"/oauth2/userInfo", nil)
	if got := e.do(req); got.Status != http.StatusBadRequest || got.str("error") != "invalid_request" {
		t.Errorf("no Authorization: %d %s", got.Status, got.Raw)
	}
	if got := e.userInfo(a, at); got.Status != http.StatusOK {
		t.Fatalf("before expiry: %d %s", got.Status, got.Raw)
	}
	if err := e.Clock.Set(t.Context(), e.Clock.Now().Add(time.Hour+time.Second)); err != nil {
		t.Fatal(err)
	}
	got := e.userInfo(a, at)
	if got.Status != http.StatusUnauthorized || got.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("expired token: %d %v %s", got.Status, got.Header, got.Raw)
	}
}

// TestCodeLifetime: a code works until five minutes after it was issued
// on the service clock.
func TestCodeLifetime(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	code := e.code(a.authorize(nil), alice)
	if err := e.Clock.Set(t.Context(), e.Clock.Now().Add(5*time.Minute-2*time.Second)); err != nil {
		t.Fatal(err)
	}
	e.redeem(a, code, nil)
}
