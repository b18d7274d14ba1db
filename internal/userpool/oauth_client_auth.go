package userpool

import (
	"context"
	"encoding/base64"
	"errors"
	"mime"
	"net/url"
	"slices"
	"strings"
)

// OAuthRequest is a POST to /oauth2/token or /oauth2/revoke as
// internal/hosted received it: the domain's pool, the Content-Type and
// Authorization headers, and the form body (nil if it did not parse).
type OAuthRequest struct {
	PoolID        string
	ContentType   string
	Authorization string
	Form          url.Values
}

// checkForm applies the guide's "Content-Type: Must always be
// 'application/x-www-form-urlencoded'" and RFC 6749 section 3.2's "parameters
// MUST NOT be included more than once": anything else is invalid_request.
func (r *OAuthRequest) checkForm() error {
	mt, _, err := mime.ParseMediaType(r.ContentType)
	if err != nil || mt != "application/x-www-form-urlencoded" || r.Form == nil {
		return oauthInvalidRequest
	}
	for _, vs := range r.Form {
		if len(vs) > 1 {
			return oauthInvalidRequest
		}
	}
	return nil
}

// oauthClient authenticates the client of an OAuth request ("Token
// endpoint": client_secret_basic or client_secret_post). A confidential
// client must present one of its secrets; a public client presents none
// (a secret for a client that has none authenticates nothing). The
// client must be one of the domain's pool. Every failure is
// oauthInvalidClient (or invalid_request for two methods at once), whose
// status the revoke endpoint changes.
func (s *Service) oauthClient(ctx context.Context, r *OAuthRequest) (*clientView, error) {
	id, secrets, err := r.clientCredentials()
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, oauthInvalidClient
	}
	c, err := s.loadClient(ctx, s.store, id)
	var ue *Error
	if errors.As(err, &ue) && ue.Code == ResourceNotFound {
		return nil, oauthInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if c.pool.ID != r.PoolID {
		return nil, oauthInvalidClient
	}
	matched := slices.ContainsFunc(secrets, c.hasSecret)
	if len(c.secrets) > 0 && !matched || len(c.secrets) == 0 && len(secrets) > 0 {
		return nil, oauthInvalidClient
	}
	return c, nil
}

// clientCredentials reads the client ID and the candidate secrets from
// the Basic header or the body. Both at once is two authentication
// methods, which RFC 6749 section 2.3 forbids: invalid_request; a Basic header
// for another client ID than the body's, or one that does not decode, is
// invalid_client.
//
// RFC 6749 section 2.3.1 form-urlencodes both Basic parts before base64, as
// golang.org/x/oauth2 does; many clients (and the guide's own example)
// do not. Cognito's secrets are [\w+]+, where the two differ only by
// "+" (a space once decoded), so the secret as sent and as decoded are
// both candidates.
func (r *OAuthRequest) clientCredentials() (id string, secrets []string, err error) {
	id = r.Form.Get("client_id")
	if sec := r.Form.Get("client_secret"); sec != "" {
		secrets = []string{sec}
	}
	if r.Authorization == "" {
		return id, secrets, nil
	}
	scheme, cred, _ := strings.Cut(r.Authorization, " ")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	bid, bsecret, ok := strings.Cut(string(raw), ":")
	switch {
	case !strings.EqualFold(scheme, "Basic") || err != nil || !ok:
		return "", nil, oauthInvalidClient
	case len(secrets) > 0:
		return "", nil, oauthInvalidRequest
	}
	if dec, err := url.QueryUnescape(bid); err == nil {
		bid = dec
	}
	if id != "" && id != bid {
		return "", nil, oauthInvalidClient
	}
	if bsecret == "" {
		return bid, nil, nil // a public client's "id:" (x/oauth2 sends it)
	}
	secrets = []string{bsecret}
	if dec, err := url.QueryUnescape(bsecret); err == nil && dec != bsecret {
		secrets = append(secrets, dec)
	}
	return bid, secrets, nil
}
