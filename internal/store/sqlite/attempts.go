// Attempt counting: the rate limit on requesting and entering codes.

package sqlite

import (
	"context"
	"fmt"
	"time"
)

// The statements of TakeAttempt, both served by the attempts_subject index.
const (
	deleteOldAttempts = "DELETE FROM attempts WHERE pool_id = ? AND subject = ? AND kind = ? AND at <= ?"
	countAttempts     = "SELECT count(*) FROM attempts WHERE pool_id = ? AND subject = ? AND kind = ?"
)

// TakeAttempt records an attempt and reports whether it is allowed, in one
// writer transaction (a savepoint inside a Tx). Writer transactions are
// serialised (a single writer connection, BEGIN IMMEDIATE across
// processes), so no other attempt can be recorded between the count and the
// insert: N concurrent calls record exactly N attempts and see counts 0, 1,
// ..., N-1, of which only those below limit are allowed.
//
// The attempts of this subject and kind at or before now-window are deleted
// first; every remaining one counts, including attempts stamped later than
// now. Those come from callers that read the clock after this one but got
// the writer first; ignoring them would let concurrent callers with
// slightly different clocks each see a count below the limit. A refused
// attempt is recorded too, so hammering keeps the window closed.
func (s *Store) TakeAttempt(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int) (bool, error) {
	at := ms(now)
	cutoff := at - window.Milliseconds()
	fail := func(err error) error {
		return translate(fmt.Sprintf("take attempt %q of %q in pool %q", kind, subject, poolID), err)
	}
	var allowed bool
	err := s.atomic(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, deleteOldAttempts, poolID, subject, kind, cutoff)
		if err != nil {
			return fail(err)
		}
		var n int64
		err = q.QueryRowContext(ctx, countAttempts, poolID, subject, kind).Scan(&n)
		if err != nil {
			return fail(err)
		}
		// A pool that does not exist fails the foreign key: store.ErrNotFound.
		_, err = q.ExecContext(ctx,
			"INSERT INTO attempts (pool_id, subject, kind, at) VALUES (?, ?, ?, ?)",
			poolID, subject, kind, at)
		if err != nil {
			return fail(err)
		}
		allowed = n < int64(limit)
		return nil
	})
	if err != nil {
		return false, err
	}
	return allowed, nil
}

// ClearAttempts deletes every attempt of kind by subject. Nothing to clear,
// in an existing pool or not, is not an error.
func (s *Store) ClearAttempts(ctx context.Context, poolID, subject, kind string) error {
	_, err := s.writes().ExecContext(ctx,
		"DELETE FROM attempts WHERE pool_id = ? AND subject = ? AND kind = ?",
		poolID, subject, kind)
	return translate(fmt.Sprintf("clear attempts %q of %q in pool %q", kind, subject, poolID), err)
}

// pruneBatch is how many attempt rows one PruneAttempts transaction
// deletes: small enough that the writer is back to requests within a few
// milliseconds.
const pruneBatch = 1000

// PruneAttempts deletes old attempts in batches of pruneBatch, each its own
// writer transaction (no index serves "at" alone; the scan stops at the
// batch limit).
func (s *Store) PruneAttempts(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.writes().ExecContext(ctx,
			"DELETE FROM attempts WHERE rowid IN (SELECT rowid FROM attempts WHERE at <= ? LIMIT ?)", ms(before), pruneBatch)
		if err != nil {
			return total, translate("prune attempts", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, translate("prune attempts", err)
		}
		total += n
		if n < pruneBatch || s.tx != nil {
			return total, nil
		}
	}
}
