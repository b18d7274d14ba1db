package userpool

import (
	"context"
	"encoding/base64"
	"errors"
	"mime"
	"net/url"
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
// 'application/x-www-form-urlencoded'" and RFC 6749 §3.2's "parameters
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
// endpoint": client_secret_basic or client_secret_post). The Basic
// credentials are form-urlencoded before base64 (RFC 6749 §2.3.1), so
// they are URL-decoded. A confidential client must present one of its
// secrets; a public client presents none (a secret for a client that has
// none authenticates nothing). The client must be one of the domain's
// pool. Every failure is oauthInvalidClient (or invalid_request for two
// methods at once), whose status the revoke endpoint changes.
func (s *Service) oauthClient(ctx context.Context, r *OAuthRequest) (*clientView, error) {
	id, secret, err := r.clientCredentials()
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
	if len(c.secrets) > 0 && !c.hasSecret(secret) || len(c.secrets) == 0 && secret != "" {
		return nil, oauthInvalidClient
	}
	return c, nil
}

// clientCredentials reads the client ID and secret from the Basic header
// or the body. Both at once is two authentication methods, which RFC 6749
// §2.3 forbids: invalid_request; a Basic header for another client ID
// than the body's, or one that does not decode, is invalid_client.
func (r *OAuthRequest) clientCredentials() (id, secret string, err error) {
	id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
	if r.Authorization == "" {
		return id, secret, nil
	}
	scheme, cred, _ := strings.Cut(r.Authorization, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", oauthInvalidClient
	}
	raw, err1 := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	bid, bsecret, ok := strings.Cut(string(raw), ":")
	bid, err2 := url.QueryUnescape(bid)
	bsecret, err3 := url.QueryUnescape(bsecret)
	switch {
	case err1 != nil || !ok || err2 != nil || err3 != nil:
		return "", "", oauthInvalidClient
	case secret != "":
		return "", "", oauthInvalidRequest
	case id != "" && id != bid:
		return "", "", oauthInvalidClient
	}
	return bid, bsecret, nil
}
