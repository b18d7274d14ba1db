package server_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The other code flows around recovery (spec §6): AdminResetUserPassword,
// sign-up confirmation and resends, attribute verification.

func (e *env) adminReset(poolID, username string) error {
	_, err := e.SDK.AdminResetUserPassword(e.t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
	return err
}

func (e *env) confirmSignUp(clientID, username, code string) error {
	_, err := e.SDK.ConfirmSignUp(e.t.Context(), &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String(username),
		ConfirmationCode: aws.String(code)})
	return err
}

func (e *env) resend(clientID, username string) (*cip.ResendConfirmationCodeOutput, error) {
	return e.SDK.ResendConfirmationCode(e.t.Context(), &cip.ResendConfirmationCodeInput{ClientId: aws.String(clientID), Username: aws.String(username)})
}

func TestAdminResetUserPassword(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	ok(t, e.adminReset(poolID, "alice"), "AdminResetUserPassword")
	e.wantStatus(poolID, "alice", types.UserStatusTypeResetRequired)
	m := e.latestMessage(t, poolID, "alice")
	if m.Purpose != "ADMIN_RESET" || m.Medium != "EMAIL" || m.Destination != "alice@example.com" || !sixDigits.MatchString(m.Code) ||
		m.Body != "Your verification code is "+m.Code+". " {
		t.Fatalf("message %+v", m)
	}
	_, err := e.initiate(clientID, "alice", goodPassword)
	wantAPIError(t, err, "PasswordResetRequiredException", "Password reset required for the user")
	ok(t, e.confirmForgot(clientID, "alice", m.Code, "NewPassw0rd!"), "ConfirmForgotPassword with the admin reset code")
	e.wantStatus(poolID, "alice", types.UserStatusTypeConfirmed)
	e.signIn(clientID, "alice", "NewPassw0rd!")

	wantAPIError(t, e.adminReset(poolID, "nobody"), "UserNotFoundException", "User does not exist.")
}

func TestAdminResetUserPasswordNoVerifiedContact(t *testing.T) {
	t.Parallel()
	e, poolID, clientID := recoverySetup(t)
	e.confirmedUser(poolID, "uma", goodPassword, attr("email", "uma@example.com"))
	wantAPIError(t, e.adminReset(poolID, "uma"), "InvalidParameterException",
		"Cannot reset password for the user as there is no registered/verified email or phone_number")
	e.wantStatus(poolID, "uma", types.UserStatusTypeConfirmed)
	if msgs := e.userInbox(poolID, "uma"); len(msgs) != 0 {
		t.Fatalf("refused, yet %d messages queued", len(msgs))
	}
	e.signIn(clientID, "uma", goodPassword)
}

// SignUp in a pool that auto-verifies email sends a SIGN_UP code; it
// confirms the user and verifies the email.
func TestSignUpConfirmationCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool(autoVerifyEmail).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	out, err := e.signUp(clientID, "alice", goodPassword, attr("email", "alice@example.com"))
	ok(t, err, "SignUp")
	if out.UserConfirmed {
		t.Fatal("UserConfirmed true")
	}
	wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "a***@e***")
	m := e.latestMessage(t, poolID, "alice")
	if m.Purpose != "SIGN_UP" || m.Medium != "EMAIL" || m.Destination != "alice@example.com" || !sixDigits.MatchString(m.Code) ||
		m.Subject != "Your verification code" || m.Body != "Your verification code is "+m.Code+". " {
		t.Fatalf("message %+v", m)
	}
	wantAPIError(t, e.confirmSignUp(clientID, "alice", otherCode(m.Code)), "CodeMismatchException", msgCodeMismatch)
	e.wantStatus(poolID, "alice", types.UserStatusTypeUnconfirmed)
	ok(t, e.confirmSignUp(clientID, "alice", m.Code), "ConfirmSignUp")
	u := e.getUser(poolID, "alice")
	if v, _ := attrValue(u.UserAttributes, "email_verified"); u.UserStatus != types.UserStatusTypeConfirmed || v != "true" {
		t.Fatalf("status %s email_verified %q, want CONFIRMED true", u.UserStatus, v)
	}
	e.signIn(clientID, "alice", goodPassword)
	wantAPIError(t, e.confirmSignUp(clientID, "alice", m.Code), "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	// Now the verified email can recover the account.
	code := e.mustForgot(poolID, clientID, "alice")
	ok(t, e.confirmForgot(clientID, "alice", code, "NewPassw0rd!"), "ConfirmForgotPassword")
}

func TestResendConfirmationCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool(autoVerifyEmail).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	_, err := e.signUp(clientID, "alice", goodPassword, attr("email", "alice@example.com"))
	ok(t, err, "SignUp")
	old := e.latestCode(t, poolID, "alice")
	var out *cip.ResendConfirmationCodeOutput
	fresh := old
	for range 3 { // random codes collide once in a million
		out, err = e.resend(clientID, "alice")
		ok(t, err, "ResendConfirmationCode")
		if fresh = e.latestCode(t, poolID, "alice"); fresh != old {
			break
		}
	}
	wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "a***@e***")
	if m := e.latestMessage(t, poolID, "alice"); m.Purpose != "RESEND_CODE" || m.Destination != "alice@example.com" {
		t.Fatalf("message %+v", m)
	}
	wantAPIError(t, e.confirmSignUp(clientID, "alice", old), "CodeMismatchException", msgCodeMismatch)
	ok(t, e.confirmSignUp(clientID, "alice", fresh), "ConfirmSignUp with the resent code")
	_, err = e.resend(clientID, "alice")
	wantAPIError(t, err, "InvalidParameterException", "User is already confirmed.")

	_, err = e.resend(clientID, "nobody")
	wantAPIError(t, err, "UserNotFoundException", "Username/client id combination not found.")

	// A pool that verifies nothing has no code to resend.
	plain := aws.ToString(e.pool().Id)
	plainClient := aws.ToString(e.client(plain).ClientId)
	_, err = e.signUp(plainClient, "bob", goodPassword, attr("email", "bob@example.com"))
	ok(t, err, "SignUp")
	_, err = e.resend(plainClient, "bob")
	wantAPICode(t, err, "InvalidParameterException")
	if msgs := e.userInbox(plain, "bob"); len(msgs) != 0 {
		t.Fatalf("%d messages in a pool without auto-verification", len(msgs))
	}
}

// Sign-up codes last 24 hours, not the reset code's one (spec §2.10).
func TestSignUpCodeLifetime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	poolID := aws.ToString(e.pool(autoVerifyEmail).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	codes := map[string]string{}
	for _, u := range []string{"early", "late"} {
		_, err := e.signUp(clientID, u, goodPassword, attr("email", u+"@example.com"))
		ok(t, err, "SignUp "+u)
		codes[u] = e.latestCode(t, poolID, u)
	}
	e.Clock.Advance(2 * time.Hour)
	ok(t, e.confirmSignUp(clientID, "early", codes["early"]), "ConfirmSignUp after 2 hours")
	e.Clock.Advance(23 * time.Hour)
	wantAPIError(t, e.confirmSignUp(clientID, "late", codes["late"]), "ExpiredCodeException", msgExpiredCode)
	e.wantStatus(poolID, "late", types.UserStatusTypeUnconfirmed)
}

func TestVerifyUserAttribute(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "alice@example.com"))
	tok := e.signIn(clientID, "alice", goodPassword).AccessToken
	verify := func(code string) error {
		_, err := e.SDK.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(code)})
		return err
	}
	wantAPIError(t, verify("123456"), "ExpiredCodeException", msgExpiredCode)
	out, err := e.SDK.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")})
	ok(t, err, "GetUserAttributeVerificationCode")
	wantDelivery(t, out.CodeDeliveryDetails, types.DeliveryMediumTypeEmail, "email", "a***@e***")
	m := e.latestMessage(t, poolID, "alice")
	if m.Purpose != "VERIFY_ATTRIBUTE" || m.Destination != "alice@example.com" || !sixDigits.MatchString(m.Code) {
		t.Fatalf("message %+v", m)
	}
	wantAPIError(t, verify(otherCode(m.Code)), "CodeMismatchException", msgCodeMismatch)
	ok(t, verify(m.Code), "VerifyUserAttribute")
	if v, _ := attrValue(e.getUser(poolID, "alice").UserAttributes, "email_verified"); v != "true" {
		t.Fatalf("email_verified %q", v)
	}
	wantAPIError(t, verify(m.Code), "ExpiredCodeException", msgExpiredCode)
}

// Changing the email in an auto-verify pool sends a code to the new
// address, and that code verifies it.
func TestUpdateUserAttributesSendsVerificationCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	ctx := t.Context()
	poolID := aws.ToString(e.pool(autoVerifyEmail).Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	tok := e.signIn(clientID, "alice", goodPassword).AccessToken
	out, err := e.SDK.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []types.AttributeType{attr("email", "zoe@example.org")}})
	ok(t, err, "UpdateUserAttributes")
	if len(out.CodeDeliveryDetailsList) != 1 {
		t.Fatalf("CodeDeliveryDetailsList %+v, want one entry", out.CodeDeliveryDetailsList)
	}
	wantDelivery(t, &out.CodeDeliveryDetailsList[0], types.DeliveryMediumTypeEmail, "email", "z***@e***")
	m := e.latestMessage(t, poolID, "alice")
	if m.Purpose != "VERIFY_ATTRIBUTE" || m.Destination != "zoe@example.org" || !sixDigits.MatchString(m.Code) {
		t.Fatalf("message %+v", m)
	}
	u := e.getUser(poolID, "alice")
	if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "false" {
		t.Fatalf("email_verified %q after the change, want false", v)
	}
	_, err = e.SDK.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(m.Code)})
	ok(t, err, "VerifyUserAttribute")
	u = e.getUser(poolID, "alice")
	email, _ := attrValue(u.UserAttributes, "email")
	if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "true" || email != "zoe@example.org" {
		t.Fatalf("email %q verified %q", email, v)
	}
}

// A code is bound to the address it went to: after the email changes, the
// code sent to the old address does not verify the new one, even when the
// digits are the same (fixed code).
func TestAttributeCodeBoundToAddress(t *testing.T) {
	t.Parallel()
	const fixed = "123456"
	e := newEnv(t, withDev, withFixedCode(fixed))
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id) // no auto-verification: the change itself sends nothing
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "old@example.com"))
	tok := e.signIn(clientID, "alice", goodPassword).AccessToken
	getCode := func() {
		_, err := e.SDK.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")})
		ok(t, err, "GetUserAttributeVerificationCode")
	}
	verify := func() error {
		_, err := e.SDK.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(fixed)})
		return err
	}
	getCode()
	if m := e.latestMessage(t, poolID, "alice"); m.Destination != "old@example.com" || m.Code != fixed {
		t.Fatalf("message %+v", m)
	}
	out, err := e.SDK.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []types.AttributeType{attr("email", "new@example.com")}})
	ok(t, err, "UpdateUserAttributes")
	if len(out.CodeDeliveryDetailsList) != 0 || len(e.userInbox(poolID, "alice")) != 1 {
		t.Fatalf("a pool without auto-verification sent a code: %+v", out.CodeDeliveryDetailsList)
	}
	wantAPIError(t, verify(), "CodeMismatchException", msgCodeMismatch)
	if v, _ := attrValue(e.getUser(poolID, "alice").UserAttributes, "email_verified"); v == "true" {
		t.Fatal("the old address's code verified the new address")
	}
	getCode()
	if m := e.latestMessage(t, poolID, "alice"); m.Destination != "new@example.com" {
		t.Fatalf("message %+v", m)
	}
	ok(t, verify(), "VerifyUserAttribute with the new address's code")
}

// The same rule under a race: VerifyUserAttribute with the old address's
// code, concurrent with the change of address, must never leave the new
// address verified (it read the old address before the change committed).
func TestAttributeCodeRacesAddressChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev, withLimits(100, 100))
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "a0@example.com"))
	tok := e.signIn(clientID, "alice", goodPassword).AccessToken
	for i := 1; i <= 20; i++ {
		_, err := e.SDK.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")})
		ok(t, err, "GetUserAttributeVerificationCode")
		code := e.latestCode(t, poolID, "alice")
		next := fmt.Sprintf("a%d@example.com", i)
		var wg sync.WaitGroup
		var updateErr error
		wg.Go(func() {
			_, _ = e.SDK.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(code)})
		})
		wg.Go(func() {
			_, updateErr = e.SDK.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok,
				UserAttributes: []types.AttributeType{attr("email", next)}})
		})
		wg.Wait()
		ok(t, updateErr, "UpdateUserAttributes")
		u := e.getUser(poolID, "alice")
		email, _ := attrValue(u.UserAttributes, "email")
		if v, _ := attrValue(u.UserAttributes, "email_verified"); email != next || v == "true" {
			t.Fatalf("round %d: email %q verified %q; the code sent to the previous address verified %s", i, email, v, next)
		}
	}
}

// Attribute codes last 24 hours too (spec §2.10). Access tokens last one,
// so each check signs in afresh.
func TestAttributeCodeLifetime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	ctx := t.Context()
	poolID := aws.ToString(e.pool().Id)
	clientID := aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, attr("email", "alice@example.com"))
	e.confirmedUser(poolID, "bob", goodPassword, attr("email", "bob@example.com"))
	codes := map[string]string{}
	for _, u := range []string{"alice", "bob"} {
		_, err := e.SDK.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{
			AccessToken: e.signIn(clientID, u, goodPassword).AccessToken, AttributeName: aws.String("email")})
		ok(t, err, "GetUserAttributeVerificationCode "+u)
		codes[u] = e.latestCode(t, poolID, u)
	}
	verify := func(u string) error {
		_, err := e.SDK.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: e.signIn(clientID, u, goodPassword).AccessToken,
			AttributeName: aws.String("email"), Code: aws.String(codes[u])})
		return err
	}
	e.Clock.Advance(2 * time.Hour)
	ok(t, verify("alice"), "VerifyUserAttribute after 2 hours")
	e.Clock.Advance(22*time.Hour + time.Second)
	wantAPIError(t, verify("bob"), "ExpiredCodeException", msgExpiredCode)
}
