package userpool

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"maps"
	"math/big"
	"time"
)

// What Cognito adds to an identity provider on its own. The values are the
// "Describe response" examples of the API reference's ProviderDetails text
// (botocore cognito-idp model, CreateIdentityProviderRequest): social
// providers get their fixed endpoints, OIDC providers
// attributes_url_add_attributes, SAML providers the SP encryption
// certificate and the redirect-binding URIs read from the metadata.
// Terraform's provider keeps whatever comes back in state, so these keys
// are exactly what a configuration must list to plan clean (its own
// acceptance tests list them for Google).

// socialTypes must be named as their type (errProviderNameType).
var socialTypes = map[string]bool{"Google": true, "Facebook": true, "LoginWithAmazon": true, "SignInWithApple": true}

// addedDetails are the keys Cognito fills in, per provider type; a key the
// request sets keeps the request's value.
var addedDetails = map[string]map[string]string{
	"Google": {
		"attributes_url":                "https://people.googleapis.com/v1/people/me?personFields=",
		"attributes_url_add_attributes": "true",
		"authorize_url":                 "https://accounts.google.com/o/oauth2/v2/auth",
		"oidc_issuer":                   "https://accounts.google.com",
		"token_request_method":          "POST",
		"token_url":                     "https://www.googleapis.com/oauth2/v4/token",
	},
	"LoginWithAmazon": {
		"attributes_url":                "https://api.amazon.com/user/profile",
		"attributes_url_add_attributes": "false",
		"authorize_url":                 "https://www.amazon.com/ap/oa",
		"token_request_method":          "POST",
		"token_url":                     "https://api.amazon.com/auth/o2/token",
	},
	"SignInWithApple": {
		"attributes_url_add_attributes": "false",
		"authorize_url":                 "https://appleid.apple.com/auth/authorize",
		"oidc_issuer":                   "https://appleid.apple.com",
		"token_request_method":          "POST",
		"token_url":                     "https://appleid.apple.com/auth/token",
	},
	"OIDC": {"attributes_url_add_attributes": "false"},
}

// facebookDetails depend on the Graph API version (api_version, default
// v17.0 as in the reference's example).
func facebookDetails(version string) map[string]string {
	return map[string]string{
		"api_version":                   version,
		"attributes_url":                "https://graph.facebook.com/" + version + "/me?fields=",
		"attributes_url_add_attributes": "true",
		"authorize_url":                 "https://www.facebook.com/" + version + "/dialog/oauth",
		"token_request_method":          "GET",
		"token_url":                     "https://graph.facebook.com/" + version + "/oauth/access_token",
	}
}

// hiddenDetails are stored but never answered: Apple's private key is
// absent from the reference's Describe response.
var hiddenDetails = map[string][]string{"SignInWithApple": {"private_key"}}

// usernameClaim is the IdP claim Cognito maps to username for each type
// (AWS CLI describe-identity-provider example: Facebook "id"; Terraform's
// acceptance tests: Google "sub"; the others from the IdPs' subject claims,
// UNVERIFIED). SAML gets none.
var usernameClaim = map[string]string{"Google": "sub", "Facebook": "id", "LoginWithAmazon": "user_id",
	"SignInWithApple": "sub", "OIDC": "sub"}

// withAddedDetails returns the details as Cognito stores them: given keys,
// plus the type's added ones, plus (SAML) the URIs read from MetadataFile.
func withAddedDetails(typ string, given map[string]string) map[string]string {
	out := map[string]string{}
	add := addedDetails[typ]
	if typ == "Facebook" {
		add = facebookDetails(firstNonEmpty(given["api_version"], "v17.0"))
	}
	maps.Copy(out, add)
	maps.Copy(out, given)
	if typ == "SAML" {
		if f := given["MetadataFile"]; f != "" {
			sso, slo := samlRedirectURIs(f)
			setIf(out, "SSORedirectBindingURI", sso)
			setIf(out, "SLORedirectBindingURI", slo)
		}
	}
	return out
}

func setIf(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// withUsernameMapping adds Cognito's username mapping to a given mapping.
func withUsernameMapping(typ string, given map[string]string) map[string]string {
	out := maps.Clone(given)
	if out == nil {
		out = map[string]string{}
	}
	if claim := usernameClaim[typ]; claim != "" && out["username"] == "" {
		out["username"] = claim
	}
	return out
}

// samlRedirectURIs reads the IdP's HTTP-Redirect single sign-on and single
// logout locations from SAML 2.0 metadata; "" for what it lacks (or for a
// document that does not parse: Cognito's rejection text is unknown).
func samlRedirectURIs(metadata string) (sso, slo string) {
	type endpoint struct {
		Binding  string `xml:"Binding,attr"`
		Location string `xml:"Location,attr"`
	}
	var md struct {
		IDP struct {
			SSO []endpoint `xml:"SingleSignOnService"`
			SLO []endpoint `xml:"SingleLogoutService"`
		} `xml:"IDPSSODescriptor"`
	}
	if xml.Unmarshal([]byte(metadata), &md) != nil {
		return "", ""
	}
	const redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	pick := func(eps []endpoint) string {
		for _, e := range eps {
			if e.Binding == redirect {
				return e.Location
			}
		}
		return ""
	}
	return pick(md.IDP.SSO), pick(md.IDP.SLO)
}

// newEncryptionCertificate makes the SP certificate a SAML provider
// answers as ActiveEncryptionCertificate: a self-signed RSA certificate,
// base64 DER as Cognito shows it (no PEM armour).
func newEncryptionCertificate(poolID string, now time.Time) (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: poolID},
		NotBefore: now, NotAfter: now.AddDate(10, 0, 0), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(der), nil
}
