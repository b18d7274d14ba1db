package userpool

import (
	"slices"
	"testing"
)

// Metrics must not tell real answers from simulated ones (issue 13 item 4):
// a real answer reports its message through MessageQueued, a simulated one
// through MessageSimulated, once, after its record committed, with the
// medium the answer claims, and never through MessageQueued (nothing is to
// be delivered).
func TestMessageSimulatedHook(t *testing.T) {
	var queued, simulated []string
	s, _ := testService(t, Config{Limits: Limits{Requests: 2, Confirms: 5, Window: DefaultLimits.Window, SignIns: 5, SignInWindow: DefaultLimits.SignInWindow},
		MessageQueued:    func(m string) { queued = append(queued, m) },
		MessageSimulated: func(m string) { simulated = append(simulated, m) }})
	poolID, clientID := enabledPool(t, s, &CreateUserPoolInput{})
	confirmedUser(t, s, poolID, "alice", AttributeType{"email", "alice@example.com"}, AttributeType{"email_verified", "true"})
	confirmedUser(t, s, poolID, "dora", AttributeType{"email", "dora@example.com"}, AttributeType{"email_verified", "true"})
	if _, err := s.AdminDisableUser(t.Context(), &AdminUserInput{UserPoolId: poolID, Username: "dora"}); err != nil {
		t.Fatal(err)
	}
	ask := func(name string) (medium string, err error) {
		out, err := s.ForgotPassword(t.Context(), &ForgotPasswordInput{ClientId: clientID, Username: name})
		if err != nil {
			return "", err
		}
		return out.CodeDeliveryDetails.DeliveryMedium, nil
	}
	var wantSimulated []string
	for _, name := range []string{"ghost", "+14155550100", "dora"} {
		medium, err := ask(name)
		if err != nil {
			t.Fatalf("ForgotPassword %s: %v", name, err)
		}
		wantSimulated = append(wantSimulated, medium)
	}
	if _, err := s.ResendConfirmationCode(t.Context(), &ResendConfirmationCodeInput{ClientId: clientID, Username: "ghost2"}); err != nil {
		t.Fatal(err)
	}
	wantSimulated = append(wantSimulated, "EMAIL")
	if _, err := ask("alice"); err != nil {
		t.Fatal(err)
	}
	// The second request for ghost is answered; the third, refused by the
	// attempt limit (2 here), is no answer: no hook.
	if _, err := ask("ghost"); err != nil {
		t.Fatal(err)
	}
	wantSimulated = append(wantSimulated, "EMAIL")
	if _, err := ask("ghost"); err == nil {
		t.Fatal("third request for ghost allowed, want LimitExceededException")
	}
	if !slices.Equal(simulated, wantSimulated) || !slices.Equal(wantSimulated[:3], []string{"EMAIL", "SMS", "EMAIL"}) {
		t.Fatalf("MessageSimulated calls %v, want %v (EMAIL, SMS, EMAIL, ...)", simulated, wantSimulated)
	}
	if !slices.Equal(queued, []string{"EMAIL"}) {
		t.Fatalf("MessageQueued calls %v, want one EMAIL (alice's real code)", queued)
	}
}
