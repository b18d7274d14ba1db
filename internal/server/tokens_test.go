package server_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// The tokens are checked the way an application's resource server would:
// with an independent JOSE library and nothing but the keys published at
// <issuer>/.well-known/jwks.json.

// getJSON fetches url and decodes a 200 JSON body into out.
func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	ok(t, err, "request")
	resp, err := http.DefaultClient.Do(req)
	ok(t, err, "GET "+url)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q", url, ct)
	}
	ok(t, json.NewDecoder(resp.Body).Decode(out), "decode "+url)
}

func httpStatus(t *testing.T, url string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	ok(t, err, "request")
	resp, err := http.DefaultClient.Do(req)
	ok(t, err, "GET "+url)
	resp.Body.Close()
	return resp.StatusCode
}

func fetchJWKS(t *testing.T, issuer string) *jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	getJSON(t, issuer+"/.well-known/jwks.json", &set)
	if len(set.Keys) == 0 {
		t.Fatal("JWKS has no keys")
	}
	for _, k := range set.Keys {
		if _, isRSA := k.Key.(*rsa.PublicKey); !isRSA || k.Algorithm != "RS256" || k.Use != "sig" || k.KeyID == "" || !k.IsPublic() {
			t.Fatalf("JWKS key %+v is not a public RS256 signing key with a kid", k)
		}
	}
	return &set
}

// verified is a token checked against the JWKS, with its claims.
type verified struct {
	std    jwt.Claims
	claims map[string]any
	kid    string
}

// verifyToken checks header, signature and time claims independently of the server.
func verifyToken(t *testing.T, set *jose.JSONWebKeySet, issuer, token string, now time.Time) *verified {
	t.Helper()
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	ok(t, err, "parse token")
	if len(tok.Headers) != 1 || tok.Headers[0].Algorithm != "RS256" {
		t.Fatalf("headers %+v, want one RS256 header", tok.Headers)
	}
	kid := tok.Headers[0].KeyID
	keys := set.Key(kid)
	if len(keys) != 1 {
		t.Fatalf("kid %q matches %d JWKS keys", kid, len(keys))
	}
	v := &verified{kid: kid}
	ok(t, tok.Claims(keys[0].Key, &v.std, &v.claims), "signature verification")
	ok(t, v.std.ValidateWithLeeway(jwt.Expected{Issuer: issuer, Time: now}, 0), "claims validation")
	return v
}

func str(c map[string]any, name string) string { s, _ := c[name].(string); return s }

func TestTokensVerifyIndependently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	issuer := e.URL + "/" + poolID
	jwksBefore := fetchJWKS(t, issuer) // before any token exists
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "alice@example.com"), attr("email_verified", "true"),
		attr("phone_number", "+15555550100"), attr("phone_number_verified", "false"), attr("name", "Alice"))
	sub, _ := attrValue(e.getUser(poolID, "alice").UserAttributes, "sub")
	start := time.Now().Add(-time.Second)
	res := e.signIn(clientID, "alice", goodPassword)
	set := fetchJWKS(t, issuer)
	if set.Keys[0].KeyID != jwksBefore.Keys[0].KeyID || !set.Keys[0].Key.(*rsa.PublicKey).Equal(jwksBefore.Keys[0].Key) {
		t.Fatal("the pool's key changed between JWKS calls")
	}
	now := time.Now()
	access := verifyToken(t, set, issuer, aws.ToString(res.AccessToken), now)
	id := verifyToken(t, set, issuer, aws.ToString(res.IdToken), now)

	for _, c := range []struct {
		name string
		v    *verified
		use  string
		ttl  time.Duration
	}{{"access", access, "access", time.Hour}, {"id", id, "id", time.Hour}} {
		t.Run(c.name+" common claims", func(t *testing.T) {
			cl := c.v.claims
			if c.v.std.Subject != sub || str(cl, "token_use") != c.use {
				t.Errorf("sub %q token_use %q, want %q %q", c.v.std.Subject, str(cl, "token_use"), sub, c.use)
			}
			iat, exp := c.v.std.IssuedAt.Time(), c.v.std.Expiry.Time()
			if !exp.After(iat) || exp.Sub(iat) != c.ttl {
				t.Errorf("iat %v exp %v, want exp = iat + %v", iat, exp, c.ttl)
			}
			if iat.Before(start.Truncate(time.Second)) || iat.After(now) {
				t.Errorf("iat %v outside the sign-in window", iat)
			}
			authTime, isNum := cl["auth_time"].(float64)
			if !isNum || int64(authTime) > iat.Unix() || int64(authTime) < start.Unix()-1 {
				t.Errorf("auth_time %v (iat %d)", cl["auth_time"], iat.Unix())
			}
			for _, n := range []string{"jti", "origin_jti", "event_id"} {
				if !uuidAny.MatchString(str(cl, n)) {
					t.Errorf("%s %v is not a UUID", n, cl[n])
				}
			}
		})
	}
	t.Run("access claims", func(t *testing.T) {
		cl := access.claims
		if str(cl, "client_id") != clientID || str(cl, "username") != "alice" || str(cl, "scope") != "aws.cognito.signin.user.admin" {
			t.Errorf("client_id %v username %v scope %v", cl["client_id"], cl["username"], cl["scope"])
		}
		if _, has := cl["aud"]; has {
			t.Errorf("access token has aud %v; Cognito access tokens carry client_id instead", cl["aud"])
		}
	})
	t.Run("id claims", func(t *testing.T) {
		cl := id.claims
		if len(id.std.Audience) != 1 || id.std.Audience[0] != clientID || str(cl, "cognito:username") != "alice" {
			t.Errorf("aud %v cognito:username %v", id.std.Audience, cl["cognito:username"])
		}
		if v, isStr := cl["email"].(string); !isStr || v != "alice@example.com" {
			t.Errorf("email %#v, want the string", cl["email"])
		}
		if v, isBool := cl["email_verified"].(bool); !isBool || !v {
			t.Errorf("email_verified %#v, want JSON true", cl["email_verified"])
		}
		if v, isBool := cl["phone_number_verified"].(bool); !isBool || v {
			t.Errorf("phone_number_verified %#v, want JSON false", cl["phone_number_verified"])
		}
		if str(cl, "name") != "Alice" || str(cl, "phone_number") != "+15555550100" {
			t.Errorf("name %v phone_number %v", cl["name"], cl["phone_number"])
		}
	})
	t.Run("tokens of one sign-in", func(t *testing.T) {
		if access.kid != id.kid {
			t.Errorf("kids differ: %s %s", access.kid, id.kid)
		}
		if str(access.claims, "jti") == str(id.claims, "jti") {
			t.Error("access and id token share a jti")
		}
		if str(access.claims, "origin_jti") != str(id.claims, "origin_jti") || str(access.claims, "event_id") != str(id.claims, "event_id") {
			t.Error("access and id token of one sign-in differ in origin_jti or event_id")
		}
	})
	t.Run("refreshed tokens keep the session", func(t *testing.T) {
		out, err := e.with(t).refresh(clientID, aws.ToString(res.RefreshToken))
		ok(t, err, "refresh")
		again := verifyToken(t, set, issuer, aws.ToString(out.AuthenticationResult.AccessToken), time.Now())
		if str(again.claims, "origin_jti") != str(access.claims, "origin_jti") || again.claims["auth_time"] != access.claims["auth_time"] {
			t.Errorf("refresh changed origin_jti or auth_time: %v %v", again.claims["origin_jti"], again.claims["auth_time"])
		}
		if str(again.claims, "jti") == str(access.claims, "jti") {
			t.Error("refreshed token reuses the jti")
		}
	})
	t.Run("tampered token fails verification", func(t *testing.T) {
		parts := strings.Split(aws.ToString(res.AccessToken), ".")
		var claims map[string]any
		tok, err := jwt.ParseSigned(aws.ToString(res.AccessToken), []jose.SignatureAlgorithm{jose.RS256})
		ok(t, err, "parse")
		ok(t, tok.UnsafeClaimsWithoutVerification(&claims), "claims")
		claims["username"] = "mallory"
		payload, _ := json.Marshal(claims)
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
		ftok, err := jwt.ParseSigned(forged, []jose.SignatureAlgorithm{jose.RS256})
		ok(t, err, "parse forged")
		if ftok.Claims(set.Keys[0].Key, &claims) == nil {
			t.Fatal("a forged payload verified")
		}
		wantAPIError(t, e.with(t).getUserErr(forged), "NotAuthorizedException", "Invalid Access Token")
	})
}

func TestTokensEmailUsernamePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	}).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "carol@example.com", goodPassword)
	stored := aws.ToString(e.getUser(poolID, "carol@example.com").Username)
	issuer := e.URL + "/" + poolID
	set := fetchJWKS(t, issuer)
	res := e.signIn(clientID, "carol@example.com", goodPassword)
	access := verifyToken(t, set, issuer, aws.ToString(res.AccessToken), time.Now())
	id := verifyToken(t, set, issuer, aws.ToString(res.IdToken), time.Now())
	if str(access.claims, "username") != stored || str(id.claims, "cognito:username") != stored || access.std.Subject != stored {
		t.Fatalf("username %v cognito:username %v sub %v, want the stored UUID %s",
			access.claims["username"], id.claims["cognito:username"], access.std.Subject, stored)
	}
	if str(id.claims, "email") != "carol@example.com" {
		t.Fatalf("email %v", id.claims["email"])
	}
}

func TestWellKnownEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolA := aws.ToString(e.pool().Id)
	poolB := aws.ToString(e.pool().Id)
	issuer := e.URL + "/" + poolA
	var conf struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, issuer+"/.well-known/openid-configuration", &conf)
	if conf.Issuer != issuer || conf.JWKSURI != issuer+"/.well-known/jwks.json" {
		t.Fatalf("openid-configuration issuer %q jwks_uri %q", conf.Issuer, conf.JWKSURI)
	}
	var viaURI jose.JSONWebKeySet
	getJSON(t, conf.JWKSURI, &viaURI)

	first, second := fetchJWKS(t, issuer), fetchJWKS(t, issuer)
	if first.Keys[0].KeyID != second.Keys[0].KeyID || !first.Keys[0].Key.(*rsa.PublicKey).Equal(second.Keys[0].Key) ||
		viaURI.Keys[0].KeyID != first.Keys[0].KeyID {
		t.Fatal("the same pool served different keys")
	}
	if other := fetchJWKS(t, e.URL+"/"+poolB); other.Keys[0].KeyID == first.Keys[0].KeyID ||
		other.Keys[0].Key.(*rsa.PublicKey).Equal(first.Keys[0].Key) {
		t.Fatal("two pools share a signing key")
	}

	for _, path := range []string{"/.well-known/jwks.json", "/.well-known/openid-configuration"} {
		t.Run("unknown pool "+path, func(t *testing.T) {
			if got := httpStatus(t, e.URL+"/us-east-1_nope"+path); got != http.StatusNotFound {
				t.Fatalf("status %d, want 404", got)
			}
		})
	}
	t.Run("deleted pool", func(t *testing.T) {
		_, err := e.SDK.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: aws.String(poolB)})
		ok(t, err, "DeleteUserPool")
		if got := httpStatus(t, e.URL+"/"+poolB+"/.well-known/jwks.json"); got != http.StatusNotFound {
			t.Fatalf("status %d, want 404", got)
		}
	})
}
