package userpool

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"
)

// srpBlockLifetime is how long a PASSWORD_VERIFIER challenge can be
// answered (UNVERIFIED: Cognito's is not documented; 5 minutes is what
// clients are known to tolerate for their clock, and longer than any
// client takes to answer).
const srpBlockLifetime = 5 * time.Minute

// srpBlock is what a PASSWORD_VERIFIER challenge carries to its answer, in
// the SECRET_BLOCK the client signs and sends back: the server's secret b
// and the client's A, so that nothing is stored between the two steps and
// any instance can answer. It is sealed with AES-256-GCM under a key
// derived from the service's session key, with the pool and client as
// associated data: the client cannot read b, and a block altered or
// issued to another client does not open. Its nonce is its single-use
// token (store.Once). Every field but the names has a fixed width, so that
// the block's length tells nothing but the names' lengths (not whether the
// user exists).
type srpBlock struct {
	User   string `json:"u"` // USER_ID_FOR_SRP: the username, or an unknown name's stand-in (srpFakeID)
	Name   string `json:"n"` // the name typed at InitiateAuth
	Known  int    `json:"k"` // 0: an unknown name, answered with a fake verifier
	A      []byte `json:"a"` // the client's public value, 384 bytes at least
	Secret []byte `json:"b"` // the server's secret exponent b, 32 bytes
	Issued int64  `json:"t"` // unix milliseconds on the service's clock
	nonce  []byte
	raw    []byte // the block as the client signs it
}

func (b *srpBlock) expires() time.Time {
	return time.UnixMilli(b.Issued).Add(srpBlockLifetime)
}

// token is the block's single-use mark.
func (b *srpBlock) token() string { return "srp:" + base64.RawURLEncoding.EncodeToString(b.nonce) }

var errBadBlock = errors.New("secret block does not open")

func (s *Service) srpAEAD() cipher.AEAD {
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte("srp-secret-block\x00"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic("aes: " + err.Error()) // a 32-byte key always works
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("gcm: " + err.Error())
	}
	return aead
}

func srpAssociated(c *clientView) []byte { return []byte(c.pool.ID + "\x00" + c.ID) }

// sealSRPBlock returns the SECRET_BLOCK for blk, for client c.
func (s *Service) sealSRPBlock(c *clientView, blk *srpBlock) string {
	plain, _ := json.Marshal(blk) // strings, bools, bytes and ints always marshal
	aead := s.srpAEAD()
	nonce := randomBytes(aead.NonceSize())
	sealed := aead.Seal(append([]byte{1}, nonce...), nonce, plain, srpAssociated(c))
	return base64.StdEncoding.EncodeToString(sealed)
}

// openSRPBlock opens a SECRET_BLOCK sent to client c; anything that is not
// one of c's blocks is errBadBlock.
func (s *Service) openSRPBlock(c *clientView, text string) (*srpBlock, error) {
	raw, err := base64.StdEncoding.DecodeString(text)
	aead := s.srpAEAD()
	n := aead.NonceSize()
	if err != nil || len(raw) < 1+n || raw[0] != 1 {
		return nil, errBadBlock
	}
	nonce := raw[1 : 1+n]
	plain, err := aead.Open(nil, nonce, raw[1+n:], srpAssociated(c))
	if err != nil {
		return nil, errBadBlock
	}
	var blk srpBlock
	if err := json.Unmarshal(plain, &blk); err != nil || len(blk.A) == 0 || len(blk.Secret) == 0 {
		return nil, errBadBlock
	}
	blk.nonce, blk.raw = nonce, raw
	return &blk, nil
}
