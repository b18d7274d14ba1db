package hosted_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/userpool/userpool/internal/userpool"
)

// Refresh-token families the code grant starts: one per code, whatever
// the concurrency, and they keep their scopes.

// TestCodeRedemptionRace: concurrent redemptions of one code — on a store
// whose transactions all run twice — yield exactly one set of tokens; every
// other request is invalid_grant.
func TestCodeRedemptionRace(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	const racers = 8
	for round := range 3 {
		code := e.code(a.authorize(nil), alice)
		answers := make([]*oauthAnswer, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				<-start
				answers[i] = e.post(a, tokenCall{Form: codeForm(a, code)})
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, ans := range answers {
			switch {
			case ans.Status == http.StatusOK && ans.str("refresh_token") != "":
				ok++
			case ans.Status != http.StatusBadRequest || ans.str("error") != "invalid_grant":
				t.Errorf("round %d: a loser got %d %s, want invalid_grant", round, ans.Status, ans.Raw)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d redemptions succeeded, want exactly 1", round, ok)
		}
	}
}

// TestScopesSurviveRefresh: the scopes a code granted are stored with
// the refresh-token family, so REFRESH_TOKEN_AUTH through the API mints
// with them too, while a family an API sign-in started keeps minting API
// tokens (scope aws.cognito.signin.user.admin, no version) through the
// API and through the token endpoint.
func TestScopesSurviveRefresh(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	alice := e.appUser(a, "alice@example.com")
	oauth := e.redeem(a, e.code(a.authorize(func(r *userpool.AuthorizeRequest) {
		r.Scopes = []string{"openid", "phone"}
	}), alice), nil)
	refresh := func(tok string) map[string]any {
		out, err := e.SDK.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: aws.String(a.ClientID),
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": tok}})
		if err != nil {
			t.Fatalf("REFRESH_TOKEN_AUTH: %v", err)
		}
		return claims(t, aws.ToString(out.AuthenticationResult.AccessToken))
	}
	checkOAuthAccessToken(t, refresh(oauth.str("refresh_token")), a, alice, "openid phone")

	api, err := e.SDK.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: aws.String(a.ClientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": alice.Email, "PASSWORD": "Correct-Horse-9!"}})
	if err != nil {
		t.Fatal(err)
	}
	rt := aws.ToString(api.AuthenticationResult.RefreshToken)
	if c := refresh(rt); c["scope"] != "aws.cognito.signin.user.admin" || c["version"] != nil {
		t.Errorf("API refresh of an API family: %v", c)
	}
	ans := e.post(a, tokenCall{Form: url.Values{"grant_type": {"refresh_token"}, "client_id": {a.ClientID}, "refresh_token": {rt}}})
	if ans.Status != http.StatusOK || ans.str("id_token") == "" {
		t.Fatalf("token endpoint refresh of an API family: %d %s", ans.Status, ans.Raw)
	}
	if c := claims(t, ans.str("access_token")); c["scope"] != "aws.cognito.signin.user.admin" {
		t.Errorf("token endpoint refresh of an API family: %v", c)
	}
}
