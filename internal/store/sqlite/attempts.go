// Attempt counting: the rate limit on requesting and entering codes.

package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// countAttempts counts a subject's attempts of one kind later than a cutoff,
// stopping at the row cap (keptAttempts): whether a call is allowed only
// depends on reaching the limit, and whether it adds a row on reaching the
// cap, so the cost stays flat for a subject that is being hammered. Served
// by the attempts_subject index.
const countAttempts = `SELECT count(*) FROM (SELECT 1 FROM attempts
	WHERE pool_id = ? AND subject = ? AND kind = ? AND at > ? LIMIT ?)`

// moveOldestAttempt records an attempt of a subject that already has the
// cap of rows in the window by moving its oldest row forward to the new
// attempt's time (or leaving it, if the new attempt is older still), found
// through the attempts_subject index.
const moveOldestAttempt = `UPDATE attempts SET at = max(at, ?) WHERE rowid = (
	SELECT rowid FROM attempts WHERE pool_id = ? AND subject = ? AND kind = ? ORDER BY at LIMIT 1)`

// keptAttempts is how many attempts of one (pool, subject, kind) inside the
// window TakeAttempt keeps rows for (the store contract's bound).
func keptAttempts(limit int) int { return 2 * max(limit, 1) }

// TakeAttempt counts an attempt and reports whether it is allowed, in one
// writer transaction (or the caller's Tx). Writer transactions are
// serialised (a single writer connection, BEGIN IMMEDIATE across
// processes), so no other attempt can be recorded between the count and the
// write: N concurrent calls see counts 0, 1, ..., N-1, of which only those
// below limit are allowed.
//
// Every attempt later than now-window counts, including attempts stamped
// later than now. Those come from callers that read the clock after this
// one but got the writer first; ignoring them would let concurrent callers
// with slightly different clocks each see a count below the limit. A
// refused attempt counts too, so hammering keeps the window closed.
//
// Rows are capped at keptAttempts(limit) inside the window: beyond it, the
// attempt replaces the subject's oldest row instead of adding one. The rows
// kept are then always the latest attempts by time (the replaced row is
// older than every other, the new one newer than it), and as the count
// only ever asks "at least limit within the window?", whose answer the
// latest limit attempts decide, it is the same as if every row were kept.
// Rows that left the window are left to PruneAttempts: deleting them here
// cost a statement on every request, the hot path of ForgotPassword.
//
// The only write is the final INSERT or UPDATE, so inside a Tx no savepoint
// is needed to keep a failure from leaving half of the operation behind.
func (s *Store) TakeAttempt(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int) (bool, error) {
	at := ms(now)
	kept := keptAttempts(limit)
	var allowed bool
	fn := func(q querier) error {
		var n int
		err := q.QueryRowContext(ctx, countAttempts, poolID, subject, kind, at-window.Milliseconds(), kept).Scan(&n)
		if err != nil {
			return err
		}
		allowed = n < limit
		if n >= kept {
			_, err = q.ExecContext(ctx, moveOldestAttempt, at, poolID, subject, kind)
			return err
		}
		// A pool that does not exist fails the foreign key: store.ErrNotFound.
		_, err = q.ExecContext(ctx,
			"INSERT INTO attempts (pool_id, subject, kind, at) VALUES (?, ?, ?, ?)",
			poolID, subject, kind, at)
		return err
	}
	if err := s.inWriter(ctx, fn); err != nil {
		return false, translate(fmt.Sprintf("take attempt %q of %q in pool %q", kind, subject, poolID), err)
	}
	return allowed, nil
}

// inWriter runs fn in the caller's Tx, or else in a writer transaction of
// its own, without a savepoint: for methods whose only write is their last
// statement, so a failure leaves nothing half done.
func (s *Store) inWriter(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	return s.writerTx(ctx, func(w *wconn) error { return fn(w) })
}

// TakeAttemptTx counts the attempt and runs fn in one writer transaction:
// the request that passes its limit costs one group-commit turn and shares
// one commit, instead of waiting for two. fn runs as a nested Tx, under a
// savepoint: if it fails, its writes are undone and the attempt commits
// all the same, as the contract requires (it counts whatever fn does).
func (s *Store) TakeAttemptTx(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int, fn func(store.Store) error) (bool, error) {
	var allowed bool
	var fnErr error
	err := s.Tx(ctx, func(tx store.Store) error {
		ok, err := tx.TakeAttempt(ctx, poolID, subject, kind, now, window, limit)
		if err != nil {
			return err
		}
		// Reset on every run: the result must not depend on a run that was
		// rolled back (the Tx rules).
		allowed, fnErr = ok, nil
		if ok {
			fnErr = tx.Tx(ctx, fn)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return allowed, fnErr
}

// ClearAttempts deletes every attempt of kind by subject, and its lockout
// record (TakeBackoff), together. Nothing to clear, in an existing pool or
// not, is not an error.
func (s *Store) ClearAttempts(ctx context.Context, poolID, subject, kind string) error {
	err := s.atomic(ctx, func(q querier) error {
		for _, table := range []string{"attempts", "lockouts"} {
			if _, err := q.ExecContext(ctx, "DELETE FROM "+table+" WHERE pool_id = ? AND subject = ? AND kind = ?",
				poolID, subject, kind); err != nil {
				return err
			}
		}
		return nil
	})
	return translate(fmt.Sprintf("clear attempts %q of %q in pool %q", kind, subject, poolID), err)
}
