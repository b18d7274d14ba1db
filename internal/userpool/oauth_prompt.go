package userpool

import (
	"slices"
	"strings"
)

// The prompt parameter of /oauth2/authorize (Cognito's "Authorize
// endpoint" for managed login; OIDC Core section 3.1.2.1): "login" shows
// the sign-in page even to a browser with a hosted session, "none" never
// shows it — a browser without a session is sent back with
// login_required, which single-page apps use to refresh silently —, and
// "select_account" and "consent" are accepted: this server has neither an
// account chooser nor a consent page, so they change nothing (a session
// answers at once, as without them). "none" must stand alone.

var promptValues = []string{"none", "login", "select_account", "consent"}

// checkPrompt parses prompt into req.Prompt, or refuses it.
func checkPrompt(req *AuthorizeRequest, prompt string) (string, string) {
	vals := strings.Fields(prompt)
	for _, v := range vals {
		if !slices.Contains(promptValues, v) || (v == "none" && len(vals) > 1) {
			return OAuthInvalidRequest, descInvalidPrompt
		}
	}
	req.Prompt = vals
	return "", ""
}

// ForcesLogin reports prompt=login: the sign-in page even with a session.
func (r *AuthorizeRequest) ForcesLogin() bool { return slices.Contains(r.Prompt, "login") }

// Silent reports prompt=none: never the sign-in page.
func (r *AuthorizeRequest) Silent() bool { return slices.Contains(r.Prompt, "none") }

// LoginRequiredURL is the answer to a Silent request from a browser
// without a hosted session: the app's redirect URI with
// error=login_required and the state.
func LoginRequiredURL(r *AuthorizeRequest) string {
	return AuthorizeErrorURL(&AuthorizeError{Redirect: true, RedirectURI: r.RedirectURI, State: r.State,
		Code: OAuthLoginRequired, Description: descLoginRequired})
}
