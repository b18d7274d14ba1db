package srp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"testing"
)

// vectors is testdata/vectors.json: values computed by
// amazon-cognito-identity-js and Amplify v6 with fixed secrets (its
// provenance field and e2e/js/srp-vectors.mjs say how).
type vectors struct {
	Provenance string
	K          string
	Cases      []struct {
		PoolName, UserID, Password, Salt  string
		A, B, X, V, U, S, Key             string
		SmallA                            string `json:"a"`
		SmallB                            string `json:"b"`
		SecretBlock, Timestamp, Signature string
	}
}

func loadVectors(t testing.TB) vectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) < 4 || v.Provenance == "" {
		t.Fatalf("testdata/vectors.json holds %d cases", len(v.Cases))
	}
	return v
}

func hexInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("not hex: %q", s)
	}
	return n
}

func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestJavaScriptVectors: the verifier, B, u, S, the HKDF key and the
// signature agree with what the JavaScript clients compute for the same
// secrets — the server can verify what they send.
func TestJavaScriptVectors(t *testing.T) {
	vs := loadVectors(t)
	if got := hex.EncodeToString(k.Bytes()); got != vs.K {
		t.Fatalf("k = %s, the clients' k = %s", got, vs.K)
	}
	for _, c := range vs.Cases {
		t.Run(c.UserID, func(t *testing.T) {
			salt := hexBytes(t, c.Salt)
			v := Verifier(c.PoolName, c.UserID, c.Password, salt)
			if v.Cmp(hexInt(t, c.V)) != 0 {
				t.Fatalf("verifier differs")
			}
			a, b := hexInt(t, c.A), hexInt(t, c.SmallB)
			if PublicB(v, b).Cmp(hexInt(t, c.B)) != 0 {
				t.Fatalf("B differs")
			}
			s, u, err := premaster(a, v, b)
			if err != nil {
				t.Fatal(err)
			}
			if u.Cmp(hexInt(t, c.U)) != 0 || s.Cmp(hexInt(t, c.S)) != 0 {
				t.Fatalf("u or S differs")
			}
			key, err := Key(a, v, b)
			if err != nil || hex.EncodeToString(key) != c.Key {
				t.Fatalf("key %x, %v; want %s", key, err, c.Key)
			}
			block, err := base64.StdEncoding.DecodeString(c.SecretBlock)
			if err != nil {
				t.Fatal(err)
			}
			sig := base64.StdEncoding.EncodeToString(Signature(key, c.PoolName, c.UserID, block, c.Timestamp))
			if sig != c.Signature {
				t.Fatalf("signature %s, want %s", sig, c.Signature)
			}
		})
	}
}

// TestWrongPasswordGivesAnotherKey: the key the server derives from a
// verifier of another password is not the client's key.
func TestWrongPasswordGivesAnotherKey(t *testing.T) {
	c := loadVectors(t).Cases[0]
	v := Verifier(c.PoolName, c.UserID, c.Password+"x", hexBytes(t, c.Salt))
	key, err := Key(hexInt(t, c.A), v, hexInt(t, c.SmallB))
	if err != nil || hex.EncodeToString(key) == c.Key {
		t.Fatalf("key %x, %v: a wrong password must give another key", key, err)
	}
}

// TestGroupIsRFC5054: N is the 3072-bit MODP prime of RFC 5054 appendix A
// (RFC 3526 §4), checked against its definition 2^3072 − 2^3008 − 1 +
// 2^64·(⌊2^2942·π⌋ + 1690314) with π computed here, and is a safe prime.
func TestGroupIsRFC5054(t *testing.T) {
	one := big.NewInt(1)
	want := new(big.Int).Lsh(one, 3072)
	want.Sub(want, new(big.Int).Lsh(one, 3008)).Sub(want, one)
	term := piTimes2To(2942)
	term.Add(term, big.NewInt(1690314)).Lsh(term, 64)
	want.Add(want, term)
	if N.Cmp(want) != 0 {
		t.Fatalf("N is not RFC 5054's 3072-bit prime")
	}
	q := new(big.Int).Rsh(N, 1)
	if !N.ProbablyPrime(16) || !q.ProbablyPrime(16) {
		t.Fatalf("N is not a safe prime")
	}
	if G.Int64() != 2 {
		t.Fatalf("g = %v", G)
	}
}

// piTimes2To returns ⌊π·2^bits⌋ by Machin's formula, π = 16·atan(1/5) −
// 4·atan(1/239), in fixed point with guard bits.
func piTimes2To(bits uint) *big.Int {
	const guard = 64
	one := new(big.Int).Lsh(big.NewInt(1), bits+guard)
	atanInv := func(x int64) *big.Int { // atan(1/x)·2^(bits+guard)
		sum, x2 := new(big.Int), big.NewInt(x*x)
		term := new(big.Int).Quo(one, big.NewInt(x))
		for n := int64(0); term.Sign() != 0; n++ {
			t := new(big.Int).Quo(term, big.NewInt(2*n+1))
			if n%2 == 0 {
				sum.Add(sum, t)
			} else {
				sum.Sub(sum, t)
			}
			term.Quo(term, x2)
		}
		return sum
	}
	pi := new(big.Int).Mul(atanInv(5), big.NewInt(16))
	pi.Sub(pi, new(big.Int).Mul(atanInv(239), big.NewInt(4)))
	return pi.Rsh(pi, guard)
}

// TestPad: the clients' padHex examples for non-negative numbers, and zero.
func TestPad(t *testing.T) {
	for n, want := range map[int64]string{0: "00", 20: "14", 56: "38", 236: "00ec", 200: "00c8", 0x7fff: "7fff", 0x8000: "008000"} {
		if got := hex.EncodeToString(Pad(big.NewInt(n))); got != want {
			t.Errorf("Pad(%d) = %s, want %s", n, got, want)
		}
	}
	if p := Pad(N); len(p) != 385 || p[0] != 0 {
		t.Errorf("Pad(N) has %d bytes", len(p))
	}
}

// TestIllegalA: A ≡ 0 (mod N) is refused — with it S would be 0 whatever
// the password — and so is a negative A.
func TestIllegalA(t *testing.T) {
	v, b := big.NewInt(12345), big.NewInt(678)
	for _, a := range []*big.Int{big.NewInt(0), N, new(big.Int).Lsh(N, 1), big.NewInt(-1)} {
		if _, err := Key(a, v, b); err != ErrIllegalParameter {
			t.Errorf("Key(A=%s…) = %v", a.Text(16)[:min(8, len(a.Text(16)))], err)
		}
	}
	if _, err := Key(new(big.Int).Add(N, big.NewInt(5)), v, b); err != nil {
		t.Errorf("A = N+5 refused: %v", err)
	}
}

func TestPoolName(t *testing.T) {
	if got := PoolName("us-east-1_AbC123xyZ"); got != "AbC123xyZ" {
		t.Fatal(got)
	}
}

// TestSignatureCoversEveryPart: changing any signed part changes the
// signature.
func TestSignatureCoversEveryPart(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 16)
	base := Signature(key, "pool", "user", []byte("block"), "Tue Dec 2 16:05:09 UTC 2026")
	for _, s := range [][]byte{
		Signature(key, "poolx", "user", []byte("block"), "Tue Dec 2 16:05:09 UTC 2026"),
		Signature(key, "pool", "userx", []byte("block"), "Tue Dec 2 16:05:09 UTC 2026"),
		Signature(key, "pool", "user", []byte("blockx"), "Tue Dec 2 16:05:09 UTC 2026"),
		Signature(key, "pool", "user", []byte("block"), "Tue Dec 2 16:05:10 UTC 2026"),
		Signature(append([]byte{8}, key[1:]...), "pool", "user", []byte("block"), "Tue Dec 2 16:05:09 UTC 2026"),
	} {
		if bytes.Equal(s, base) {
			t.Fatal("a signed part does not change the signature")
		}
	}
}
