package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSecretHash pins spec §2.8 for every operation that carries a hash:
// InitiateAuth's SECRET_HASH parameter, SignUp's top-level SecretHash,
// RespondToAuthChallenge and REFRESH_TOKEN_AUTH. The expected hash is
// computed here, independently of the server.
func TestSecretHash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	sc := e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	withSecret, secret := aws.ToString(sc.ClientId), aws.ToString(sc.ClientSecret)
	plain := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword)
	right := secretHash(secret, "alice", withSecret)

	missingParam := "Client " + withSecret + " is configured with secret but SECRET_HASH was not received"
	missingMember := "Client " + withSecret + " is configured for secret but secret was not received"
	mismatch := "Unable to verify secret hash for client " + withSecret
	notConfigured := "Client " + plain + " is not configured for secret but secret hash was received"

	initiate := func(client, user, hash string) func(*env) error {
		return func(e *env) error {
			extra := []string{}
			if hash != "" {
				extra = []string{"SECRET_HASH", hash}
			}
			_, err := e.initiate(client, user, goodPassword, extra...)
			return err
		}
	}
	signUp := func(client, user, hash string) func(*env) error {
		return func(e *env) error {
			_, err := e.SDK.SignUp(e.t.Context(), &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(user),
				Password: aws.String(goodPassword), SecretHash: aws.String(hash)})
			return err
		}
	}
	signUpNoHash := func(client, user string) func(*env) error {
		return func(e *env) error {
			_, err := e.signUp(client, user, goodPassword)
			return err
		}
	}
	cases := []struct {
		name      string
		call      func(*env) error
		code, msg string // code "" means success
	}{
		{"InitiateAuth without SECRET_HASH", initiate(withSecret, "alice", ""), "NotAuthorizedException", missingParam},
		{"InitiateAuth without SECRET_HASH, unknown user", initiate(withSecret, "nobody", ""), "NotAuthorizedException", missingParam},
		{"InitiateAuth wrong SECRET_HASH", initiate(withSecret, "alice", secretHash("wrong", "alice", withSecret)), "NotAuthorizedException", mismatch},
		{"InitiateAuth hash of another user", initiate(withSecret, "alice", secretHash(secret, "bob", withSecret)), "NotAuthorizedException", mismatch},
		{"InitiateAuth right SECRET_HASH", initiate(withSecret, "alice", right), "", ""},
		{"InitiateAuth hash to secretless client", initiate(plain, "alice", right), "InvalidParameterException", notConfigured},
		{"SignUp without SecretHash", signUpNoHash(withSecret, "s1"), "NotAuthorizedException", missingMember},
		{"SignUp wrong SecretHash", signUp(withSecret, "s2", secretHash(secret, "other", withSecret)), "NotAuthorizedException", mismatch},
		{"SignUp right SecretHash", signUp(withSecret, "s3", secretHash(secret, "s3", withSecret)), "", ""},
		{"SignUp hash to secretless client", signUp(plain, "s4", secretHash(secret, "s4", plain)), "InvalidParameterException", notConfigured},
	}
	t.Run("cases", func(t *testing.T) { // returns when its parallel subtests are done
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				err := c.call(e.with(t))
				if c.code == "" {
					ok(t, err, c.name)
					return
				}
				wantAPIError(t, err, c.code, c.msg)
			})
		}
	})
	// Refused sign-ups created nobody; the accepted one did.
	for _, n := range []string{"s1", "s2", "s4"} {
		wantAPIError(t, e.adminGet(poolID, n), "UserNotFoundException", "User does not exist.")
	}
	e.getUser(poolID, "s3")
}

func TestSecretHashChallengeAndRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	sc := e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	clientID, secret := aws.ToString(sc.ClientId), aws.ToString(sc.ClientSecret)
	_, err := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob"),
		TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress})
	ok(t, err, "AdminCreateUser")
	hash := secretHash(secret, "bob", clientID)
	out, err := e.initiate(clientID, "bob", "Temp0rary!", "SECRET_HASH", hash)
	ok(t, err, "InitiateAuth")
	respond := func(responses map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.SDK.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session, ChallengeResponses: responses})
	}
	_, err = respond(map[string]string{"USERNAME": "bob", "NEW_PASSWORD": "NewPassw0rd!"})
	wantAPIError(t, err, "NotAuthorizedException", "Client "+clientID+" is configured with secret but SECRET_HASH was not received")
	_, err = respond(map[string]string{"USERNAME": "bob", "NEW_PASSWORD": "NewPassw0rd!", "SECRET_HASH": secretHash("x", "bob", clientID)})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+clientID)
	done, err := respond(map[string]string{"USERNAME": "bob", "NEW_PASSWORD": "NewPassw0rd!", "SECRET_HASH": hash})
	ok(t, err, "RespondToAuthChallenge with SECRET_HASH")

	refresh := func(params map[string]string) error {
		params["REFRESH_TOKEN"] = aws.ToString(done.AuthenticationResult.RefreshToken)
		_, err := e.SDK.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: params})
		return err
	}
	wantAPIError(t, refresh(map[string]string{}), "NotAuthorizedException",
		"Client "+clientID+" is configured with secret but SECRET_HASH was not received")
	wantAPIError(t, refresh(map[string]string{"USERNAME": "bob", "SECRET_HASH": secretHash("x", "bob", clientID)}),
		"NotAuthorizedException", "Unable to verify secret hash for client "+clientID)
	ok(t, refresh(map[string]string{"USERNAME": "bob", "SECRET_HASH": hash}), "refresh with SECRET_HASH")
}

// In an email-as-username pool the client computes the hash over what it
// sends as USERNAME, the email; the stored username is a UUID. Spec §2.8
// asks to accept a hash over either name.
func TestSecretHashEmailUsername(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	}).Id)
	sc := e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	clientID, secret := aws.ToString(sc.ClientId), aws.ToString(sc.ClientSecret)
	e.confirmedUser(poolID, "carol@example.com", goodPassword)
	stored := aws.ToString(e.getUser(poolID, "carol@example.com").Username)
	for _, name := range []string{"carol@example.com", stored} {
		_, err := e.initiate(clientID, "carol@example.com", goodPassword, "SECRET_HASH", secretHash(secret, name, clientID))
		ok(t, err, "InitiateAuth with a hash over "+name)
	}
}
