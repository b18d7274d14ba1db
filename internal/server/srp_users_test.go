package server_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// USER_SRP_AUTH's rules beyond the proof: single-use, expiring secret
// blocks, A's validity, client secrets, the flow switch, unknown users,
// the shared lockout, the user-state answers and devices.

// TestSRPSecretBlockSingleUse: an answered secret block cannot be answered
// again, even with a fresh, valid signature; a failed answer uses it up
// too (the client starts over, as the JavaScript clients do anyway).
func TestSRPSecretBlockSingleUse(t *testing.T) {
	t.Parallel()
	_, f := srpSetup(t)
	c, p := f.challenge("alice")
	_, err := f.respond(c.answer(p, goodPassword, clientTimestamp(time.Now())))
	ok(t, err, "first answer")
	_, err = f.respond(c.answer(p, goodPassword, clientTimestamp(time.Now().Add(time.Second))))
	wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)

	c, p = f.challenge("alice")
	_, err = f.respond(c.answer(p, "Wrong-Passw0rd!", clientTimestamp(time.Now())))
	wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	_, err = f.respond(c.answer(p, goodPassword, clientTimestamp(time.Now())))
	wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
}

// TestSRPSecretBlockExpires: a secret block is answered within 5 minutes
// of the challenge on the service's clock, or not at all.
func TestSRPSecretBlockExpires(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t)
	c, p := f.challenge("alice")
	e.Clock.Advance(5*time.Minute + time.Second)
	_, err := f.respond(c.answer(p, goodPassword, clientTimestamp(time.Now().Add(5*time.Minute+time.Second))))
	wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)

	c, p = f.challenge("alice")
	e.Clock.Advance(4 * time.Minute)
	_, err = f.respond(c.answer(p, goodPassword, clientTimestamp(time.Now().Add(9*time.Minute+time.Second))))
	ok(t, err, "answer within 5 minutes")
}

// TestSRPIllegalA: A ≡ 0 (mod N) would let anyone compute S = 0 without
// the password (RFC 5054 section 2.5.4): refused before any challenge, as are a
// missing and a non-hex SRP_A.
func TestSRPIllegalA(t *testing.T) {
	t.Parallel()
	_, f := srpSetup(t)
	for name, a := range map[string]string{
		"zero": "0", "N": rfc5054N.Text(16), "2N": new(big.Int).Lsh(rfc5054N, 1).Text(16), "not hex": "xyz", "negative": "-5",
	} {
		_, _, err := f.start("alice", "SRP_A", a)
		if err == nil {
			t.Fatalf("SRP_A %s accepted", name)
		}
		wantAPICode(t, err, "InvalidParameterException") // text UNVERIFIED
	}
	_, _, err := f.start("alice", "SRP_A", "")
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter SRP_A")
	_, _, err = f.start("", "USERNAME", "")
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter USERNAME")
}

// TestSRPClientSecret: a client with a secret needs SECRET_HASH on both
// steps, with the texts of USER_PASSWORD_AUTH; the answer's hash is over
// USER_ID_FOR_SRP, as the clients compute it.
func TestSRPClientSecret(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t)
	client := e.client(f.poolID, withSRP, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	f.clientID, f.secret = aws.ToString(client.ClientId), aws.ToString(client.ClientSecret)
	f.mustSignIn("alice", goodPassword)

	_, _, err := f.start("alice", "SECRET_HASH", "")
	wantAPIError(t, err, "NotAuthorizedException", "Client "+f.clientID+" is configured with secret but SECRET_HASH was not received")
	_, _, err = f.start("alice", "SECRET_HASH", secretHash("wrong", "alice", f.clientID))
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+f.clientID)

	c, p := f.challenge("alice")
	r := c.answer(p, goodPassword, clientTimestamp(time.Now()))
	r["SECRET_HASH"] = ""
	_, err = f.respond(r)
	wantAPIError(t, err, "NotAuthorizedException", "Client "+f.clientID+" is configured with secret but SECRET_HASH was not received")
	r["SECRET_HASH"] = secretHash("wrong", "alice", f.clientID)
	_, err = f.respond(r)
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+f.clientID)
}

// TestSRPFlowSwitch: ALLOW_USER_SRP_AUTH gates the flow on both
// operations; Cognito's default flows include it.
func TestSRPFlowSwitch(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t)
	f.clientID = aws.ToString(e.client(f.poolID).ClientId) // password, admin and refresh flows only
	for _, admin := range []bool{false, true} {
		f.admin = admin
		_, _, err := f.start("alice")
		wantAPIError(t, err, "InvalidParameterException", "USER_SRP_AUTH is not enabled for the client.")
	}
	f.admin = false
	f.clientID = aws.ToString(e.client(f.poolID, func(in *cip.CreateUserPoolClientInput) { in.ExplicitAuthFlows = nil }).ClientId)
	f.mustSignIn("alice", goodPassword)
}

// TestSRPUnknownUser: under LEGACY an unknown name is UserNotFoundException
// at once (ministack#1758, measured); under ENABLED it gets a challenge
// shaped like a real one — the same salt every time, a fresh B — and then
// the answer of a wrong password, with the same lockout as a real user.
func TestSRPUnknownUser(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t, withLongLockout)
	_, _, err := f.start("nobody")
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	f.clientID = aws.ToString(e.client(f.poolID, withSRP, enabledClient).ClientId)
	_, real := f.challenge("alice")
	c, fake := f.challenge("alicf") // a name as long as alice's
	_, again := f.challenge("alicf")
	if fake["SALT"] != again["SALT"] || fake["SRP_B"] == again["SRP_B"] || fake["SECRET_BLOCK"] == again["SECRET_BLOCK"] {
		t.Fatalf("fake challenges: salt stable %v, B fresh %v", fake["SALT"] == again["SALT"], fake["SRP_B"] != again["SRP_B"])
	}
	if fake["USERNAME"] != "alicf" || fake["USER_ID_FOR_SRP"] != "alicf" {
		t.Fatalf("fake challenge names %q / %q", fake["USERNAME"], fake["USER_ID_FOR_SRP"])
	}
	// B's hex loses a digit to a leading zero now and then, for both.
	for k, slack := range map[string]int{"SALT": 0, "SECRET_BLOCK": 0, "SRP_B": 3} {
		if d := len(fake[k]) - len(real[k]); d < -slack || d > slack {
			t.Fatalf("%s: %d characters for an unknown user, %d for alice", k, len(fake[k]), len(real[k]))
		}
	}
	_, err = f.respond(c.answer(fake, goodPassword, clientTimestamp(time.Now())))
	wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	for range 4 {
		_, err := f.signIn("alicf", goodPassword)
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	_, err = f.signIn("alicf", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
}

// TestSRPSharesTheLockout: SRP answers and USER_PASSWORD_AUTH count
// against one lockout, before the proof is checked; a right SRP proof
// resets the count.
func TestSRPSharesTheLockout(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t, withLongLockout)
	for range 3 {
		_, err := e.initiate(f.clientID, "alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	f.mustSignIn("alice", goodPassword) // resets the count
	for range 3 {
		_, err := e.initiate(f.clientID, "alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	for range 2 {
		_, err := f.signIn("alice", "Wrong-Passw0rd!")
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	_, err := f.signIn("alice", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
	_, err = e.initiate(f.clientID, "alice", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
}

// TestSRPUserStates: after a right proof, the user's state answers as in
// USER_PASSWORD_AUTH: FORCE_CHANGE_PASSWORD gets NEW_PASSWORD_REQUIRED
// with its session (answering it sets a password SRP then accepts),
// RESET_REQUIRED PasswordResetRequiredException, a disabled user "User is
// disabled.", an unconfirmed one UserNotConfirmedException.
func TestSRPUserStates(t *testing.T) {
	t.Parallel()
	e, f := srpSetup(t)
	ctx := t.Context()
	_, err := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(f.poolID), Username: aws.String("temp"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress})
	ok(t, err, "AdminCreateUser")
	out, err := f.signIn("temp", "Temp-Passw0rd!")
	ok(t, err, "SRP with the temporary password")
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || aws.ToString(out.Session) == "" ||
		out.ChallengeParameters["USER_ID_FOR_SRP"] != "temp" {
		t.Fatalf("challenge %q, session %q, params %v", out.ChallengeName, aws.ToString(out.Session), out.ChallengeParameters)
	}
	_, err = e.respondNewPassword(f.clientID, aws.ToString(out.Session), "Final-Passw0rd!")
	ok(t, err, "NEW_PASSWORD_REQUIRED")
	f.mustSignIn("temp", "Final-Passw0rd!")

	_, err = e.SDK.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(f.poolID), Username: aws.String("alice")})
	ok(t, err, "AdminResetUserPassword")
	_, err = f.signIn("alice", goodPassword)
	wantAPIError(t, err, "PasswordResetRequiredException", "Password reset required for the user")

	_, err = e.SDK.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(f.poolID), Username: aws.String("temp")})
	ok(t, err, "AdminDisableUser")
	_, err = f.signIn("temp", "Final-Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")

	_, err = e.SDK.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.clientID), Username: aws.String("newbie"), Password: aws.String(goodPassword)})
	ok(t, err, "SignUp")
	_, err = f.signIn("newbie", goodPassword)
	wantAPIError(t, err, "UserNotConfirmedException", "User is not confirmed.")
	_, err = f.signIn("newbie", "Wrong-Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
}

// TestSRPDeviceKey: devices are not implemented, so every DEVICE_KEY is
// unknown: the answer is refused with Cognito's "Device does not exist."
// before the secret block is used, and the clients' retry without the key
// (amazon-cognito-identity-js, Amplify retryOnResourceNotFoundException)
// then succeeds with the same block.
func TestSRPDeviceKey(t *testing.T) {
	t.Parallel()
	_, f := srpSetup(t)
	c, p := f.challenge("alice")
	r := c.answer(p, goodPassword, clientTimestamp(time.Now()))
	r["DEVICE_KEY"] = "us-east-1_0b1c2d3e-0000-4000-8000-000000000000"
	_, err := f.respond(r)
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	delete(r, "DEVICE_KEY")
	_, err = f.respond(r)
	ok(t, err, "the retry without DEVICE_KEY")
}

// TestSRPUnknownUserEmailPool: where usernames are generated (email as
// username), a real challenge names a UUID; so does an unknown email's
// under ENABLED — a version-4 UUID, the same at every attempt — and its
// lockout is the one USER_PASSWORD_AUTH counts for that email.
func TestSRPUnknownUserEmailPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withLongLockout)
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	}).Id)
	clientID := aws.ToString(e.client(poolID, withSRP, enabledClient).ClientId)
	f := &srpFlow{e: e, poolID: poolID, clientID: clientID}
	e.confirmedUser(poolID, "real@example.com", goodPassword)
	_, real := f.challenge("real@example.com")
	_, fake := f.challenge("ghost@example.com")
	_, again := f.challenge("ghost@example.com")
	for _, p := range []map[string]string{real, fake} {
		if id := p["USER_ID_FOR_SRP"]; !uuidAny.MatchString(id) || id[14] != '4' || p["USERNAME"] != id {
			t.Fatalf("USER_ID_FOR_SRP %q, USERNAME %q", id, p["USERNAME"])
		}
	}
	if fake["USER_ID_FOR_SRP"] != again["USER_ID_FOR_SRP"] || fake["SALT"] != again["SALT"] {
		t.Fatal("an unknown email's stand-in changes between attempts")
	}
	for range 3 {
		_, err := e.initiate(clientID, "ghost@example.com", goodPassword)
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	for range 2 {
		_, err := f.signIn("ghost@example.com", goodPassword)
		wantAPIError(t, err, "NotAuthorizedException", msgBadCredential)
	}
	_, err := f.signIn("ghost@example.com", goodPassword)
	wantAPIError(t, err, "NotAuthorizedException", attemptsExceeded)
}
