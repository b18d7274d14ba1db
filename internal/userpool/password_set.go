package userpool

import (
	"context"
	"errors"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store"
)

// maxPasswordHistory is the model's upper bound for PasswordHistorySize.
const maxPasswordHistory = 24

// historySize is the pool's PasswordHistorySize; Cognito applies it only on
// the Essentials tier and above (spec §3.2 step 9).
func (d *poolDoc) historySize() int {
	pp := d.passwordPolicy()
	if pp.PasswordHistorySize == nil || d.UserPoolTier == "LITE" {
		return 0
	}
	return int(*pp.PasswordHistorySize)
}

// newPasswordHash checks pw against the pool's policy (with the operation's
// message prefix) and its password history, then hashes it and, when the
// user is known, derives its SRP verifier. Both happen here, before any
// transaction: they are slow and need no lock.
func (s *Service) newPasswordHash(ctx context.Context, pool *poolView, u *store.User, pw, prefix string) (*credential, error) {
	if err := checkPasswordPolicy(pool.doc.passwordPolicy(), pw, prefix); err != nil {
		return nil, err
	}
	if n := pool.doc.historySize(); n > 0 && u != nil {
		recent := append([]string{u.PasswordHash}, u.PasswordHistory...)
		for _, old := range recent[:min(n, len(recent))] {
			if old == "" {
				continue
			}
			err := s.hasher.Verify(ctx, old, pw)
			if err == nil {
				return nil, errPasswordReused
			}
			if !errors.Is(err, passhash.ErrMismatch) {
				return nil, err
			}
		}
	}
	cred, err := s.newCredential(ctx, pw)
	if err == nil && u != nil {
		cred.deriveFor(u.PoolID, u.Username)
	}
	return cred, err
}

// setPassword installs cred as u's password at now — its hash, keeping the
// previous one in the history (bounded by the model's maximum history
// size), and its SRP verifier for u.
func (s *Service) setPassword(u *store.User, cred *credential, now time.Time) {
	if u.PasswordHash != "" {
		u.PasswordHistory = append([]string{u.PasswordHash}, u.PasswordHistory...)
		if len(u.PasswordHistory) > maxPasswordHistory {
			u.PasswordHistory = u.PasswordHistory[:maxPasswordHistory]
		}
	}
	u.PasswordHash = cred.hash
	u.Verifier = cred.deriveFor(u.PoolID, u.Username)
	u.PasswordChangedAt = now
}
