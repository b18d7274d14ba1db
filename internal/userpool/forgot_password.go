package userpool

import (
	"context"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// ForgotPasswordInput is the ForgotPassword request (spec §2.1).
type ForgotPasswordInput struct {
	ClientId          string                 `json:"ClientId"`
	SecretHash        string                 `json:"SecretHash"`
	UserContextData   *UserContextDataType   `json:"UserContextData"`
	Username          string                 `json:"Username"`
	AnalyticsMetadata *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	ClientMetadata    map[string]string      `json:"ClientMetadata"`
}

// ForgotPasswordOutput is the ForgotPassword response.
type ForgotPasswordOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
}

// ForgotPassword sends a password-reset code, following spec §2.2 step by
// step: client, SecretHash, user, state, attempt limit, medium, then the
// code and its message committed together. It never changes the user's
// status or password (spec §2.2 step 9).
func (s *Service) ForgotPassword(ctx context.Context, in *ForgotPasswordInput) (*ForgotPasswordOutput, error) {
	now := s.now()
	c, u, err := s.recoveryUser(ctx, now, in.ClientId, in.Username, in.SecretHash)
	if err != nil {
		return nil, err
	}
	if u == nil {
		// spec §2.2 step 4: an unknown user may be migrated in by the
		// pool's UserMigration function, then gets a code as usual.
		if u, err = s.migrateUser(ctx, now, c, in.Username, nil, triggers.UserMigrationForgotPassword, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	if u == nil {
		d, err := s.unknownCodeRequest(ctx, now, c, in.Username, purposeReset, kindForgotPassword)
		if err != nil {
			return nil, err
		}
		return &ForgotPasswordOutput{CodeDeliveryDetails: d}, nil
	}
	// State checks (spec §2.2 step 5) come before the limit (step 6); but
	// under ENABLED, disabled users and users without a verified medium get
	// the same simulated answer as unknown users (spec §2.7), limit included.
	t, refusal := resetTarget(c.pool, u)
	masked := refusal != nil && refusal.maskable && c.doc.preventsExistenceErrors()
	if refusal != nil && !masked {
		return nil, refusal.err
	}
	var d *CodeDeliveryDetailsType
	if masked {
		d, err = s.simulate(ctx, now, c, in.Username, u.Username, u.Username, purposeReset, kindForgotPassword, refusal.reason)
	} else {
		d, err = s.limitedCode(ctx, now, c.pool, c.ID, u, purposeReset, kindForgotPassword,
			request{source: sourceForgotPassword, meta: in.ClientMetadata, to: t})
	}
	if err != nil {
		return nil, err
	}
	return &ForgotPasswordOutput{CodeDeliveryDetails: d}, nil
}

// refusal is why a user cannot get a reset code. maskable refusals become a
// simulated success under PreventUserExistenceErrors=ENABLED.
type refusal struct {
	err      error
	reason   string
	maskable bool
}

// resetTarget applies the user-state rules of spec §2.5 and the medium
// rules of §2.4.
func resetTarget(pool *poolView, u *store.User) (target, *refusal) {
	switch {
	case !u.Enabled:
		return target{}, &refusal{err: errUserDisabled, reason: reasonDisabled, maskable: true}
	case u.Status == StatusForceChangePassword || u.Status == StatusExternalProvider:
		return target{}, &refusal{err: errCannotReset}
	}
	t, ok, adminOnly := pool.doc.recoveryTarget(u)
	switch {
	case adminOnly:
		return target{}, &refusal{err: errAdminOnlyRecovery}
	case !ok:
		return target{}, &refusal{err: errNoVerifiedContact, reason: reasonNoVerifiedContact, maskable: true}
	}
	return t, nil
}

// request is what a code request composes its message from: the
// CustomMessage trigger source, the caller's ClientMetadata and where the
// code goes.
type request struct {
	source triggers.Source
	meta   map[string]string
	to     target
}

// limitedCode answers a code request of u for purpose p (ForgotPassword,
// ResendConfirmationCode, GetUserAttributeVerificationCode): the attempt is
// counted (spec §2.2 step 6), the message composed (step 7), and the code
// and its message are queued in one transaction.
//
// Without a CustomMessage function composing is local, so the attempt, the
// code and the message share one transaction and one commit. With one, the
// function may only be called once the attempt is allowed (a refused
// request must not invoke it, as on Cognito), and no network call may run
// inside a transaction: the attempt then commits on its own first.
func (s *Service) limitedCode(ctx context.Context, now time.Time, pool *poolView, clientID string, u *store.User, p codePurpose, kind string, r request) (*CodeDeliveryDetailsType, error) {
	custom := pool.doc.lambdaFunction(r.source.Trigger()) != ""
	if custom {
		if err := s.takeAttempt(ctx, now, pool.ID, u.Username, attemptRequest, p); err != nil {
			return nil, err
		}
	}
	o, err := s.compose(ctx, pool, clientID, u, r.source, r.meta, r.to)
	if err != nil {
		return nil, err
	}
	queue := func(tx store.Store) error { return s.queueCode(ctx, tx, now, pool, u, p, kind, o) }
	if custom {
		err = s.store.Tx(ctx, queue)
	} else {
		err = s.limitedTx(ctx, now, pool.ID, u.Username, attemptRequest, p, queue)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserClientNotFound // the user was deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	s.queued(o.medium)
	return o.details(), nil
}

// queueCode writes a new code of purpose for u and the message that carries
// it through tx, issued at now: the transactional outbox, so the code and
// its message commit together or not at all. The caller calls queued after
// the commit.
func (s *Service) queueCode(ctx context.Context, tx store.Store, now time.Time, pool *poolView, u *store.User, p codePurpose, kind string, o outgoing) error {
	return s.queueBoundCode(ctx, tx, now, pool, u, p, kind, o, p.boundTo(o.to))
}

// queueBoundCode is queueCode for a code bound to bind (an address, or an
// MFA code's challenge session) instead of what p binds it to.
func (s *Service) queueBoundCode(ctx context.Context, tx store.Store, now time.Time, pool *poolView, u *store.User, p codePurpose, kind string, o outgoing, bind string) error {
	code := s.newCode()
	subject, body := o.fill(code)
	t := o.target
	from, replyTo := pool.doc.emailSender()
	c := &store.Code{PoolID: pool.ID, Username: u.Username, Purpose: string(p), Attribute: t.attr,
		MAC: s.codeMAC(pool.ID, u.Username, p, bind, code), CreatedAt: now, ExpiresAt: now.Add(p.ttl())}
	if err := tx.PutCode(ctx, c); err != nil {
		return err
	}
	return s.enqueue(ctx, tx, &store.Message{PoolID: pool.ID, Username: u.Username, Purpose: kind,
		Medium: t.medium, Destination: t.to, Subject: subject, Body: body, Code: code,
		CreatedAt: now, From: from, ReplyTo: replyTo, ExpiresAt: c.ExpiresAt})
}
