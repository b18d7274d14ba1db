package userpool

import (
	"context"
	"encoding/base64"
	"errors"
	"maps"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// The hosted pages' sign-in (Cognito developer guide, "Login endpoint"):
// the same rules as InitiateAuth's USER_PASSWORD_AUTH and
// RespondToAuthChallenge — user migration, lockout, user state, temporary
// password expiry, NEW_PASSWORD_REQUIRED, MFA — run on a clientView marked
// hosted. Two things differ, because the server itself is the caller:
//   - ExplicitAuthFlows are not consulted: managed login signs in with
//     any app client enabled for OAuth, whatever API flows it allows;
//   - no SECRET_HASH is asked for (checkSecretHash lets hosted views by).
//
// A completed sign-in commits what tokens would have committed with them
// (the lockout reset, the used challenge session, the consumed MFA code)
// and ends in a SignedIn; /oauth2/authorize's answer mints the tokens.

// hostedClient loads clientID as the hosted pages see it. The pages check
// the whole authorize request first (ParseAuthorize); this checks again
// the one thing that makes skipping ExplicitAuthFlows and SECRET_HASH
// legitimate — a client enabled for the OAuth flows — so that no caller
// of the Hosted* methods can sign in through any other client.
func (s *Service) hostedClient(ctx context.Context, clientID string) (*clientView, error) {
	c, err := s.loadClient(ctx, s.store, clientID)
	if err != nil {
		return nil, err
	}
	if !c.doc.AllowedOAuthFlowsUserPoolClient {
		return nil, &AuthorizeError{Code: OAuthRedirectMismatch, Description: descClientNotOAuth}
	}
	c.hosted = true
	return c, nil
}

// hostedIssue is issue() for a hosted view: the with transaction commits on
// its own and the user is SignedIn at now.
func (s *Service) hostedIssue(ctx context.Context, c *clientView, u *store.User, now time.Time, with func(store.Store) error) (*AuthOutput, error) {
	if with != nil {
		if err := s.store.Tx(ctx, with); err != nil {
			return nil, err
		}
	}
	in := &SignedIn{PoolID: c.pool.ID, ClientID: c.ID, Username: u.Username, AuthTime: now}
	return &AuthOutput{ChallengeParameters: map[string]string{}, signedIn: in}, nil
}

// hostedStep turns an AuthOutput of a hosted view into a HostedStep.
func hostedStep(out *AuthOutput) *HostedStep {
	if out.signedIn != nil {
		return &HostedStep{SignedIn: out.signedIn}
	}
	return &HostedStep{ChallengeName: out.ChallengeName, Session: out.Session, ChallengeParameters: out.ChallengeParameters}
}

// HostedSignIn checks a username and password typed into /login.
func (s *Service) HostedSignIn(ctx context.Context, clientID, username, password string) (*HostedStep, error) {
	c, err := s.hostedClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	out, err := s.passwordAuth(ctx, c, map[string]string{"USERNAME": username, "PASSWORD": password})
	if err != nil {
		return nil, err
	}
	return hostedStep(out), nil
}

// HostedRespond answers a challenge HostedSignIn (or an earlier
// HostedRespond) returned, with the ChallengeResponses RespondToAuthChallenge
// takes (NEW_PASSWORD, userAttributes.*, SMS_MFA_CODE, EMAIL_OTP_CODE,
// SOFTWARE_TOKEN_MFA_CODE, ANSWER). USERNAME comes from the session.
// MFA_SETUP is answered with HostedVerifySoftwareToken's session and no
// answers (hosted_mfa_setup.go).
func (s *Service) HostedRespond(ctx context.Context, clientID, challengeName, session string, answers map[string]string) (*HostedStep, error) {
	switch challengeName {
	case "NEW_PASSWORD_REQUIRED", mfaSMS, mfaEmail, mfaTOTP, challengeSelectMfa, kindMfaSetup:
	default:
		return nil, ErrHostedChallenge
	}
	c, err := s.hostedClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	cs, err := s.openSession(c, session, s.now())
	if err != nil {
		return nil, err
	}
	r := maps.Clone(answers)
	if r == nil {
		r = map[string]string{}
	}
	r["USERNAME"] = cs.Username
	out, err := s.respond(ctx, c, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: challengeName,
		Session: session, ChallengeResponses: r})
	if err != nil {
		return nil, err
	}
	return hostedStep(out), nil
}

// HostedSecretHash is the SECRET_HASH an SDK would send for username: made
// with the client's newest secret, "" for a public client. With it the
// pages call SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword
// and ConfirmForgotPassword exactly as an app would.
func (s *Service) HostedSecretHash(ctx context.Context, clientID, username string) (string, error) {
	c, err := s.hostedClient(ctx, clientID) // never a hash for a client without OAuth
	if err != nil || len(c.secrets) == 0 {
		return "", err
	}
	return secretHash(c.secrets[len(c.secrets)-1].Value, username, c.ID), nil
}

// SignUpForm is what /signup asks for: the attribute the username is
// (email or phone_number; "" for a free username) and the other attributes
// the pool's schema requires.
type SignUpForm struct {
	UsernameAttribute string
	Required          []string
}

// HostedSignUpForm describes clientID's pool's sign-up form.
func (s *Service) HostedSignUpForm(ctx context.Context, clientID string) (*SignUpForm, error) {
	c, err := s.loadClient(ctx, s.store, clientID)
	if err != nil {
		return nil, err
	}
	d := c.pool.doc
	f := &SignUpForm{}
	if len(d.UsernameAttributes) > 0 {
		f.UsernameAttribute = d.UsernameAttributes[0] // the name typed sets it (newUser)
	}
	for _, sa := range d.SchemaAttributes {
		if sa.Required != nil && *sa.Required && sa.Name != "sub" && !d.usernameAttr(sa.Name) {
			f.Required = append(f.Required, sa.Name)
		}
	}
	return f, nil
}

// hostedLifetime is how long the hosted session signs the browser in
// without the login page (Cognito's managed login session cookie lasts an
// hour: "Login endpoint").
const hostedLifetime = time.Hour

// hostedSession is the sealed content of the session cookie.
type hostedSession struct {
	Pool     string `json:"p"`
	Client   string `json:"c"`
	Username string `json:"u"`
	Auth     int64  `json:"a"` // unix milliseconds
	Expires  int64  `json:"e"`
}

// hostedLabel is the hosted sessions' label (signed_values.go): never a
// challenge session.
const hostedLabel = "hosted-session"

// SealHostedSession makes the session cookie value for in, valid one hour
// from now on the service clock.
func (s *Service) SealHostedSession(in *SignedIn) string {
	hs := hostedSession{Pool: in.PoolID, Client: in.ClientID, Username: in.Username,
		Auth: in.AuthTime.UnixMilli(), Expires: s.now().Add(hostedLifetime).UnixMilli()}
	return s.sealSigned(hostedLabel, hs)
}

// OpenHostedSession checks a session cookie for poolID: authentic, of this
// pool, unexpired, and its user still there (not a user re-created under
// the same name since), enabled and confirmed.
func (s *Service) OpenHostedSession(ctx context.Context, poolID, tok string) (*SignedIn, error) {
	var hs hostedSession
	if !s.openSigned(hostedLabel, tok, &hs) || hs.Pool != poolID || s.now().UnixMilli() >= hs.Expires {
		return nil, errHostedSession
	}
	pool, err := s.loadPool(ctx, s.store, poolID)
	if err != nil {
		return nil, err
	}
	u, err := s.userByKey(ctx, s.store, pool, "username", hs.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errHostedSession
	}
	if err != nil {
		return nil, err
	}
	auth := time.UnixMilli(hs.Auth).UTC()
	if !u.Enabled || u.Status != StatusConfirmed || u.CreatedAt.After(auth) {
		return nil, errHostedSession
	}
	return &SignedIn{PoolID: poolID, ClientID: hs.Client, Username: u.Username, AuthTime: auth}, nil
}

// HostedFormToken is the CSRF token the hosted pages put in their forms
// for a browser whose CSRF cookie holds secret: an HMAC under the session
// key, so that any instance of the server accepts a form another one
// rendered, and a restart does not expire open pages.
func (s *Service) HostedFormToken(domain, secret string) string {
	return base64.RawURLEncoding.EncodeToString(s.keyedMAC("hosted-csrf", []byte(domain+"\x00"+secret)))
}
