// Package passhash hashes and verifies passwords with argon2id, under a
// concurrency limit so that a burst of sign-ins cannot allocate unbounded
// memory: each hash holds Memory KiB for its duration, and at most Limit
// hashes run at once; the others wait without allocating.
package passhash

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
}

// OWASP is the OWASP Password Storage Cheat Sheet's first argon2id
// configuration: m=19 MiB, t=2, p=1.
var OWASP = Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1}

// Minimum is the cheapest configuration we accept; it is meant for test
// suites that create thousands of users, never for production.
var Minimum = Params{Memory: 8, Iterations: 1, Parallelism: 1}

// Validate reports whether p is usable.
func (p Params) Validate() error {
	switch {
	case p.Parallelism < 1:
		return errors.New("argon2 parallelism must be at least 1")
	case p.Iterations < 1:
		return errors.New("argon2 iterations must be at least 1")
	case p.Memory < 8*uint32(p.Parallelism):
		return errors.New("argon2 memory must be at least 8 KiB per lane")
	}
	return nil
}

const (
	saltLen = 16
	keyLen  = 32
)

// ErrMismatch is returned by Verify when the password is wrong.
var ErrMismatch = errors.New("passhash: password does not match")

// Hasher hashes new passwords with Params and verifies any argon2id hash.
type Hasher struct {
	params Params
	slots  chan struct{}
}

// New returns a Hasher that runs at most limit hashes at once (limit <= 0
// means GOMAXPROCS: more would only queue inside the CPU scheduler while
// holding memory).
func New(p Params, limit int) (*Hasher, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	return &Hasher{params: p, slots: make(chan struct{}, limit)}, nil
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC-format encoding of an argon2id hash of password:
// $argon2id$v=19$m=..,t=..,p=..$salt$key (unpadded standard base64).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, keyLen)
	h.release()
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify checks password against an encoded hash made by Hash, with the
// parameters recorded in the hash (so changing Params keeps old hashes
// valid). It returns ErrMismatch for a wrong password.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) error {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, uint32(len(want)))
	h.release()
	// Constant time: the comparison must not reveal how many bytes matched.
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether encoded was made with other parameters than h's.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p != h.params
}

func decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errors.New("passhash: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, errors.New("passhash: unsupported argon2 version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Iterations, &p.Parallelism); err != nil {
		return Params{}, nil, nil, fmt.Errorf("passhash: bad parameters: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Params{}, nil, nil, err
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, fmt.Errorf("passhash: bad salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return Params{}, nil, nil, errors.New("passhash: bad key")
	}
	return p, salt, key, nil
}
