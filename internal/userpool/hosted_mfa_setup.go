package userpool

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// MFA_SETUP in the hosted pages. Cognito's managed login lets a user whose
// pool requires MFA (MfaConfiguration ON) and who has no factor yet enrol
// an authenticator app while signing in (developer guide, "TOTP software
// token MFA": the secret is shown, the user proves a code, sign-in goes
// on). The pages make the API's own three calls, so the rules and the
// messages are the API's:
//  1. AssociateSoftwareToken with the MFA_SETUP session: the secret shown;
//  2. VerifySoftwareToken with that call's session and the code typed;
//  3. RespondToAuthChallenge MFA_SETUP with the session step 2 returned
//     (HostedRespond), which ends in SignedIn.
//
// Only an authenticator can be enrolled here: for SMS or email MFA the
// user needs a phone_number or email first, which the pages do not
// collect (DOC "Adding MFA to a user pool": "collect a phone_number or
// email attribute for the user. Then restart the authentication flow").

// HostedTotpSetup is what the enrolment page shows, and the session its
// form answers with.
type HostedTotpSetup struct {
	SecretCode string // AssociateSoftwareToken's SecretCode (base32)
	URI        string // the otpauth:// key URI authenticator apps import
	Session    string // for HostedVerifySoftwareToken
}

// HostedAssociateSoftwareToken starts the enrolment an MFA_SETUP step of
// clientID's hosted sign-in asks for. ErrHostedMfaSetup when the pool
// offers no authenticator to set up (MFAS_CAN_SETUP without
// SOFTWARE_TOKEN_MFA).
func (s *Service) HostedAssociateSoftwareToken(ctx context.Context, clientID, session string) (*HostedTotpSetup, error) {
	c, err := s.hostedClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	// The session must be this client's: AssociateSoftwareToken alone
	// would take any client's (it names no client).
	cs, err := s.openKindSession(c, session, kindMfaSetup, s.now())
	if err != nil {
		return nil, err
	}
	if !slices.Contains(cs.Choices, mfaTOTP) {
		return nil, ErrHostedMfaSetup
	}
	u, err := s.sessionUser(ctx, c, cs) // a disabled user gets no secret
	if err != nil {
		return nil, err
	}
	out, err := s.AssociateSoftwareToken(ctx, &AssociateSoftwareTokenInput{Session: session})
	if err != nil {
		return nil, err
	}
	return &HostedTotpSetup{SecretCode: out.SecretCode, Session: out.Session,
		URI: keyURI(c.pool.rec.Name, signInName(c.pool.doc, u), out.SecretCode)}, nil
}

// HostedVerifySoftwareToken proves the secret HostedAssociateSoftwareToken
// gave with code, as VerifySoftwareToken does (a wrong code is its
// "Code mismatch and fail enable Software Token MFA", and the session stays
// usable); the session returned answers MFA_SETUP through HostedRespond.
func (s *Service) HostedVerifySoftwareToken(ctx context.Context, clientID, session, code, friendlyName string) (string, error) {
	c, err := s.hostedClient(ctx, clientID)
	if err != nil {
		return "", err
	}
	if _, err := s.openKindSession(c, session, kindTotpAssociate, s.now()); err != nil {
		return "", err
	}
	out, err := s.VerifySoftwareToken(ctx, &VerifySoftwareTokenInput{Session: session, UserCode: code,
		FriendlyDeviceName: friendlyName})
	if err != nil {
		return "", err
	}
	return out.Session, nil
}

// signInName is the name u signs in with, for the authenticator's account
// label: the email or phone number of a pool that signs in with them
// (there the username is an opaque id), else the username.
func signInName(d *poolDoc, u *store.User) string {
	for _, a := range d.UsernameAttributes {
		if v := attrValue(u.Attributes, a); v != "" {
			return v
		}
	}
	return u.Username
}

// keyURI is the key URI authenticator apps read from a QR code
// (otpauth://totp/<issuer>:<account>?secret=…&issuer=<issuer>, Google
// Authenticator's "Key Uri Format"), with the pool name as issuer. Spaces
// are %20 as that format asks; a colon or plus inside a label part is
// escaped, so the label still splits at its own colon and no parser reads
// a space.
func keyURI(issuer, account, secret string) string {
	label := strings.NewReplacer(":", "%3A", "+", "%2B")
	part := func(v string) string { return label.Replace(url.PathEscape(v)) }
	query := strings.ReplaceAll(url.QueryEscape(issuer), "+", "%20")
	return "otpauth://totp/" + part(issuer) + ":" + part(account) + "?secret=" + secret + "&issuer=" + query
}
