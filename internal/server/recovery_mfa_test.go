package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Spec §2.4, the MFA rule of recovery: with an AccountRecoverySetting, SMS
// does not qualify for a user whose SMS MFA is active, nor email for one
// whose email MFA is. The next mechanism is used; with none left the
// answers are those of "no verified contact": LEGACY's
// InvalidParameterException, ENABLED's simulated delivery. Pools without
// the setting keep the legacy order, MFA or not, and a factor is only
// active while the pool offers MFA.
func TestForgotPasswordMfaRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDev)
	email, phone := types.RecoveryOptionNameTypeVerifiedEmail, types.RecoveryOptionNameTypeVerifiedPhoneNumber
	pools := map[string]string{
		"email first": aws.ToString(e.pool(withSmsConfig, developerEmail, recoveryMechanisms(email, phone)).Id),
		"phone first": aws.ToString(e.pool(withSmsConfig, developerEmail, recoveryMechanisms(phone, email)).Id),
		"legacy":      aws.ToString(e.pool(withSmsConfig, developerEmail).Id),
		"MFA off":     aws.ToString(e.pool(withSmsConfig, developerEmail, recoveryMechanisms(email, phone)).Id),
	}
	legacyClients, enabledClients := map[string]string{}, map[string]string{}
	for name, id := range pools {
		if name != "MFA off" {
			e.poolMfa(id, types.UserPoolMfaTypeOptional, true, true, true)
		}
		legacyClients[name] = aws.ToString(e.client(id).ClientId)
		enabledClients[name] = aws.ToString(e.client(id, enabledClient).ClientId)
	}
	cases := []struct {
		name, pool string
		sms, email *types.SMSMfaSettingsType
		medium     types.DeliveryMediumType // "" when no medium is left
	}{
		{"email MFA, email first: SMS instead", "email first", nil, on, types.DeliveryMediumTypeSms},
		{"SMS MFA, phone first: email instead", "phone first", on, nil, types.DeliveryMediumTypeEmail},
		{"SMS MFA, email first: email as before", "email first", on, nil, types.DeliveryMediumTypeEmail},
		{"both, email first: none left", "email first", on, on, ""},
		{"both, phone first: none left", "phone first", on, on, ""},
		{"SMS MFA, legacy pool: SMS as before", "legacy", on, nil, types.DeliveryMediumTypeSms},
		{"email MFA while the pool's MFA is off: email", "MFA off", nil, on, types.DeliveryMediumTypeEmail},
	}
	for i, c := range cases {
		user := "user" + string(rune('a'+i))
		e.confirmedUser(pools[c.pool], user, goodPassword, append(verifiedEmail(user+"@example.com"), verifiedPhone("+14155550123")...)...)
		ok(t, e.prefer(pools[c.pool], user, c.sms, nil, c.email), "AdminSetUserMFAPreference")
		t.Run(c.name, func(t *testing.T) {
			e := e.with(t)
			out, err := e.forgot(legacyClients[c.pool], user)
			if c.medium == "" {
				wantAPIError(t, err, "InvalidParameterException",
					"Cannot reset password for the user as there is no registered/verified email or phone_number")
				_, err = e.SDK.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(pools[c.pool]), Username: aws.String(user)})
				wantAPIError(t, err, "InvalidParameterException",
					"Cannot reset password for the user as there is no registered/verified email or phone_number")
				// ENABLED: the simulated answer, and nothing sent.
				sim, err := e.forgot(enabledClients[c.pool], user)
				ok(t, err, "ForgotPassword under ENABLED")
				if sim.CodeDeliveryDetails == nil {
					t.Fatal("no simulated CodeDeliveryDetails")
				}
				msgs := e.userInbox(pools[c.pool], user)
				if len(msgs) != 1 || msgs[0].Status != "suppressed" || msgs[0].SuppressedReason != "NO_VERIFIED_CONTACT" || msgs[0].Code != "" {
					t.Fatalf("inbox %+v, want one suppressed NO_VERIFIED_CONTACT record", msgs)
				}
				return
			}
			ok(t, err, "ForgotPassword")
			attrName, masked, to := "email", user[:1]+"***@e***", user+"@example.com"
			if c.medium == types.DeliveryMediumTypeSms {
				attrName, masked, to = "phone_number", "+*******0123", "+14155550123"
			}
			wantDelivery(t, out.CodeDeliveryDetails, c.medium, attrName, masked)
			if m := e.latestMessage(t, pools[c.pool], user); m.Medium != string(c.medium) || m.Destination != to || m.Purpose != "FORGOT_PASSWORD" {
				t.Fatalf("message %s to %q (%s), want %s to %q", m.Medium, m.Destination, m.Purpose, c.medium, to)
			}
		})
	}
}
