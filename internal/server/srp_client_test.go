package server_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

// srpClient is a USER_SRP_AUTH client written for the tests from the
// protocol as the JavaScript clients run it (amazon-cognito-identity-js
// CognitoUser.authenticateUserDefaultAuth, Amplify v6 signIn), not from the
// server's code: it picks a, sends A = g^a, and answers PASSWORD_VERIFIER
// with S = (B − k·g^x)^(a + u·x), the HKDF key and the signed claim.
type srpClient struct {
	poolName string // the pool ID after "_"
	a, A     *big.Int
}

// rfc5054N is the 3072-bit group prime (RFC 5054 appendix A).
var rfc5054N, _ = new(big.Int).SetString(strings.Join([]string{
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
}, ""), 16)

// padHex is the clients' padHex: even-length hex, "00" in front when the
// first digit is 8 or above.
func padHex(n *big.Int) string {
	h := n.Text(16)
	if len(h)%2 == 1 {
		h = "0" + h
	}
	if strings.ContainsAny(h[:1], "89abcdef") {
		h = "00" + h
	}
	return h
}

// hexHash is SHA-256 of the bytes a hex string spells, as hex.
func hexHash(h string) string {
	b, ok := new(big.Int).SetString("1"+h, 16) // the leading 1 keeps leading zero bytes
	if !ok {
		panic("hexHash: " + h)
	}
	sum := sha256.Sum256(b.Bytes()[1:])
	return fmt.Sprintf("%x", sum)
}

func hexInt(h string) *big.Int {
	n, ok := new(big.Int).SetString(h, 16)
	if !ok {
		panic("not hex: " + h)
	}
	return n
}

func newSRPClient(t testing.TB, poolID string) *srpClient {
	t.Helper()
	buf := make([]byte, 128)
	if _, err := rand.Read(buf); err != nil {
		t.Fatal(err)
	}
	a := new(big.Int).SetBytes(buf)
	_, name, _ := strings.Cut(poolID, "_")
	return &srpClient{poolName: name, a: a, A: new(big.Int).Exp(big.NewInt(2), a, rfc5054N)}
}

// srpA is what the clients send as SRP_A: A in hex, unpadded.
func (c *srpClient) srpA() string { return c.A.Text(16) }

// clientTimestamp is the clients' getNowString: "Wed Dec 2 16:05:09 UTC 2026".
func clientTimestamp(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s %s %d %02d:%02d:%02d UTC %d", t.Weekday().String()[:3], t.Month().String()[:3],
		t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
}

// answer computes the PASSWORD_VERIFIER responses for the challenge
// parameters p and password, signed with timestamp.
func (c *srpClient) answer(p map[string]string, password, timestamp string) map[string]string {
	userID := p["USER_ID_FOR_SRP"]
	N, g := rfc5054N, big.NewInt(2)
	B, salt := hexInt(p["SRP_B"]), hexInt(p["SALT"])
	k := hexInt(hexHash(padHex(N) + padHex(g)))
	u := hexInt(hexHash(padHex(c.A) + padHex(B)))
	inner := sha256.Sum256([]byte(c.poolName + userID + ":" + password))
	x := hexInt(hexHash(padHex(salt) + fmt.Sprintf("%x", inner)))
	// S = (B − k·g^x)^(a + u·x) mod N, with the base taken mod N first.
	base := new(big.Int).Sub(B, new(big.Int).Mul(k, new(big.Int).Exp(g, x, N)))
	base.Mod(base, N)
	exp := new(big.Int).Add(c.a, new(big.Int).Mul(u, x))
	S := new(big.Int).Exp(base, exp, N)

	prk := hmac.New(sha256.New, hexInt("1" + padHex(u)).Bytes()[1:])
	prk.Write(hexInt("1" + padHex(S)).Bytes()[1:])
	okm := hmac.New(sha256.New, prk.Sum(nil))
	okm.Write([]byte("Caldera Derived Key\x01"))
	key := okm.Sum(nil)[:16]

	block, err := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
	if err != nil {
		panic("SECRET_BLOCK is not base64: " + err.Error())
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.poolName + userID))
	m.Write(block)
	m.Write([]byte(timestamp))
	return map[string]string{"USERNAME": userID, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": timestamp,
		"PASSWORD_CLAIM_SIGNATURE": base64.StdEncoding.EncodeToString(m.Sum(nil))}
}
