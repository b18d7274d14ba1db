package userpool

import "context"

// MessagePurposes lists the purposes an inbox message can have (the
// operation that sent it), for validating a filter: an unknown one would
// silently match nothing.
func MessagePurposes() []string {
	return []string{kindForgotPassword, kindSignUp, kindResendCode, kindAdminReset, kindVerifyAttribute, kindAdminCreateUser, kindMFA}
}

// ClearInbox deletes the finished messages of a pool (kept for the inbox,
// sent, dead or suppressed), so the next test starts from an empty inbox,
// and returns how many it deleted. Messages still pending delivery stay:
// the code in them was issued and the delivery worker owes the user the
// message. The pool need not exist any more: its messages outlive it.
func (s *Service) ClearInbox(ctx context.Context, poolID string) (int64, error) {
	return s.store.DeletePoolMessages(ctx, poolID)
}
