package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// The server's SRP costs: Verifier at every password set, PublicB at
// InitiateAuth (USER_SRP_AUTH), Key at the PASSWORD_VERIFIER answer.

func BenchmarkVerifier(b *testing.B) {
	salt := make([]byte, 16)
	rand.Read(salt)
	for b.Loop() {
		Verifier("AbCdEfGhI", "alice", "Passw0rd!", salt)
	}
}

func benchSecret(b *testing.B) (v, secret *big.Int) {
	v = Verifier("AbCdEfGhI", "alice", "Passw0rd!", []byte("salt"))
	buf := make([]byte, 32)
	rand.Read(buf)
	return v, new(big.Int).SetBytes(buf)
}

func BenchmarkPublicB(b *testing.B) {
	v, secret := benchSecret(b)
	for b.Loop() {
		PublicB(v, secret)
	}
}

func BenchmarkKey(b *testing.B) {
	v, secret := benchSecret(b)
	a := new(big.Int).Exp(G, big.NewInt(1<<40+12345), N)
	for b.Loop() {
		if _, err := Key(a, v, secret); err != nil {
			b.Fatal(err)
		}
	}
}
