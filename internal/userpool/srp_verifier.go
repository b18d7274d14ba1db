package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"math/big"

	"github.com/userpool/userpool/internal/srp"
	"github.com/userpool/userpool/internal/store"
)

// The SRP verifier of a user, kept in store.User.Verifier so that
// USER_SRP_AUTH never needs the password: it is derived at every password
// set (setPassword), from the pool's name, the username and the password.
//
// Document version 1: 0x01 ‖ len(salt) ‖ salt ‖ v, v big-endian. A user
// stored before verifiers existed has none, and gets one from the next
// password set.

const (
	verifierV1   = 1
	srpSaltBytes = 16 // Cognito's SALT is 32 hex digits
)

// srpVerifier is a decoded verifier document.
type srpVerifier struct {
	salt []byte
	v    *big.Int
}

// newVerifierDoc derives a fresh salt and the verifier of password for
// username in poolID, as a version-1 document.
func newVerifierDoc(poolID, username, password string) []byte {
	salt := randomBytes(srpSaltBytes)
	v := srp.Verifier(srp.PoolName(poolID), username, password, salt)
	doc := append([]byte{verifierV1, byte(len(salt))}, salt...)
	return append(doc, v.Bytes()...)
}

// decodeVerifier reads a verifier document; ok is false for none, for an
// unknown version and for a damaged one.
func decodeVerifier(doc []byte) (vf srpVerifier, ok bool) {
	if len(doc) < 2 || doc[0] != verifierV1 {
		return vf, false
	}
	n := int(doc[1])
	if n == 0 || len(doc) <= 2+n {
		return vf, false
	}
	return srpVerifier{salt: doc[2 : 2+n], v: new(big.Int).SetBytes(doc[2+n:])}, true
}

// fakeVerifier is what USER_SRP_AUTH uses for a name without a verifier
// (an unknown name under PreventUserExistenceErrors=ENABLED, or a user
// from before verifiers): a salt that is the same at every attempt, as a
// real user's is, and a verifier nobody knows the password of, both from
// an HMAC of the pool and the name under the service's secret.
func (s *Service) fakeVerifier(poolID, name string) srpVerifier {
	block := func(label string, i byte) []byte {
		m := hmac.New(sha256.New, s.sessionKey)
		m.Write([]byte(label))
		m.Write([]byte{0, i})
		m.Write([]byte(poolID))
		m.Write([]byte{0})
		m.Write([]byte(name))
		return m.Sum(nil)
	}
	var v []byte
	for i := byte(0); len(v) < len(srp.N.Bytes()); i++ {
		v = append(v, block("srp-fake-verifier", i)...)
	}
	return srpVerifier{salt: block("srp-fake-salt", 0)[:srpSaltBytes], v: new(big.Int).Mod(new(big.Int).SetBytes(v), srp.N)}
}

// credential is a new password in the two forms the store keeps: the slow
// hash USER_PASSWORD_AUTH verifies and the SRP verifier, which depends on
// the username and so is derived for the user the password is set on.
// setPassword installs both, so no path that sets a password can forget
// the verifier. The password itself is kept only in memory, for the
// derivation.
type credential struct {
	hash     string
	password string
	verifier []byte
	forKey   string // the pool ID and username verifier was derived for
}

// newCredential hashes pw (slow: call it before any transaction).
func (s *Service) newCredential(ctx context.Context, pw string) (*credential, error) {
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	return &credential{hash: hash, password: pw}, nil
}

// deriveFor derives (once) the verifier for username in poolID and returns
// it. Callers that know the user before a transaction call it there, so
// that the modular exponentiation (about 1 ms) runs outside the lock.
func (c *credential) deriveFor(poolID, username string) []byte {
	if key := poolID + "\x00" + username; c.forKey != key {
		c.verifier, c.forKey = newVerifierDoc(poolID, username, c.password), key
	}
	return c.verifier
}

// verifierOf returns u's verifier, or false when it has none usable.
func verifierOf(u *store.User) (srpVerifier, bool) { return decodeVerifier(u.Verifier) }
