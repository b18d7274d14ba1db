package userpool

import (
	"errors"
	"testing"
)

// The hosted sign-in skips ExplicitAuthFlows and SECRET_HASH because the
// server is the caller; it must refuse a client not enabled for the OAuth
// flows whatever page or caller asks, or any confidential client could be
// signed in to without its secret.
func TestHostedSignInNeedsOAuthClient(t *testing.T) {
	s, _ := testService(t, Config{})
	poolID, clientID := enabledPool(t, s, &CreateUserPoolInput{})
	confirmedUser(t, s, poolID, "ann")
	_, err := s.HostedSignIn(t.Context(), clientID, "ann", "Passw0rd!x")
	var ae *AuthorizeError
	if !errors.As(err, &ae) || ae.Code != OAuthRedirectMismatch {
		t.Fatalf("HostedSignIn on a client without OAuth: %v, want the untrusted-client refusal", err)
	}
	if _, err := s.HostedSecretHash(t.Context(), clientID, "ann"); err == nil {
		t.Error("HostedSecretHash answered for a client without OAuth")
	}
}
