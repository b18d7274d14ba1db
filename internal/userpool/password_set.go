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
// message prefix) and its password history, then hashes it. Hashing happens
// here, before any transaction: it is slow and needs no lock.
func (s *Service) newPasswordHash(ctx context.Context, pool *poolView, u *store.User, pw, prefix string) (string, error) {
	if err := checkPasswordPolicy(pool.doc.passwordPolicy(), pw, prefix); err != nil {
		return "", err
	}
	if n := pool.doc.historySize(); n > 0 && u != nil {
		recent := append([]string{u.PasswordHash}, u.PasswordHistory...)
		for _, old := range recent[:min(n, len(recent))] {
			if old == "" {
				continue
			}
			err := s.hasher.Verify(ctx, old, pw)
			if err == nil {
				return "", errPasswordReused
			}
			if !errors.Is(err, passhash.ErrMismatch) {
				return "", err
			}
		}
	}
	return s.hasher.Hash(ctx, pw)
}

// setPassword installs hash as u's password at now, keeping the previous
// one in the history (bounded by the model's maximum history size).
func (s *Service) setPassword(u *store.User, hash string, now time.Time) {
	if u.PasswordHash != "" {
		u.PasswordHistory = append([]string{u.PasswordHash}, u.PasswordHistory...)
		if len(u.PasswordHistory) > maxPasswordHistory {
			u.PasswordHistory = u.PasswordHistory[:maxPasswordHistory]
		}
	}
	u.PasswordHash = hash
	u.PasswordChangedAt = now
}
