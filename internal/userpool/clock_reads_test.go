package userpool

import (
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/srp"
	"github.com/userpool/userpool/internal/store"
)

// Every time rule of a request reads the service clock once (issue 14 item
// 4): two readings in one request can disagree — a test clock moved in
// between, or a millisecond boundary — and then two rules of the same
// request judge different instants (a temporary password and its
// invitation expiring apart, a password changed "after" the user record
// that holds it).

// steppingClock counts its readings; each is a millisecond later than the
// one before, so two readings in one request never agree.
type steppingClock struct {
	mu sync.Mutex
	t  time.Time
	n  int
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

// readings returns how many readings there were since the last call.
func (c *steppingClock) readings() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = 0
	return n
}

// steppingService is a Service on a fresh store read through a
// steppingClock, with a pool, a password-auth client and the pool's signing
// key made.
func steppingService(t *testing.T) (s *Service, st store.Store, clock *steppingClock, poolID, clientID string) {
	t.Helper()
	ctx := t.Context()
	st = openTestStore(t)
	h, err := passhash.New(passhash.Minimum, 0)
	if err != nil {
		t.Fatal(err)
	}
	clock = &steppingClock{t: time.Now()}
	s, err = New(ctx, st, h, clock, nil, Config{Region: "us-east-1", IssuerBase: "http://x", FixedCode: "123456", RecoveryRate: 100})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p"})
	if err != nil {
		t.Fatal(err)
	}
	poolID = pool.UserPool.Id
	client, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "c",
		ClientSettings: ClientSettings{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The pool's signing key is made on first use and stamped with a
	// reading of its own: bookkeeping, not a time rule of the request that
	// happens to need it first, so it is made beforehand.
	if _, err := s.JWKS(ctx, poolID); err != nil {
		t.Fatal(err)
	}
	return s, st, clock, poolID, client.UserPoolClient.ClientId
}

func TestOneClockReadingPerRequest(t *testing.T) {
	ctx := t.Context()
	s, st, clock, poolID, clientID := steppingService(t)
	var refresh, access, session, block string
	steps := []struct {
		name string
		call func() error
	}{
		{"AdminCreateUser with two invitations", func() error {
			_, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "alice",
				DesiredDeliveryMediums: []string{"EMAIL", "SMS"}, UserAttributes: []AttributeType{
					{Name: "email", Value: "alice@example.com"}, {Name: "email_verified", Value: "true"},
					{Name: "phone_number", Value: "+15555550100"}}})
			return err
		}},
		{"AdminSetUserPassword", func() error {
			_, err := s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: poolID, Username: "alice",
				Password: "Passw0rd!x", Permanent: true})
			return err
		}},
		{"InitiateAuth USER_PASSWORD_AUTH", func() error {
			out, err := s.InitiateAuth(ctx, &InitiateAuthInput{ClientId: clientID, AuthFlow: "USER_PASSWORD_AUTH",
				AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!x"}})
			if err == nil {
				refresh, access = out.AuthenticationResult.RefreshToken, out.AuthenticationResult.AccessToken
			}
			return err
		}},
		{"InitiateAuth USER_SRP_AUTH", func() error {
			out, err := s.InitiateAuth(ctx, &InitiateAuthInput{ClientId: clientID, AuthFlow: "USER_SRP_AUTH",
				AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": "2"}})
			if err == nil {
				block = out.ChallengeParameters["SECRET_BLOCK"]
			}
			return err
		}},
		{"RespondToAuthChallenge PASSWORD_VERIFIER with a wrong proof", func() error {
			_, err := s.RespondToAuthChallenge(ctx, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "PASSWORD_VERIFIER",
				ChallengeResponses: map[string]string{"USERNAME": "alice", "PASSWORD_CLAIM_SECRET_BLOCK": block,
					"TIMESTAMP": srp.FormatTimestamp(clock.t), "PASSWORD_CLAIM_SIGNATURE": "AAAA"}})
			if err != errIncorrectCredentials {
				t.Errorf("wrong proof: %v, want %v", err, errIncorrectCredentials)
			}
			return nil
		}},
		{"ChangePassword", func() error {
			_, err := s.ChangePassword(ctx, &ChangePasswordInput{AccessToken: access, PreviousPassword: "Passw0rd!x",
				ProposedPassword: "Passw0rd!y"})
			return err
		}},
		{"InitiateAuth REFRESH_TOKEN_AUTH", func() error {
			_, err := s.InitiateAuth(ctx, &InitiateAuthInput{ClientId: clientID, AuthFlow: "REFRESH_TOKEN_AUTH",
				AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}})
			return err
		}},
		{"ForgotPassword", func() error {
			_, err := s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: clientID, Username: "alice"})
			return err
		}},
		{"ConfirmForgotPassword with a wrong code", func() error {
			_, err := s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: clientID, Username: "alice",
				ConfirmationCode: "654321", Password: "N3w-Passw0rd!"})
			if err != errCodeMismatch {
				t.Errorf("wrong code: %v, want %v", err, errCodeMismatch)
			}
			return nil
		}},
		{"ConfirmForgotPassword", func() error {
			_, err := s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: clientID, Username: "alice",
				ConfirmationCode: "123456", Password: "N3w-Passw0rd!"})
			return err
		}},
		{"AdminResetUserPassword", func() error {
			_, err := s.AdminResetUserPassword(ctx, &AdminResetUserPasswordInput{UserPoolId: poolID, Username: "alice"})
			return err
		}},
		{"AdminCreateUser without invitation", func() error {
			_, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "bob",
				TemporaryPassword: "Temp0rary!x", MessageAction: "SUPPRESS"})
			return err
		}},
		{"InitiateAuth with a temporary password", func() error {
			out, err := s.InitiateAuth(ctx, &InitiateAuthInput{ClientId: clientID, AuthFlow: "USER_PASSWORD_AUTH",
				AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Temp0rary!x"}})
			if err == nil {
				session = out.Session
			}
			return err
		}},
		{"RespondToAuthChallenge NEW_PASSWORD_REQUIRED", func() error {
			_, err := s.RespondToAuthChallenge(ctx, &RespondToAuthChallengeInput{ClientId: clientID,
				ChallengeName: "NEW_PASSWORD_REQUIRED", Session: session,
				ChallengeResponses: map[string]string{"USERNAME": "bob", "NEW_PASSWORD": "Passw0rd!b"}})
			return err
		}},
	}
	clock.readings()
	for _, step := range steps {
		if err := step.call(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if n := clock.readings(); n != 1 {
			t.Errorf("%s read the clock %d times, want once", step.name, n)
		}
		switch step.name {
		case "AdminCreateUser with two invitations":
			wantInvitationsAgree(t, st, poolID)
		case "ConfirmForgotPassword":
			u, err := st.GetUserByKey(ctx, poolID, "username", "alice")
			if err != nil {
				t.Fatal(err)
			}
			if !u.UpdatedAt.Equal(u.PasswordChangedAt) {
				t.Errorf("after the reset: UpdatedAt %v, PasswordChangedAt %v, want one instant", u.UpdatedAt, u.PasswordChangedAt)
			}
		}
	}
}

// wantInvitationsAgree checks that AdminCreateUser stamped the user, the
// temporary password and both invitations with one instant, and that the
// invitations expire when the temporary password does (7 days, the
// default TemporaryPasswordValidityDays).
func wantInvitationsAgree(t *testing.T, st store.Store, poolID string) {
	t.Helper()
	u, err := st.GetUserByKey(t.Context(), poolID, "username", "alice")
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := st.ListMessages(t.Context(), store.MessageFilter{PoolID: poolID})
	if err != nil || len(msgs) != 2 {
		t.Fatalf("invitations: %d, %v; want 2", len(msgs), err)
	}
	for _, m := range msgs {
		if !m.CreatedAt.Equal(u.CreatedAt) || !u.PasswordChangedAt.Equal(u.CreatedAt) ||
			!m.ExpiresAt.Equal(u.PasswordChangedAt.Add(7*24*time.Hour)) {
			t.Errorf("%s invitation created %v, expires %v; user created %v, password set %v: want one instant, expiry 7 days later",
				m.Medium, m.CreatedAt, m.ExpiresAt, u.CreatedAt, u.PasswordChangedAt)
		}
	}
}
