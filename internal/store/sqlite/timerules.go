// The time rules' part of the store (store.TimeRules): giving an attempt
// back, the exponential lockout (TakeBackoff) with its one record per key,
// and clamping what is stamped after a clock that moved back.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// ReturnAttempt deletes one attempt row of the key stamped at. Any row
// with that stamp will do: rows of one key carry nothing but their time.
func (s *Store) ReturnAttempt(ctx context.Context, poolID, subject, kind string, at time.Time) error {
	_, err := s.writes().ExecContext(ctx, `DELETE FROM attempts WHERE rowid = (SELECT rowid FROM attempts
		WHERE pool_id = ? AND subject = ? AND kind = ? AND at = ? LIMIT 1)`, poolID, subject, kind, ms(at))
	return translate(fmt.Sprintf("return attempt %q of %q in pool %q", kind, subject, poolID), err)
}

// TakeBackoff reads the key's record, applies b.Take and writes the record
// back, in one writer transaction (or the caller's Tx). Writer
// transactions are serialised, so nothing can change the record between
// the read and the write. The only write is the final upsert, so inside a
// Tx no savepoint is needed; a pool that does not exist fails its foreign
// key (store.ErrNotFound).
func (s *Store) TakeBackoff(ctx context.Context, poolID, subject, kind string, now time.Time, b store.Backoff) (bool, error) {
	var allowed bool
	fn := func(q querier) error {
		var st store.BackoffState
		var lastAllowed, lastSeen int64
		err := q.QueryRowContext(ctx, "SELECT allowed, last_allowed, last_seen FROM lockouts WHERE pool_id = ? AND subject = ? AND kind = ?",
			poolID, subject, kind).Scan(&st.Allowed, &lastAllowed, &lastSeen)
		switch {
		case err == nil:
			st.LastAllowed, st.LastSeen = fromMS(lastAllowed), fromMS(lastSeen)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		st, allowed = b.Take(st, now)
		_, err = q.ExecContext(ctx, `INSERT INTO lockouts (pool_id, subject, kind, allowed, last_allowed, last_seen)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, subject, kind) DO UPDATE SET
			allowed = excluded.allowed, last_allowed = excluded.last_allowed, last_seen = excluded.last_seen`,
			poolID, subject, kind, st.Allowed, ms(st.LastAllowed), ms(st.LastSeen))
		return err
	}
	if err := s.inWriter(ctx, fn); err != nil {
		return false, translate(fmt.Sprintf("take backoff %q of %q in pool %q", kind, subject, poolID), err)
	}
	return allowed, nil
}

// pruneLockouts deletes the lockout records last seen at or before
// cutoff (ms), through the lockouts_seen index, in batches.
func (s *Store) pruneLockouts(ctx context.Context, cutoff int64) (int64, error) {
	return inBatches(func() (int64, bool, error) {
		res, err := s.writes().ExecContext(ctx, `DELETE FROM lockouts WHERE rowid IN (
			SELECT rowid FROM lockouts WHERE last_seen <= ? LIMIT ?)`, cutoff, pruneBatch)
		n, err := affected("prune lockouts", res, err)
		return n, n == pruneBatch, err
	})
}

// clampStatements rewrite what lies after ?1 (now, ms); ?2 is the zero
// time.Time in ms, the "never" of messages.expires_at. A re-based record
// keeps its lifetime: expires_at moves back by as much as created_at.
var clampStatements = []string{
	`DELETE FROM attempts WHERE at > ?1`,
	`DELETE FROM lockouts WHERE last_allowed > ?1`,
	`UPDATE lockouts SET last_seen = ?1 WHERE last_seen > ?1`,
	`UPDATE codes SET expires_at = expires_at - (created_at - ?1), created_at = ?1 WHERE created_at > ?1`,
	`UPDATE refresh_tokens SET expires_at = expires_at - max(created_at - ?1, 0),
		created_at = min(created_at, ?1), auth_time = min(auth_time, ?1) WHERE created_at > ?1 OR auth_time > ?1`,
	`UPDATE messages SET expires_at = CASE WHEN expires_at = ?2 THEN ?2 ELSE expires_at - max(created_at - ?1, 0) END,
		created_at = min(created_at, ?1), sent_at = min(sent_at, ?1) WHERE created_at > ?1 OR sent_at > ?1`,
	`UPDATE users SET created_at = min(created_at, ?1), updated_at = min(updated_at, ?1),
		password_changed_at = min(password_changed_at, ?1)
		WHERE created_at > ?1 OR updated_at > ?1 OR password_changed_at > ?1`,
	`UPDATE pools SET created_at = min(created_at, ?1), updated_at = min(updated_at, ?1) WHERE created_at > ?1 OR updated_at > ?1`,
	`UPDATE clients SET created_at = min(created_at, ?1), updated_at = min(updated_at, ?1) WHERE created_at > ?1 OR updated_at > ?1`,
	`UPDATE signing_keys SET created_at = ?1 WHERE created_at > ?1`,
}

// ClampFuture runs clampStatements in one writer transaction (a savepoint
// inside a Tx). No index serves these times; the statements scan their
// tables, which is fine for what it is for: a development database, once
// per move of the clock backwards and once per start.
func (s *Store) ClampFuture(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	err := s.atomic(ctx, func(q querier) error {
		total = 0
		for _, stmt := range clampStatements {
			args := []any{ms(now)}
			if strings.Contains(stmt, "?2") {
				args = append(args, ms(time.Time{}))
			}
			res, err := q.ExecContext(ctx, stmt, args...)
			n, err := affected("clamp future", res, err)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}
