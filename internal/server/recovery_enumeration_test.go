package server_test

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"
)

// PreventUserExistenceErrors=ENABLED (spec §2.7): recovery must not tell
// who exists, by answer, by rate limit, or (roughly) by latency.

var (
	maskedEmail = regexp.MustCompile(`^.\*\*\*@.\*\*\*$`)
	maskedPhone = regexp.MustCompile(`^\+\*+[0-9]{4}$`)
)

// enumerationSetup is a pool with an ENABLED client, alice (verified
// email), dora (disabled, verified email) and uma (unverified email).
func enumerationSetup(t *testing.T, opts ...func(*envConfig)) (e *env, poolID, clientID string) {
	t.Helper()
	e, poolID, _ = recoverySetup(t, opts...)
	clientID = aws.ToString(e.client(poolID, enabledClient).ClientId)
	e.confirmedUser(poolID, "dora", goodPassword, verifiedEmail("dora@example.com")...)
	_, err := e.SDK.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("dora")})
	ok(t, err, "AdminDisableUser")
	e.confirmedUser(poolID, "uma", goodPassword, attr("email", "uma@example.com"), attr("email_verified", "false"))
	_, err = e.signUp(clientID, "ursula", goodPassword, attr("email", "ursula@example.com")) // UNCONFIRMED
	ok(t, err, "SignUp")
	return e, poolID, clientID
}

func TestForgotPasswordPreventUserExistence(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := enumerationSetup(t)
	// The fake medium follows the shape of the typed name (spec §2.7);
	// medium "" leaves it to the pool's settings.
	cases := []struct {
		name, user, reason string
		medium             types.DeliveryMediumType
	}{
		{"unknown name", "ghost", "USER_NOT_FOUND", ""},
		{"unknown email-shaped name", "ghost@example.com", "USER_NOT_FOUND", types.DeliveryMediumTypeEmail},
		{"unknown phone-shaped name", "+14155550199", "USER_NOT_FOUND", types.DeliveryMediumTypeSms},
		{"disabled user", "dora", "USER_DISABLED", ""},
		{"no verified contact", "uma", "NO_VERIFIED_CONTACT", ""},
		{"UNCONFIRMED without verified contact", "ursula", "NO_VERIFIED_CONTACT", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			first, err := e.forgot(clientID, c.user)
			ok(t, err, "ForgotPassword")
			d := first.CodeDeliveryDetails
			if d == nil {
				t.Fatal("no CodeDeliveryDetails")
			}
			dest := aws.ToString(d.Destination)
			switch {
			case d.DeliveryMedium == types.DeliveryMediumTypeEmail && aws.ToString(d.AttributeName) == "email" && maskedEmail.MatchString(dest):
			case d.DeliveryMedium == types.DeliveryMediumTypeSms && aws.ToString(d.AttributeName) == "phone_number" && maskedPhone.MatchString(dest):
			default:
				t.Fatalf("implausible CodeDeliveryDetails %s %s %q", d.DeliveryMedium, aws.ToString(d.AttributeName), dest)
			}
			if c.medium != "" && d.DeliveryMedium != c.medium {
				t.Fatalf("fake medium %s for %q, want %s", d.DeliveryMedium, c.user, c.medium)
			}
			if strings.Contains(strings.ToLower(dest), strings.ToLower(c.user)) {
				t.Fatalf("Destination %q echoes the typed name %q", dest, c.user)
			}
			second, err := e.forgot(clientID, c.user)
			ok(t, err, "ForgotPassword again")
			if d2 := second.CodeDeliveryDetails; d2 == nil || *d2.Destination != dest || d2.DeliveryMedium != d.DeliveryMedium ||
				aws.ToString(d2.AttributeName) != aws.ToString(d.AttributeName) {
				t.Fatalf("second answer %+v differs from the first %+v", d2, d)
			}
			msgs := e.userInbox(poolID, c.user)
			if len(msgs) != 2 {
				t.Fatalf("%d inbox records, want 2 suppressed ones", len(msgs))
			}
			for _, m := range msgs {
				if m.Status != "suppressed" || m.SuppressedReason != c.reason || m.Code != "" || m.Destination != "" || m.Body != "" {
					t.Fatalf("inbox record %+v, want suppressed %s without code, destination or body", m, c.reason)
				}
			}
		})
	}
	// A name shaped as a sub resolves a real user whose email is unrelated
	// to it, so the fake's letters must be unrelated too (the other ways of
	// typing are recovery_mask_test.go's): about 1 in 26 agree by chance.
	t.Run("sub-shaped names do not give their letters", func(t *testing.T) {
		t.Parallel()
		e := e.with(t)
		same := 0
		for range 12 {
			sub := uuid.NewString()
			out, err := e.forgot(clientID, sub)
			ok(t, err, "ForgotPassword "+sub)
			if aws.ToString(out.CodeDeliveryDetails.Destination)[:1] == sub[:1] {
				same++
			}
		}
		if same > 4 {
			t.Fatalf("%d of 12 masked destinations start as the typed sub", same)
		}
	})
	t.Run("real user gets a real code", func(t *testing.T) {
		t.Parallel()
		e := e.with(t)
		out, err := e.forgot(clientID, "alice")
		ok(t, err, "ForgotPassword")
		wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "a***@e***")
		if m := e.latestMessage(t, poolID, "alice"); m.Status == "suppressed" || !sixDigits.MatchString(m.Code) {
			t.Fatalf("message %+v", m)
		}
	})
	// States that are not masked keep their error (spec §2.7 masks only
	// missing, disabled and no-medium users).
	t.Run("FORCE_CHANGE_PASSWORD", func(t *testing.T) {
		t.Parallel()
		e := e.with(t)
		_, err := e.createUser(poolID, "fred", verifiedEmail("fred@example.com")...)
		ok(t, err, "AdminCreateUser")
		_, err = e.forgot(clientID, "fred")
		wantAPIError(t, err, "NotAuthorizedException", "User password cannot be reset in the current state.")
	})
}

func TestConfirmForgotPasswordPreventUserExistence(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := enumerationSetup(t)
	wantAPIError(t, e.confirmForgot(clientID, "ghost", "123456", "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	// A real user with no code outstanding: ExpiredCode, as under LEGACY.
	wantAPIError(t, e.confirmForgot(clientID, "alice", "123456", "NewPassw0rd!"), "ExpiredCodeException", msgExpiredCode)
	// Disabled after requesting a code: even the right code gets the
	// answer an unknown user gets.
	e.confirmedUser(poolID, "eve", goodPassword, verifiedEmail("eve@example.com")...)
	code := e.mustForgot(poolID, clientID, "eve")
	_, err := e.SDK.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("eve")})
	ok(t, err, "AdminDisableUser")
	wantAPIError(t, e.confirmForgot(clientID, "eve", code, "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	_, err = e.SDK.AdminEnableUser(t.Context(), &cip.AdminEnableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("eve")})
	ok(t, err, "AdminEnableUser")
	e.signIn(clientID, "eve", goodPassword)
}

// Unknown names are limited like real users, so the limit reveals nothing.
func TestPreventUserExistenceRateLimits(t *testing.T) {
	t.Parallel()
	e, _, clientID := enumerationSetup(t, withLimits(5, 5))
	for _, user := range []string{"ghost", "alice"} {
		for range 5 {
			_, err := e.forgot(clientID, user)
			ok(t, err, "ForgotPassword "+user)
		}
		_, err := e.forgot(clientID, user)
		wantAPIError(t, err, "LimitExceededException", msgLimitExceeded)
	}
	for range 5 {
		wantAPIError(t, e.confirmForgot(clientID, "phantom", "123456", "NewPassw0rd!"), "CodeMismatchException", msgCodeMismatch)
	}
	wantAPIError(t, e.confirmForgot(clientID, "phantom", "123456", "NewPassw0rd!"), "LimitExceededException", msgLimitExceeded)
	e.Clock.Advance(time.Hour + time.Minute)
	_, err := e.forgot(clientID, "ghost")
	ok(t, err, "ForgotPassword for an unknown name after the window slid")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// A loose latency check: ForgotPassword for an unknown name must cost about
// what it costs for a real user (the simulated answer writes to the
// database like the real one). Hashing is at minimum cost in the harness,
// so the requests are dominated by the lookups and the writes. Not
// parallel, to keep the measurement away from the other tests.
func TestForgotPasswordLatencyDoesNotRevealUsers(t *testing.T) {
	e, _, clientID := enumerationSetup(t, withLimits(1000, 1000))
	call := func(user string) time.Duration {
		start := time.Now()
		_, err := e.forgot(clientID, user)
		elapsed := time.Since(start)
		ok(t, err, "ForgotPassword "+user)
		return elapsed
	}
	for range 5 { // warm up connections and prepared statements
		call("alice")
		call("ghost")
	}
	var real, unknown []time.Duration
	for i := range 40 {
		if i%2 == 0 {
			real = append(real, call("alice"))
		} else {
			unknown = append(unknown, call("ghost"))
		}
	}
	mr, mu := median(real), median(unknown)
	bound := max(3*time.Millisecond, max(mr, mu)/2)
	t.Logf("ForgotPassword median latency: real user %v, unknown user %v (difference %v, bound %v)", mr, mu, (mr - mu).Abs(), bound)
	if (mr - mu).Abs() >= bound {
		t.Fatalf("medians differ by %v (real %v, unknown %v), bound %v", (mr - mu).Abs(), mr, mu, bound)
	}
}

// On the wire, ENABLED answers for a real user, an unknown name, a disabled
// user and one without a verified contact are indistinguishable: same
// status, same header names, same Content-Length, same body shape.
func TestForgotPasswordEnabledAnswersLookAlike(t *testing.T) {
	t.Parallel()
	e, _, clientID := enumerationSetup(t)
	shape := regexp.MustCompile(`^\{"CodeDeliveryDetails":\{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":".\*\*\*@.\*\*\*"\}\}$`)
	var first http.Header
	for _, user := range []string{"alice", "ghost", "dora", "uma"} {
		resp := e.raw("AWSCognitoIdentityProviderService.ForgotPassword", amzCT, `{"ClientId":"`+clientID+`","Username":"`+user+`"}`)
		body := readAll(t, resp)
		if resp.StatusCode != 200 || !shape.MatchString(body) {
			t.Fatalf("%s: %d %s", user, resp.StatusCode, body)
		}
		h := resp.Header.Clone()
		if first == nil {
			first = h
			continue
		}
		if !slices.Equal(slices.Sorted(maps.Keys(h)), slices.Sorted(maps.Keys(first))) ||
			h.Get("Content-Length") != first.Get("Content-Length") || h.Get("Content-Type") != first.Get("Content-Type") {
			t.Fatalf("%s: headers %v differ from the real user's %v", user, h, first)
		}
	}
}
