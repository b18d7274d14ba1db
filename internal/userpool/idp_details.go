package userpool

import "maps"

// What Cognito adds to an identity provider on its own — its endpoints for
// the social types (Google's authorize_url, token_url, attributes_url,
// oidc_issuer…), attributes_url_add_attributes, a SAML provider's
// ActiveEncryptionCertificate and the redirect-binding URIs it reads from
// the metadata — is deliberately NOT added here: ProviderDetails are
// answered as given. The Terraform AWS provider up to 5.x keeps every key
// DescribeIdentityProvider answers in state and plans to remove the ones
// the configuration does not list, so with Cognito's additions the
// documentation's own example never plans clean (later provider versions
// suppress exactly these keys). Teams test their configurations here; the
// added keys carry no information an application uses.

// socialTypes must be named as their type (errProviderNameType).
var socialTypes = map[string]bool{"Google": true, "Facebook": true, "LoginWithAmazon": true, "SignInWithApple": true}

// hiddenDetails are stored but never answered: Apple's private key is
// absent from the reference's Describe response.
var hiddenDetails = map[string][]string{"SignInWithApple": {"private_key"}}

// usernameClaim is the IdP claim Cognito maps to username for each type
// (AWS CLI describe-identity-provider example: Facebook "id"; Terraform's
// acceptance tests: Google "sub"; the others from the IdPs' subject claims,
// UNVERIFIED). SAML gets none.
var usernameClaim = map[string]string{"Google": "sub", "Facebook": "id", "LoginWithAmazon": "user_id",
	"SignInWithApple": "sub", "OIDC": "sub"}

// storedDetails are the given details as stored and answered (see above).
func storedDetails(given map[string]string) map[string]string {
	out := maps.Clone(given)
	if out == nil {
		out = map[string]string{}
	}
	return out
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
