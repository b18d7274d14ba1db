package userpool

import (
	"time"
)

// challengeSession is the state a challenge (NEW_PASSWORD_REQUIRED, the MFA
// challenges) carries between InitiateAuth and RespondToAuthChallenge. It
// travels in the opaque Session string, authenticated with an HMAC under
// the server's session key, so any instance can answer; the only state
// kept is the mark that makes it single-use (mfa_session.go).
type challengeSession struct {
	Pool     string `json:"p"`
	Client   string `json:"c"`
	Username string `json:"u"`
	Expires  int64  `json:"e"` // unix milliseconds
	Nonce    string `json:"n"`
	// Kind is the challenge the session answers ("" in sessions made
	// before it existed: NEW_PASSWORD_REQUIRED), Choices the factors of a
	// SELECT_MFA_TYPE session (mfa_session.go).
	Kind    string   `json:"k,omitempty"`
	Choices []string `json:"o,omitempty"`
}

// challengeLabel is the challenge sessions' label (signed_values.go).
const challengeLabel = "challenge-session"

func (s *Service) newSession(c *clientView, username string, now time.Time) string {
	tok, _ := s.sealSession(c, username, "", nil, now)
	return tok
}

// sealSession makes a session of c's for username answering the challenge
// kind, with a fresh nonce and the client's session lifetime, and returns
// it as a Session string and as the session it holds.
func (s *Service) sealSession(c *clientView, username, kind string, choices []string, now time.Time) (string, *challengeSession) {
	cs := &challengeSession{Pool: c.pool.ID, Client: c.ID, Username: username, Nonce: randomToken(12),
		Expires: now.Add(time.Duration(c.doc.AuthSessionValidity) * time.Minute).UnixMilli(), Kind: kind, Choices: choices}
	return s.sealSigned(challengeLabel, cs), cs
}

// openSession verifies a Session string for client c: tampered, foreign or
// malformed sessions are "Invalid session for the user."; old ones expired.
func (s *Service) openSession(c *clientView, tok string, now time.Time) (*challengeSession, error) {
	cs, err := s.decodeSession(tok, now)
	if err != nil {
		return nil, err
	}
	if cs.Client != c.ID || cs.Pool != c.pool.ID {
		return nil, errInvalidSession
	}
	return cs, nil
}

// decodeSession checks a Session string's MAC and expiry, whoever it was
// issued to.
func (s *Service) decodeSession(tok string, now time.Time) (*challengeSession, error) {
	var cs challengeSession
	if !s.openSigned(challengeLabel, tok, &cs) {
		return nil, errInvalidSession
	}
	if now.UnixMilli() > cs.Expires {
		return nil, errSessionExpired
	}
	return &cs, nil
}
