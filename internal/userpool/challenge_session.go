package userpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
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

func (s *Service) sessionMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte("challenge-session\x00"))
	m.Write(payload)
	return m.Sum(nil)
}

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
	payload, _ := json.Marshal(cs) // a struct of strings and ints always marshals
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(s.sessionMAC(payload)), cs
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
	enc := base64.RawURLEncoding
	p, m, ok := strings.Cut(tok, ".")
	if !ok {
		return nil, errInvalidSession
	}
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.sessionMAC(payload)) {
		return nil, errInvalidSession
	}
	var cs challengeSession
	if err := json.Unmarshal(payload, &cs); err != nil {
		return nil, errInvalidSession
	}
	if now.UnixMilli() > cs.Expires {
		return nil, errSessionExpired
	}
	return &cs, nil
}
