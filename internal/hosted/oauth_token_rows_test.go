package hosted_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

const bad = http.StatusBadRequest

// tokenErrorRows is the table of TestTokenEndpointErrors.
func tokenErrorRows() []tokenErrorRow {
	return append(append(requestRows(), codeRows()...), append(clientRows(), otherGrantRows()...)...)
}

// requestRows: malformed requests.
func requestRows() []tokenErrorRow {
	return []tokenErrorRow{
		{name: "JSONContentType", issue: plainCode, status: bad, code: "invalid_request",
			call: func(e *tokenErrorEnv, code string) (*app, tokenCall) {
				return e.pub, tokenCall{Form: codeForm(e.pub, code), ContentType: "application/json"}
			}},
		{name: "NoGrantType", issue: plainCode, status: bad, code: "invalid_request",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "grant_type", "")
			})},
		{name: "UnsupportedGrant", issue: plainCode, status: bad, code: "unsupported_grant_type",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "grant_type", "password", "username", "alice@example.com")
			})},
		{name: "RepeatedParameter", issue: plainCode, status: bad, code: "invalid_request",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				f := codeForm(e.pub, code)
				f.Add("redirect_uri", "https://evil.example/")
				return f
			})},
		{name: "NoCode", issue: plainCode, status: bad, code: "invalid_request",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values { return with(codeForm(e.pub, code), "code", "") })},
		{name: "NoRedirectURI", issue: plainCode, status: bad, code: "invalid_request",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "redirect_uri", "")
			})},
	}
}

// codeRows: codes that are not good for the request.
func codeRows() []tokenErrorRow {
	return []tokenErrorRow{
		{name: "WrongRedirectURI", issue: plainCode, status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "redirect_uri", callbackURL+"/")
			})},
		{name: "UnknownCode", status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, _ string) url.Values {
				return codeForm(e.pub, "6f1f4b8e-8a43-4b2e-9d53-2d5a2e7f0c11")
			})},
		{name: "TamperedCode", issue: plainCode, status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				b := []byte(code)
				b[len(b)/2] ^= 1
				return codeForm(e.pub, string(b))
			})},
		{name: "CodeOfAnotherClient", issue: func(e *tokenErrorEnv, _ *app, u user) string {
			return e.code(e.other.authorize(nil), u)
		}, status: bad, code: "invalid_grant",
			call:  pubCall(func(e *tokenErrorEnv, code string) url.Values { return codeForm(e.pub, code) }),
			after: func(t *testing.T, e *tokenErrorEnv, _ *app, code string) { stillRedeemable(t, e, e.other, code) }},
		{name: "MissingVerifier", issue: pkceCode("S256", pkceChallenge), status: bad, code: "invalid_request",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values { return codeForm(e.pub, code) })},
		{name: "WrongVerifier", issue: pkceCode("S256", pkceChallenge), status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "code_verifier", pkceVerifier[1:]+"A")
			})},
		{name: "S256ChallengeSentAsVerifier", issue: pkceCode("S256", pkceChallenge), status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "code_verifier", pkceChallenge)
			})},
		{name: "WrongPlainVerifier", issue: pkceCode("plain", pkceVerifier), status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "code_verifier", pkceChallenge)
			})},
		{name: "ExpiredCode", issue: func(e *tokenErrorEnv, a *app, u user) string {
			c := plainCode(e, a, u)
			if err := e.Clock.Set(e.t.Context(), e.Clock.Now().Add(5*time.Minute+time.Second)); err != nil {
				e.t.Fatal(err)
			}
			return c
		}, status: bad, code: "invalid_grant", after: stillRefused,
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values { return codeForm(e.pub, code) })},
		{name: "ReusedCode", issue: func(e *tokenErrorEnv, a *app, u user) string {
			c := plainCode(e, a, u)
			first := e.redeem(a, c, nil)
			reusedFirst[c] = first.str("refresh_token")
			return c
		}, status: bad, code: "invalid_grant", after: firstTokensLive,
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values { return codeForm(e.pub, code) })},
		{name: "DisabledUser", issue: func(e *tokenErrorEnv, a *app, u user) string {
			c := plainCode(e, a, u)
			e.setEnabled(a, u, false)
			return c
		}, status: bad, code: "invalid_grant",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values { return codeForm(e.pub, code) }),
			after: func(t *testing.T, e *tokenErrorEnv, a *app, code string) {
				e.setEnabled(a, e.alice, true)
				stillRedeemable(t, e, a, code)
			}},
	}
}

// reusedFirst remembers the refresh token of a code's first redemption.
var reusedFirst = map[string]string{}

// firstTokensLive: reusing a code changes nothing else; the first
// redemption's refresh token still refreshes.
func firstTokensLive(t *testing.T, e *tokenErrorEnv, a *app, code string) {
	t.Helper()
	stillRefused(t, e, a, code)
	ans := e.post(a, tokenCall{Form: url.Values{"grant_type": {"refresh_token"}, "client_id": {a.ClientID},
		"refresh_token": {reusedFirst[code]}}})
	if ans.Status != http.StatusOK || ans.str("access_token") == "" {
		t.Errorf("refresh after the reuse: status %d %s", ans.Status, ans.Raw)
	}
}

func (e *tokenErrorEnv) setEnabled(a *app, u user, on bool) {
	e.t.Helper()
	var err error
	if on {
		_, err = e.SDK.AdminEnableUser(e.t.Context(), &cip.AdminEnableUserInput{UserPoolId: aws.String(a.PoolID), Username: aws.String(u.Username)})
	} else {
		_, err = e.SDK.AdminDisableUser(e.t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(a.PoolID), Username: aws.String(u.Username)})
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// clientRows: client authentication.
func clientRows() []tokenErrorRow {
	return []tokenErrorRow{
		{name: "UnknownClient", issue: plainCode, status: bad, code: "invalid_client",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "client_id", "7nonexistentclient00000000")
			})},
		{name: "NoClientID", issue: plainCode, status: bad, code: "invalid_client",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "client_id", "")
			})},
		{name: "PublicClientSendsSecret", issue: plainCode, status: bad, code: "invalid_client",
			call: pubCall(func(e *tokenErrorEnv, code string) url.Values {
				return with(codeForm(e.pub, code), "client_secret", "guess")
			})},
		{name: "ClientOfAnotherDomain", owner: confCarol, issue: plainCode, status: bad, code: "invalid_client",
			call: func(e *tokenErrorEnv, code string) (*app, tokenCall) {
				_, c := confCall(e.conf.Secret, "")(e, code)
				return e.pub, c
			}},
		{name: "ConfidentialNoSecret", owner: confCarol, issue: plainCode, status: bad, code: "invalid_client",
			call: confCall("", "")},
		{name: "WrongSecretBasic", owner: confCarol, issue: plainCode, status: bad, code: "invalid_client",
			call: confCall("not-the-secret", "")},
		{name: "WrongSecretBody", owner: confCarol, issue: plainCode, status: bad, code: "invalid_client",
			call: confCall("", "not-the-secret")},
		{name: "SecretInBasicAndBody", owner: confCarol, issue: plainCode, status: bad, code: "invalid_request",
			call: func(e *tokenErrorEnv, code string) (*app, tokenCall) {
				return confCall(e.conf.Secret, e.conf.Secret)(e, code)
			}},
		{name: "BasicNotBase64", owner: confCarol, issue: plainCode, status: bad, code: "invalid_client",
			call: func(e *tokenErrorEnv, code string) (*app, tokenCall) {
				return e.conf, tokenCall{Form: codeForm(e.conf, code), Header: http.Header{"Authorization": {"Basic %%%"}}}
			}},
	}
}

// otherGrantRows: client_credentials and refresh_token refusals.
func otherGrantRows() []tokenErrorRow {
	m2m := func(scope string) func(e *tokenErrorEnv, _ string) (*app, tokenCall) {
		return func(e *tokenErrorEnv, _ string) (*app, tokenCall) {
			return e.m2m, tokenCall{Form: url.Values{"grant_type": {"client_credentials"}, "scope": {scope}},
				Basic: []string{e.m2m.ClientID, e.m2m.Secret}}
		}
	}
	refresh := func(tok func(e *tokenErrorEnv) string) func(e *tokenErrorEnv, _ string) (*app, tokenCall) {
		return func(e *tokenErrorEnv, _ string) (*app, tokenCall) {
			return e.pub, tokenCall{Form: url.Values{"grant_type": {"refresh_token"}, "client_id": {e.pub.ClientID},
				"refresh_token": {tok(e)}}}
		}
	}
	return []tokenErrorRow{
		{name: "ClientCredentialsPublicClient", status: bad, code: "unauthorized_client",
			call: pubCall(func(e *tokenErrorEnv, _ string) url.Values {
				return url.Values{"grant_type": {"client_credentials"}, "client_id": {e.pub.ClientID}}
			})},
		{name: "ClientCredentialsStandardScope", status: bad, code: "invalid_scope", call: m2m("openid")},
		{name: "ClientCredentialsUnknownScope", status: bad, code: "invalid_scope",
			call: m2m("https://api.example.com/read https://api.example.com/admin")},
		{name: "CodeGrantForMachineClient", issue: plainCode, status: bad, code: "unauthorized_client",
			call: func(e *tokenErrorEnv, code string) (*app, tokenCall) {
				return e.m2m, tokenCall{Form: with(codeForm(e.m2m, code), "client_id", ""), Basic: []string{e.m2m.ClientID, e.m2m.Secret}}
			}},
		{name: "RefreshMissing", status: bad, code: "invalid_request", call: refresh(func(*tokenErrorEnv) string { return "" })},
		{name: "RefreshUnknown", status: bad, code: "invalid_grant",
			call: refresh(func(*tokenErrorEnv) string { return "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.unknown" })},
		{name: "RefreshOfAnotherClient", status: bad, code: "invalid_grant", call: refresh(func(e *tokenErrorEnv) string {
			return e.redeem(e.other, e.code(e.other.authorize(nil), e.alice), nil).str("refresh_token")
		})},
	}
}
