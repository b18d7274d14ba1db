// Attempt ledger beyond TakeAttempt: giving an attempt back, and the
// exponential lockout (TakeBackoff) with its one record per key.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	var err error
	if s.tx != nil {
		err = fn(s.tx)
	} else {
		err = s.writerTx(ctx, func(w *wconn) error { return fn(w) })
	}
	if err != nil {
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
