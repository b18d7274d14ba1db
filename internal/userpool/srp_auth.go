package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/userpool/userpool/internal/srp"
	"github.com/userpool/userpool/internal/store"
)

// USER_SRP_AUTH (InitiateAuth and AdminInitiateAuth) and its
// PASSWORD_VERIFIER challenge, as amazon-cognito-identity-js'
// authenticateUser and Amplify v6's signIn() run them by default. The math
// is internal/srp; this file holds Cognito's rules around it.
//
//  1. InitiateAuth: USERNAME and SRP_A (+ SECRET_HASH). The user is
//     resolved as for USER_PASSWORD_AUTH, except that an unknown name never
//     reaches UserMigration: Cognito cannot migrate without the password.
//     The answer is ChallengeName PASSWORD_VERIFIER with SALT, SRP_B,
//     SECRET_BLOCK, USER_ID_FOR_SRP and USERNAME (the username), and no
//     Session (as Cognito's, measured by ministack#1758): the state
//     travels in the sealed SECRET_BLOCK (srp_secret_block.go).
//  2. RespondToAuthChallenge PASSWORD_VERIFIER: USERNAME,
//     PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP, PASSWORD_CLAIM_SIGNATURE
//     (+ SECRET_HASH). The attempt is counted against the same lockout as
//     USER_PASSWORD_AUTH before anything is checked, the block is used up,
//     and a right proof continues as a right password does (afterPassword).

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// srpClockSkew is how far TIMESTAMP may be from the service's clock
// (OBS: clients more than 5 minutes off fail, amazon-cognito-auth-js#199).
const srpClockSkew = 5 * time.Minute

// srpAuth answers USER_SRP_AUTH with a PASSWORD_VERIFIER challenge.
func (s *Service) srpAuth(ctx context.Context, c *clientView, params map[string]string) (*AuthOutput, error) {
	name := params["USERNAME"]
	if name == "" {
		return nil, errMissingUsername
	}
	if params["SRP_A"] == "" {
		return nil, errMissingSRPA
	}
	a, ok := new(big.Int).SetString(params["SRP_A"], 16)
	if !ok || !srp.ValidA(a) {
		return nil, errInvalidSRPA
	}
	blk := &srpBlock{User: name, Name: name, A: a.FillBytes(make([]byte, max(len(srp.N.Bytes()), len(a.Bytes())))), Issued: s.now().UnixMilli()}
	u, err := s.findUser(ctx, s.store, c.pool, name)
	switch {
	case err == nil:
		if err := checkSecretHash(c, params["SECRET_HASH"], errSecretHashNotReceived, name, u.Username); err != nil {
			return nil, err
		}
		blk.User, blk.Known = u.Username, 1
	case errors.Is(err, store.ErrNotFound):
		if err := checkSecretHash(c, params["SECRET_HASH"], errSecretHashNotReceived, name); err != nil {
			return nil, err
		}
		if !c.doc.preventsExistenceErrors() {
			return nil, errUserDoesNotExist
		}
		blk.User = s.srpFakeID(c.pool, name)
	default:
		return nil, err
	}
	vf := s.srpVerifierFor(c, u, blk.User)
	blk.Secret = randomBytes(32)
	secret := new(big.Int).SetBytes(blk.Secret)
	return &AuthOutput{ChallengeName: "PASSWORD_VERIFIER", ChallengeParameters: map[string]string{
		"SALT":            hex.EncodeToString(vf.salt),
		"SRP_B":           srp.PublicB(vf.v, secret).Text(16),
		"SECRET_BLOCK":    s.sealSRPBlock(c, blk),
		"USER_ID_FOR_SRP": blk.User,
		"USERNAME":        blk.User,
	}}, nil
}

// srpFakeID is the USER_ID_FOR_SRP of an unknown name under ENABLED. In
// pools whose usernames are generated (UsernameAttributes) a real user's is
// a version-4 UUID, so an unknown name gets one too, the same at every
// attempt; elsewhere a real user's is the name as created, and the typed
// name stands in.
func (s *Service) srpFakeID(pool *poolView, name string) string {
	if len(pool.doc.UsernameAttributes) == 0 || uuidShape.MatchString(name) {
		return name
	}
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte("srp-fake-id\x00" + pool.ID + "\x00" + pool.doc.norm("username", name)))
	id := [16]byte(m.Sum(nil)[:16])
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80 // version 4, RFC 4122 variant
	return uuid.UUID(id).String()
}

// srpVerifierFor returns u's verifier, or the stable fake one of name when
// there is no user or the user has no verifier yet (such a user fails the
// proof exactly as with a wrong password).
func (s *Service) srpVerifierFor(c *clientView, u *store.User, name string) srpVerifier {
	if u != nil {
		if vf, ok := verifierOf(u); ok {
			return vf
		}
	}
	return s.fakeVerifier(c.pool.ID, name)
}

// srpAnswer is a PASSWORD_VERIFIER answer, checked for presence.
type srpAnswer struct {
	username, block, timestamp, signature, secretHash string
}

func readSRPAnswer(r map[string]string) (*srpAnswer, error) {
	ans := &srpAnswer{username: r["USERNAME"], block: r["PASSWORD_CLAIM_SECRET_BLOCK"], timestamp: r["TIMESTAMP"],
		signature: r["PASSWORD_CLAIM_SIGNATURE"], secretHash: r["SECRET_HASH"]}
	switch {
	case ans.username == "":
		return nil, errMissingUsername
	case ans.block == "":
		return nil, errMissingSecretBlock
	case ans.timestamp == "":
		return nil, errMissingTimestamp
	case ans.signature == "":
		return nil, errMissingSignature
	case r["DEVICE_KEY"] != "":
		// Devices are not implemented, so no device key exists. Refused
		// before the block is used: the clients retry without the key.
		// (A DEVICE_KEY at InitiateAuth is not looked at: the clients
		// recover from this error only here.)
		return nil, errDeviceNotFound
	}
	return ans, nil
}

// passwordVerifier answers the PASSWORD_VERIFIER challenge.
func (s *Service) passwordVerifier(ctx context.Context, c *clientView, r map[string]string) (*AuthOutput, error) {
	ans, err := readSRPAnswer(r)
	if err != nil {
		return nil, err
	}
	now := s.now()
	blk, err := s.openSRPBlock(c, ans.block)
	if err != nil {
		return nil, errIncorrectCredentials
	}
	if err := s.srpNames(ctx, c, blk, ans); err != nil {
		return nil, err
	}
	signedAt, err := srp.ParseTimestamp(ans.timestamp)
	if err != nil {
		return nil, errTimestampFormat
	}
	subject := blk.User
	if blk.Known == 0 {
		subject = unknownSubject(c.pool, blk.Name) // as USER_PASSWORD_AUTH counts the name
	}
	// Counted before anything is checked, as a password is (signin_lockout.go).
	if err := s.signInGate(ctx, now, c.pool.ID, subject); err != nil {
		return nil, err
	}
	u, err := s.srpUser(ctx, now, c, blk, signedAt)
	if err != nil {
		return nil, err
	}
	if !s.srpProven(c, u, blk, ans, signedAt) {
		return nil, errIncorrectCredentials
	}
	return s.afterPassword(ctx, now, c, u, false) // answers RespondToAuthChallenge
}

// srpNames checks that the answer's USERNAME names the block's user (the
// clients send USER_ID_FOR_SRP; another name of the same user is
// accepted) and its SECRET_HASH.
func (s *Service) srpNames(ctx context.Context, c *clientView, blk *srpBlock, ans *srpAnswer) error {
	if ans.username != blk.User {
		u, err := s.findUser(ctx, s.store, c.pool, ans.username)
		if err != nil || blk.Known == 0 || u.Username != blk.User {
			return errIncorrectCredentials
		}
	}
	return checkSecretHash(c, ans.secretHash, errSecretHashNotReceived, ans.username, blk.User)
}

// srpUser applies the block's and the timestamp's time rules, uses the
// block up, and returns its user (nil for an unknown name or a user since
// deleted). A disabled user is told so, as USER_PASSWORD_AUTH tells it
// before the password.
func (s *Service) srpUser(ctx context.Context, now time.Time, c *clientView, blk *srpBlock, signedAt time.Time) (*store.User, error) {
	if !now.Before(blk.expires()) || signedAt.Sub(now).Abs() > srpClockSkew {
		return nil, errIncorrectCredentials
	}
	if err := s.store.UseOnce(ctx, c.pool.ID, blk.token(), blk.expires()); errors.Is(err, store.ErrConflict) {
		return nil, errIncorrectCredentials
	} else if err != nil {
		return nil, err
	}
	if blk.Known == 0 {
		return nil, nil
	}
	u, err := s.userByKey(ctx, s.store, c.pool, "username", blk.User)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	return u, nil
}

// srpProven verifies the signature: the key from A, the user's verifier
// and b, over the pool name, the user, the block and the TIMESTAMP as the
// server writes it. Without a verifier (an unknown name, a user from
// before verifiers) the fake one does the same work and the proof fails.
func (s *Service) srpProven(c *clientView, u *store.User, blk *srpBlock, ans *srpAnswer, signedAt time.Time) bool {
	var vf srpVerifier
	real := false
	if u != nil {
		vf, real = verifierOf(u)
	}
	if !real {
		vf = s.fakeVerifier(c.pool.ID, blk.User)
	}
	key, err := srp.Key(new(big.Int).SetBytes(blk.A), vf.v, new(big.Int).SetBytes(blk.Secret))
	if err != nil {
		return false
	}
	want := srp.Signature(key, srp.PoolName(c.pool.ID), blk.User, blk.raw, srp.FormatTimestamp(signedAt))
	got, err := base64.StdEncoding.DecodeString(ans.signature)
	return err == nil && hmac.Equal(got, want) && real
}
