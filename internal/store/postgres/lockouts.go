// Attempt ledger beyond TakeAttempt: giving an attempt back, and the
// exponential lockout (TakeBackoff) with its one record per key.

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/userpool/userpool/internal/store"
)

// ReturnAttempt deletes one attempt row of the key stamped at. Any row
// with that stamp will do: rows of one key carry nothing but their time.
// It needs no advisory lock: TakeAttempt already copes with rows deleted
// under it (see there).
func (s *Store) ReturnAttempt(ctx context.Context, poolID, subject, kind string, at time.Time) error {
	_, err := s.q().Exec(ctx, `DELETE FROM attempts WHERE ctid = (SELECT ctid FROM attempts
		WHERE pool_id = $1 AND subject = $2 AND kind = $3 AND at = $4 LIMIT 1)`, poolID, []byte(subject), kind, ms(at))
	return translate(err, fmt.Sprintf("return attempt %q of %q in pool %q", kind, subject, poolID))
}

// TakeBackoff reads the key's record, applies b.Take and writes it back
// under the key's transaction advisory lock, as TakeAttempt counts: in its
// own READ COMMITTED transaction outside a Tx (each statement after the
// lock sees what the previous holder committed, so nothing needs
// retrying), in a savepoint of the caller's SERIALIZABLE transaction
// inside one. A pool that does not exist fails the foreign key
// (store.ErrNotFound) and leaves nothing behind.
func (s *Store) TakeBackoff(ctx context.Context, poolID, subject, kind string, now time.Time, b store.Backoff) (bool, error) {
	subj := []byte(subject)
	var allowed bool
	fn := func(q queryer) error {
		if _, err := q.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", attemptLockKey(poolID, subject, "backoff:"+kind)); err != nil {
			return err
		}
		var st store.BackoffState
		var lastAllowed, lastSeen int64
		err := q.QueryRow(ctx, "SELECT allowed, last_allowed, last_seen FROM lockouts WHERE pool_id = $1 AND subject = $2 AND kind = $3",
			poolID, subj, kind).Scan(&st.Allowed, &lastAllowed, &lastSeen)
		switch {
		case err == nil:
			st.LastAllowed, st.LastSeen = fromMS(lastAllowed), fromMS(lastSeen)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		st, allowed = b.Take(st, now)
		_, err = q.Exec(ctx, `INSERT INTO lockouts (pool_id, subject, kind, allowed, last_allowed, last_seen)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
			allowed = EXCLUDED.allowed, last_allowed = EXCLUDED.last_allowed, last_seen = EXCLUDED.last_seen`,
			poolID, subj, kind, st.Allowed, ms(st.LastAllowed), ms(st.LastSeen))
		return err
	}
	var err error
	if s.tx == nil {
		err = s.readCommitted(ctx, fn)
	} else {
		err = s.atomic(ctx, fn)
	}
	if err != nil {
		return false, translate(err, fmt.Sprintf("take backoff %q of %q in pool %q", kind, subject, poolID))
	}
	return allowed, nil
}

// pruneLockouts deletes the lockout records last seen at or before
// cutoff (ms), through the lockouts_seen index, in batches.
func (s *Store) pruneLockouts(ctx context.Context, cutoff int64) (int64, error) {
	return s.deleteInBatches(ctx, "prune lockouts", pruneBatch,
		"DELETE FROM lockouts WHERE ctid IN (SELECT ctid FROM lockouts WHERE last_seen <= $1 LIMIT $2)", cutoff)
}
