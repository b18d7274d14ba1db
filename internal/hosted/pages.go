package hosted

// registerPages mounts /oauth2/authorize, /login, /logout and the hosted
// pages.
func (h *Handler) registerPages() {}
