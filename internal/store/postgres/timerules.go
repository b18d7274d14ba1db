// The time rules' part of the store (store.TimeRules): giving an attempt
// back, the exponential lockout (TakeBackoff) with its one record per key,
// and clamping what is stamped after a clock that moved back.

package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	if err := s.underLock(ctx, fn); err != nil {
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

// clampStatements rewrite what lies after $1 (now, ms); $2 is the zero
// time.Time in ms, the "never" of messages.expires_at. A re-based record
// keeps its lifetime: expires_at moves back by as much as created_at.
var clampStatements = []string{
	`DELETE FROM attempts WHERE at > $1`,
	`DELETE FROM lockouts WHERE last_allowed > $1`,
	`UPDATE lockouts SET last_seen = $1 WHERE last_seen > $1`,
	`UPDATE codes SET expires_at = expires_at - (created_at - $1), created_at = $1 WHERE created_at > $1`,
	`UPDATE refresh_tokens SET expires_at = expires_at - GREATEST(created_at - $1, 0),
		created_at = LEAST(created_at, $1), auth_time = LEAST(auth_time, $1) WHERE created_at > $1 OR auth_time > $1`,
	`UPDATE messages SET expires_at = CASE WHEN expires_at = $2 THEN $2 ELSE expires_at - GREATEST(created_at - $1, 0) END,
		created_at = LEAST(created_at, $1), sent_at = LEAST(sent_at, $1) WHERE created_at > $1 OR sent_at > $1`,
	`UPDATE users SET created_at = LEAST(created_at, $1), updated_at = LEAST(updated_at, $1),
		password_changed_at = LEAST(password_changed_at, $1)
		WHERE created_at > $1 OR updated_at > $1 OR password_changed_at > $1`,
	`UPDATE pools SET created_at = LEAST(created_at, $1), updated_at = LEAST(updated_at, $1) WHERE created_at > $1 OR updated_at > $1`,
	`UPDATE clients SET created_at = LEAST(created_at, $1), updated_at = LEAST(updated_at, $1) WHERE created_at > $1 OR updated_at > $1`,
	`UPDATE signing_keys SET created_at = $1 WHERE created_at > $1`,
}

// ClampFuture runs clampStatements in one transaction (a savepoint inside
// a Tx), retried like any Tx. No index serves these times; the statements
// scan their tables, which is fine for what it is for: a development
// database, once per move of the clock backwards and once per start.
func (s *Store) ClampFuture(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	err := s.atomic(ctx, func(q queryer) error {
		total = 0
		for _, stmt := range clampStatements {
			args := []any{ms(now)}
			if strings.Contains(stmt, "$2") {
				args = append(args, zeroMS)
			}
			tag, err := q.Exec(ctx, stmt, args...)
			if err != nil {
				return translate(err, "clamp future")
			}
			total += tag.RowsAffected()
		}
		return nil
	})
	return total, err
}
