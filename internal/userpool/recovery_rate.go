package userpool

import (
	"context"
	"sync"
	"time"

	"github.com/userpool/userpool/internal/store"
	"golang.org/x/time/rate"
)

// recoveryRate is the optional per-pool request rate of the recovery
// operations, modelled on Cognito's UserAccountRecovery quota category
// (ForgotPassword and ConfirmForgotPassword; 30 requests/s per account,
// spec §2.9). It complements the per-user attempt limits: those stop
// guessing one account's code, this one caps the mail and SMS a pool can be
// made to send while an attacker walks through many usernames.
//
// It is a token bucket per pool and per process: with several instances
// behind a load balancer the pool's total is the per-process rate times the
// number of instances. Buckets live in memory, so a restart refills them.
// Being per pool, not per user, it answers the same for existing and
// unknown users and so reveals nothing about them.
type recoveryRate struct {
	perSecond float64 // 0: off
	mu        sync.Mutex
	pools     map[string]*rate.Limiter
}

func newRecoveryRate(perSecond float64) *recoveryRate {
	return &recoveryRate{perSecond: perSecond, pools: map[string]*rate.Limiter{}}
}

// allow takes one token from the pool's bucket at now, the service clock's
// reading of the request: the bucket refills by the clock every other time
// rule reads, so a test that moves the development clock moves it too.
// The burst equals one second's worth (at least 1), as on AWS where a
// quota is per second.
func (r *recoveryRate) allow(poolID string, now time.Time) bool {
	if r.perSecond <= 0 {
		return true
	}
	r.mu.Lock()
	l := r.pools[poolID]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(r.perSecond), max(1, int(r.perSecond)))
		r.pools[poolID] = l
	}
	r.mu.Unlock()
	return l.AllowN(now, 1)
}

// recoveryUser is publicUser for the UserAccountRecovery operations: the
// client is resolved, then the pool's recovery rate is charged before any
// user is looked up, so a throttled request does no further work.
func (s *Service) recoveryUser(ctx context.Context, now time.Time, clientID, typed, hash string) (*clientView, *store.User, error) {
	c, err := s.loadClient(ctx, s.store, clientID)
	if err != nil {
		return nil, nil, err
	}
	if !s.recovery.allow(c.pool.ID, now) {
		return nil, nil, errRateExceeded
	}
	u, err := s.clientUser(ctx, c, typed, hash)
	return c, u, err
}
