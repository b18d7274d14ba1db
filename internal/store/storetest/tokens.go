package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// racers is how many goroutines the create-once tests race.
const racers = 20

// tokenPool creates pool p1 with client c1 and users alice and bob.
func tokenPool(t *testing.T, ctx context.Context, s store.Store) {
	t.Helper()
	createPool(t, ctx, s, "p1")
	createClient(t, ctx, s, "p1", "c1")
	createUser(t, ctx, s, "p1", "alice")
	createUser(t, ctx, s, "p1", "bob")
}

var tokenTests = []testCase{
	{"PutGet", func(t *testing.T, ctx context.Context, s store.Store) {
		tokenPool(t, ctx, s)
		want := putToken(t, ctx, s, "p1", "c1", "alice", "t1")
		putToken(t, ctx, s, "p1", "c1", "alice", "t2")
		revoked := newToken("p1", "c1", "bob", "t3")
		revoked.Revoked = true
		must(t, s.PutRefreshToken(ctx, revoked), "PutRefreshToken revoked")
		for _, w := range []*store.RefreshToken{want, revoked} {
			got, err := s.GetRefreshToken(ctx, w.ID)
			must(t, err, "GetRefreshToken")
			same(t, tokenView, got, w, "GetRefreshToken")
			got, err = s.GetRefreshTokenByHash(ctx, w.Hash)
			must(t, err, "GetRefreshTokenByHash")
			same(t, tokenView, got, w, "GetRefreshTokenByHash")
		}
	}},
	{"GetMissing", func(t *testing.T, ctx context.Context, s store.Store) {
		tokenPool(t, ctx, s)
		tok := putToken(t, ctx, s, "p1", "c1", "alice", "t1")
		_, err := s.GetRefreshToken(ctx, "t2")
		wantErr(t, err, store.ErrNotFound, "GetRefreshToken of a missing token")
		_, err = s.GetRefreshTokenByHash(ctx, tokenHash("t2"))
		wantErr(t, err, store.ErrNotFound, "GetRefreshTokenByHash of a missing hash")
		_, err = s.GetRefreshTokenByHash(ctx, tok.Hash[:len(tok.Hash)-1])
		wantErr(t, err, store.ErrNotFound, "GetRefreshTokenByHash of a prefix of a hash")
	}},
	// Scopes: an OAuth family keeps its granted scopes byte for byte
	// (issue 17: the refresh_token grant mints with them again); a family
	// without scopes reads back "", and revoking keeps them.
	{"Scopes", func(t *testing.T, ctx context.Context, s store.Store) {
		tokenPool(t, ctx, s)
		oauth := newToken("p1", "c1", "alice", "t1")
		oauth.Scopes = "openid email https://api.example.com/read.all"
		must(t, s.PutRefreshToken(ctx, oauth), "PutRefreshToken with scopes")
		plain := putToken(t, ctx, s, "p1", "c1", "bob", "t2")
		for _, w := range []*store.RefreshToken{oauth, plain} {
			got, err := s.GetRefreshTokenByHash(ctx, w.Hash)
			must(t, err, "GetRefreshTokenByHash")
			same(t, tokenView, got, w, "token with its scopes")
		}
		must(t, s.RevokeRefreshToken(ctx, "t1"), "RevokeRefreshToken")
		got, err := s.GetRefreshToken(ctx, "t1")
		must(t, err, "GetRefreshToken")
		if got.Scopes != oauth.Scopes || !got.Revoked {
			t.Errorf("revoked token: Scopes %q Revoked %v, want %q true", got.Scopes, got.Revoked, oauth.Scopes)
		}
	}},
	{"PutDuplicate", func(t *testing.T, ctx context.Context, s store.Store) {
		tokenPool(t, ctx, s)
		want := putToken(t, ctx, s, "p1", "c1", "alice", "t1")
		sameID := newToken("p1", "c1", "bob", "t1")
		sameID.Hash = tokenHash("fresh")
		wantErr(t, s.PutRefreshToken(ctx, sameID), store.ErrConflict, "PutRefreshToken with a taken ID")
		sameHash := newToken("p1", "c1", "bob", "t2")
		sameHash.Hash = want.Hash
		wantErr(t, s.PutRefreshToken(ctx, sameHash), store.ErrConflict, "PutRefreshToken with a taken hash")
		_, err := s.GetRefreshToken(ctx, "t2")
		wantErr(t, err, store.ErrNotFound, "GetRefreshToken after a failed put")
		got, err := s.GetRefreshTokenByHash(ctx, want.Hash)
		must(t, err, "GetRefreshTokenByHash")
		same(t, tokenView, got, want, "token after the failed puts")
	}},
	{"Revoke", func(t *testing.T, ctx context.Context, s store.Store) {
		tokenPool(t, ctx, s)
		tok := putToken(t, ctx, s, "p1", "c1", "alice", "t1")
		other := putToken(t, ctx, s, "p1", "c1", "alice", "t2")
		must(t, s.RevokeRefreshToken(ctx, "t1"), "RevokeRefreshToken")
		must(t, s.RevokeRefreshToken(ctx, "t1"), "RevokeRefreshToken of a revoked token")
		want := *tok
		want.Revoked = true
		got, err := s.GetRefreshToken(ctx, "t1")
		must(t, err, "GetRefreshToken")
		same(t, tokenView, got, &want, "revoked token")
		got, err = s.GetRefreshTokenByHash(ctx, tok.Hash)
		must(t, err, "GetRefreshTokenByHash")
		same(t, tokenView, got, &want, "revoked token by hash")
		got, err = s.GetRefreshToken(ctx, "t2")
		must(t, err, "GetRefreshToken")
		same(t, tokenView, got, other, "the other token")
		wantErr(t, s.RevokeRefreshToken(ctx, "nope"), store.ErrNotFound, "RevokeRefreshToken of a missing token")
	}},
	{"RevokeUserTokens", func(t *testing.T, ctx context.Context, s store.Store) {
		tokenPool(t, ctx, s)
		createPool(t, ctx, s, "p2")
		createUser(t, ctx, s, "p2", "alice") // same username, other pool
		for _, id := range []string{"a1", "a2", "a3"} {
			putToken(t, ctx, s, "p1", "c1", "alice", id)
		}
		must(t, s.RevokeRefreshToken(ctx, "a2"), "RevokeRefreshToken")
		bob := putToken(t, ctx, s, "p1", "c1", "bob", "b1")
		otherPool := putToken(t, ctx, s, "p2", "c1", "alice", "x1")

		n, err := s.RevokeUserRefreshTokens(ctx, "p1", "alice")
		must(t, err, "RevokeUserRefreshTokens")
		if n != 2 {
			t.Errorf("RevokeUserRefreshTokens = %d, want 2 (a2 was already revoked)", n)
		}
		for _, id := range []string{"a1", "a2", "a3"} {
			got, err := s.GetRefreshToken(ctx, id)
			must(t, err, "GetRefreshToken "+id)
			if !got.Revoked {
				t.Errorf("token %s not revoked", id)
			}
		}
		for _, w := range []*store.RefreshToken{bob, otherPool} {
			got, err := s.GetRefreshToken(ctx, w.ID)
			must(t, err, "GetRefreshToken "+w.ID)
			same(t, tokenView, got, w, "token of another user")
		}
		n, err = s.RevokeUserRefreshTokens(ctx, "p1", "alice")
		must(t, err, "second RevokeUserRefreshTokens")
		if n != 0 {
			t.Errorf("second RevokeUserRefreshTokens = %d, want 0", n)
		}
	}},
}

func newSigningKey(poolID, keyID string) *store.SigningKey {
	return &store.SigningKey{PoolID: poolID, KeyID: keyID, PrivateKey: []byte("pkcs8 " + keyID), CreatedAt: t0}
}

var signingKeyTests = []testCase{
	{"CreateGet", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		createPool(t, ctx, s, "p2")
		want := newSigningKey("p1", "k1")
		must(t, s.CreateSigningKey(ctx, want), "CreateSigningKey")
		got, err := s.GetSigningKey(ctx, "p1")
		must(t, err, "GetSigningKey")
		same(t, signingKeyView, got, want, "GetSigningKey")
		_, err = s.GetSigningKey(ctx, "p2")
		wantErr(t, err, store.ErrNotFound, "GetSigningKey of a pool without key")
		got.PrivateKey[0] = 'X'
		again, err := s.GetSigningKey(ctx, "p1")
		must(t, err, "GetSigningKey")
		same(t, signingKeyView, again, newSigningKey("p1", "k1"), "key after modifying a returned copy")
	}},
	{"CreateOnce", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		first := newSigningKey("p1", "k1")
		must(t, s.CreateSigningKey(ctx, first), "CreateSigningKey")
		wantErr(t, s.CreateSigningKey(ctx, newSigningKey("p1", "k2")), store.ErrConflict, "second CreateSigningKey")
		got, err := s.GetSigningKey(ctx, "p1")
		must(t, err, "GetSigningKey")
		same(t, signingKeyView, got, first, "the first key stays")
	}},
	{"CreateRace", func(t *testing.T, ctx context.Context, s store.Store) {
		createPool(t, ctx, s, "p1")
		errs := make([]error, racers)
		parallel(racers, func(i int) {
			errs[i] = s.CreateSigningKey(ctx, newSigningKey("p1", fmt.Sprintf("k%d", i)))
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("CreateSigningKey succeeded for both k%d and k%d", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("losing CreateSigningKey k%d: got %v, want ErrConflict", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no CreateSigningKey succeeded")
		}
		want := newSigningKey("p1", fmt.Sprintf("k%d", winner))
		parallel(racers, func(int) {
			got, err := s.GetSigningKey(ctx, "p1")
			if err != nil {
				t.Errorf("GetSigningKey: %v", err)
				return
			}
			same(t, signingKeyView, got, want, "GetSigningKey after the race")
		})
	}},
}

var settingTests = []testCase{
	{"GetOrCreate", func(t *testing.T, ctx context.Context, s store.Store) {
		v, err := s.GetOrCreateSetting(ctx, "jwt-secret", []byte("first"))
		must(t, err, "GetOrCreateSetting")
		if string(v) != "first" {
			t.Errorf("first GetOrCreateSetting = %q, want %q", v, "first")
		}
		v[0] = 'X' // a returned copy
		v, err = s.GetOrCreateSetting(ctx, "jwt-secret", []byte("second"))
		must(t, err, "GetOrCreateSetting")
		if string(v) != "first" {
			t.Errorf("second GetOrCreateSetting = %q, want the stored %q", v, "first")
		}
		bin := []byte{0, 1, 2, 0xff, 0}
		v, err = s.GetOrCreateSetting(ctx, "other", bin)
		must(t, err, "GetOrCreateSetting other")
		if !bytes.Equal(v, bin) {
			t.Errorf("GetOrCreateSetting other = %x, want %x", v, bin)
		}
	}},
	{"GetOrCreateInTx", func(t *testing.T, ctx context.Context, s store.Store) {
		err := s.Tx(ctx, func(tx store.Store) error {
			for i, value := range []string{"first", "second"} {
				v, err := tx.GetOrCreateSetting(ctx, "k", []byte(value))
				must(t, err, "GetOrCreateSetting inside a Tx")
				if string(v) != "first" {
					t.Errorf("GetOrCreateSetting %d inside a Tx = %q, want %q", i, v, "first")
				}
			}
			return nil
		})
		must(t, err, "Tx")
		v, err := s.GetOrCreateSetting(ctx, "k", []byte("third"))
		if err != nil || string(v) != "first" {
			t.Errorf("GetOrCreateSetting after the Tx = %q, %v; want %q", v, err, "first")
		}
	}},
	{"Race", func(t *testing.T, ctx context.Context, s store.Store) {
		got := make([][]byte, racers)
		parallel(racers, func(i int) {
			v, err := s.GetOrCreateSetting(ctx, "instance-id", fmt.Appendf(nil, "value-%d", i))
			if err != nil {
				t.Errorf("GetOrCreateSetting %d: %v", i, err)
			}
			got[i] = v
		})
		for i, v := range got {
			if !bytes.Equal(v, got[0]) {
				t.Errorf("caller %d got %q, caller 0 got %q; all must get the first value stored", i, v, got[0])
			}
		}
		if !bytes.HasPrefix(got[0], []byte("value-")) {
			t.Errorf("stored value %q is none of the candidates", got[0])
		}
		v, err := s.GetOrCreateSetting(ctx, "instance-id", []byte("late"))
		must(t, err, "GetOrCreateSetting after the race")
		if !bytes.Equal(v, got[0]) {
			t.Errorf("after the race: %q, want %q", v, got[0])
		}
	}},
}

// timeTests check that every record's times come back in UTC, truncated to
// milliseconds, whatever location and precision they were given in. The
// sub-millisecond parts stay below half a millisecond, so truncating and
// rounding agree and the test does not decide between them.
var timeTests = []testCase{
	{"RoundTripUTCMillis", func(t *testing.T, ctx context.Context, s store.Store) {
		zone := time.FixedZone("UTC+05:30", 5*3600+1800)
		in := time.Date(2024, 2, 29, 23, 59, 59, 987_123_456, zone)
		in2 := time.Date(1969, 7, 20, 20, 17, 40, 1_000_001, zone) // before 1970
		want, want2 := in.UTC().Truncate(time.Millisecond), in2.UTC().Truncate(time.Millisecond)

		p := &store.Pool{ID: "p1", Name: "p", CreatedAt: in, UpdatedAt: in2}
		must(t, s.CreatePool(ctx, p), "CreatePool")
		gotP, err := s.GetPool(ctx, "p1")
		must(t, err, "GetPool")
		checkTimes(t, "pool", []time.Time{gotP.CreatedAt, gotP.UpdatedAt}, want, want2)

		c := &store.Client{ID: "c1", PoolID: "p1", CreatedAt: in, UpdatedAt: in2}
		must(t, s.CreateClient(ctx, c), "CreateClient")
		gotC, err := s.GetClient(ctx, "c1")
		must(t, err, "GetClient")
		checkTimes(t, "client", []time.Time{gotC.CreatedAt, gotC.UpdatedAt}, want, want2)

		u := &store.User{PoolID: "p1", Username: "u", Keys: []store.UserKey{key("username", "u")}, CreatedAt: in, UpdatedAt: in2}
		must(t, s.CreateUser(ctx, u), "CreateUser")
		gotU, err := s.GetUserByKey(ctx, "p1", "username", "u")
		must(t, err, "GetUserByKey")
		checkTimes(t, "user", []time.Time{gotU.CreatedAt, gotU.UpdatedAt}, want, want2)

		r := &store.RefreshToken{ID: "t", Hash: []byte("h"), PoolID: "p1", ClientID: "c1", Username: "u",
			AuthTime: in, CreatedAt: in2, ExpiresAt: in}
		must(t, s.PutRefreshToken(ctx, r), "PutRefreshToken")
		gotR, err := s.GetRefreshToken(ctx, "t")
		must(t, err, "GetRefreshToken")
		checkTimes(t, "refresh token", []time.Time{gotR.AuthTime, gotR.CreatedAt, gotR.ExpiresAt}, want, want2, want)

		k := &store.SigningKey{PoolID: "p1", KeyID: "k", PrivateKey: []byte("k"), CreatedAt: in}
		must(t, s.CreateSigningKey(ctx, k), "CreateSigningKey")
		gotK, err := s.GetSigningKey(ctx, "p1")
		must(t, err, "GetSigningKey")
		checkTimes(t, "signing key", []time.Time{gotK.CreatedAt}, want)

		u.PasswordChangedAt = in2
		must(t, s.UpdateUser(ctx, u), "UpdateUser")
		gotU, err = s.GetUserByKey(ctx, "p1", "username", "u")
		must(t, err, "GetUserByKey")
		checkTimes(t, "user password change", []time.Time{gotU.PasswordChangedAt}, want2)

		code := &store.Code{PoolID: "p1", Username: "u", Purpose: "RESET", MAC: []byte("m"), CreatedAt: in2, ExpiresAt: in}
		must(t, s.PutCode(ctx, code), "PutCode")
		gotCode, err := s.GetCode(ctx, "p1", "u", "RESET")
		must(t, err, "GetCode")
		checkTimes(t, "code", []time.Time{gotCode.CreatedAt, gotCode.ExpiresAt}, want2, want)

		m := &store.Message{PoolID: "p1", CreatedAt: in}
		must(t, s.EnqueueMessage(ctx, m), "EnqueueMessage")
		gotM, err := s.ListMessages(ctx, store.MessageFilter{})
		must(t, err, "ListMessages")
		if len(gotM) != 1 {
			t.Fatalf("ListMessages returned %d messages, want 1", len(gotM))
		}
		checkTimes(t, "message", []time.Time{gotM[0].CreatedAt}, want)
	}},
}

func checkTimes(t *testing.T, what string, got []time.Time, want ...time.Time) {
	t.Helper()
	for i := range want {
		if !got[i].Equal(want[i]) || got[i].Location() != time.UTC {
			t.Errorf("%s time %d = %s, want %s", what, i, timeView(got[i]), timeView(want[i]))
		}
	}
}
