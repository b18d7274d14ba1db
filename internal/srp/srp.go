// Package srp is the Secure Remote Password variant of Amazon Cognito user
// pools (USER_SRP_AUTH), server side: SRP-6a over RFC 5054's 3072-bit group
// with g = 2 and SHA-256, as amazon-cognito-identity-js
// (AuthenticationHelper.js) and Amplify v6 (@aws-amplify/auth, utils/srp)
// compute it on the client. It holds no state: pool, user and session
// bookkeeping belong to the caller.
//
// Cognito's conventions, which differ from the RFC's:
//
//   - Every number that is hashed is first written as the shortest
//     big-endian two's-complement byte string that holds it (Java's
//     BigInteger.toByteArray, the clients' padHex): a 0x00 byte leads when
//     the top bit is set, and no other leading zero is kept. Pad does it.
//   - k = H(Pad(N) ‖ Pad(g)); u = H(Pad(A) ‖ Pad(B)).
//   - x = H(Pad(salt) ‖ H(poolName ‖ userID ‖ ":" ‖ password)), where
//     poolName is the part of the pool ID after "_" and userID the
//     challenge's USER_ID_FOR_SRP; the verifier is v = g^x mod N.
//   - The session key is HKDF-SHA256 with ikm Pad(S), salt Pad(u) and info
//     "Caldera Derived Key", 16 bytes.
//   - The client proves the key with PASSWORD_CLAIM_SIGNATURE =
//     HMAC-SHA256(key, poolName ‖ userID ‖ secretBlock ‖ timestamp).
package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"math/big"
	"strings"
)

// nHex is the 3072-bit prime of RFC 5054 appendix A (also RFC 3526 group
// 15), the modulus every Cognito client uses.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74" +
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437" +
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05" +
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB" +
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718" +
	"3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33" +
	"A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864" +
	"D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2" +
	"08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

var (
	// N is the group's modulus and G its generator.
	N = mustHex(nHex)
	G = big.NewInt(2)
	// k is SRP-6a's multiplier, H(Pad(N) ‖ Pad(g)).
	k = new(big.Int).SetBytes(hash(Pad(N), Pad(G)))
)

// ErrIllegalParameter reports a public value that would make the exchange
// trivial: A or B ≡ 0 (mod N), or u = 0 (RFC 5054 section 2.5.4 says to abort).
var ErrIllegalParameter = errors.New("srp: illegal parameter")

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant")
	}
	return n
}

func hash(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// Pad returns n ≥ 0 as the shortest big-endian two's-complement bytes: a
// leading 0x00 when the top bit of the first byte is set, one 0x00 for zero.
func Pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// PoolName is the part of a pool ID after "_" ("us-east-1_AbC" → "AbC"),
// the name the clients hash.
func PoolName(poolID string) string {
	_, name, _ := strings.Cut(poolID, "_")
	return name
}

// Verifier returns v = g^x mod N for the password of userID in pool
// poolName with the given salt.
func Verifier(poolName, userID, password string, salt []byte) *big.Int {
	inner := hash([]byte(poolName), []byte(userID), []byte(":"), []byte(password))
	x := new(big.Int).SetBytes(hash(Pad(new(big.Int).SetBytes(salt)), inner))
	return new(big.Int).Exp(G, x, N)
}

// PublicB returns the server's public value B = (k·v + g^b) mod N for the
// verifier v and the server's secret b.
func PublicB(v, b *big.Int) *big.Int {
	kv := new(big.Int).Mul(k, v)
	return kv.Add(kv, new(big.Int).Exp(G, b, N)).Mod(kv, N)
}

// ValidA reports whether the client's public value is usable: A mod N ≠ 0
// (RFC 5054 section 2.5.4), and not negative.
func ValidA(a *big.Int) bool {
	return a.Sign() > 0 && new(big.Int).Mod(a, N).Sign() != 0
}

// Key returns the 16-byte key both sides derive: S = (A·v^u)^b mod N on
// the server, then HKDF over Pad(S) with Pad(u) as salt. It fails with
// ErrIllegalParameter for an unusable A, and for u = 0.
func Key(a, v, b *big.Int) ([]byte, error) {
	s, u, err := premaster(a, v, b)
	if err != nil {
		return nil, err
	}
	return hkdf(Pad(s), Pad(u)), nil
}

// premaster returns the server's S and the scrambler u.
func premaster(a, v, b *big.Int) (s, u *big.Int, err error) {
	if !ValidA(a) {
		return nil, nil, ErrIllegalParameter
	}
	u = new(big.Int).SetBytes(hash(Pad(a), Pad(PublicB(v, b))))
	if u.Sign() == 0 {
		return nil, nil, ErrIllegalParameter
	}
	s = new(big.Int).Exp(v, u, N)
	s.Mul(s, a).Mod(s, N).Exp(s, b, N)
	return s, u, nil
}

// hkdf is RFC 5869 HKDF-SHA256 with the clients' info string, cut to the
// 16 bytes they use (one HMAC block is enough).
func hkdf(ikm, salt []byte) []byte {
	extract := hmac.New(sha256.New, salt)
	extract.Write(ikm)
	expand := hmac.New(sha256.New, extract.Sum(nil))
	expand.Write([]byte("Caldera Derived Key\x01"))
	return expand.Sum(nil)[:16]
}

// Signature is the PASSWORD_CLAIM_SIGNATURE the client must send, before
// base64: HMAC-SHA256 under key of poolName ‖ userID ‖ secretBlock (the
// decoded SECRET_BLOCK bytes) ‖ timestamp.
func Signature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userID))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}
