// One-time codes (the one outstanding code of each user and purpose) and
// attempt counting (the rate limit on requesting and entering codes).

package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

const codeColumns = "pool_id, username, purpose, mac, attribute, created_at, expires_at"

// codeID names a code in errors.
func codeID(poolID, username, purpose string) string {
	return poolID + "/" + username + "/" + purpose
}

// PutCode stores c, replacing the user's earlier code of the same purpose:
// one upsert on the primary key, so concurrent puts cannot leave two codes
// and the last one to commit wins. A user that does not exist fails the
// foreign key: store.ErrNotFound.
func (s *Store) PutCode(ctx context.Context, c *store.Code) error {
	_, err := s.execOne(ctx, "INSERT INTO codes ("+codeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (pool_id, username, purpose) DO UPDATE SET
			mac = excluded.mac, attribute = excluded.attribute,
			created_at = excluded.created_at, expires_at = excluded.expires_at`,
		c.PoolID, c.Username, c.Purpose, notNullBytes(c.MAC), bin(c.Attribute), ms(c.CreatedAt), ms(c.ExpiresAt))
	return translate(err, "put code "+codeID(c.PoolID, c.Username, c.Purpose))
}

// GetCode returns the outstanding code, whether or not it has expired:
// expiry is the caller's rule.
func (s *Store) GetCode(ctx context.Context, poolID, username, purpose string) (*store.Code, error) {
	var (
		c                store.Code
		created, expires int64
	)
	err := s.q().QueryRow(ctx, "SELECT "+codeColumns+
		" FROM codes WHERE pool_id = $1 AND username = $2 AND purpose = $3",
		poolID, username, purpose).
		Scan(&c.PoolID, &c.Username, &c.Purpose, &c.MAC, textOf{&c.Attribute}, &created, &expires)
	if err != nil {
		return nil, translate(err, "code "+codeID(poolID, username, purpose))
	}
	c.CreatedAt, c.ExpiresAt = fromMS(created), fromMS(expires)
	return &c, nil
}

// ConsumeCode deletes the code if its MAC equals mac. The MAC is part of the
// DELETE's condition, so checking and deleting are one statement: of
// concurrent consumers one deletes the row; the others wait for its row lock,
// re-check the row, find it gone and delete nothing (inside SERIALIZABLE
// transactions they fail with a serialization failure instead, and Tx runs
// them again). A wrong MAC deletes nothing either, and leaves the code.
//
// The comparison is not constant-time; mac is a keyed MAC of the guess, so
// its timing tells a guesser nothing about the code.
func (s *Store) ConsumeCode(ctx context.Context, poolID, username, purpose string, mac []byte) error {
	id := codeID(poolID, username, purpose)
	tag, err := s.q().Exec(ctx,
		"DELETE FROM codes WHERE pool_id = $1 AND username = $2 AND purpose = $3 AND mac = $4",
		poolID, username, purpose, notNullBytes(mac))
	if err != nil {
		return translate(err, "consume code "+id)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("code with that MAC %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// attemptLockKey is the transaction advisory lock that serialises the
// TakeAttempt calls of one (pool, subject, kind), across processes. It is
// hashed here rather than in SQL because subjects may hold NUL bytes, which
// PostgreSQL text cannot. A collision only makes two keys wait for each other.
func attemptLockKey(poolID, subject, kind string) int64 {
	h := fnv.New64a()
	var n [8]byte
	for _, part := range []string{"attempt", poolID, subject, kind} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return int64(h.Sum64())
}

// TakeAttempt counts an attempt and reports whether it is allowed. Callers
// for the same (pool, subject, kind) take one transaction advisory lock
// first, so no other attempt can be recorded between the count and the
// write: N concurrent calls see counts 0, 1, ..., N-1, of which only those
// below limit are allowed.
//
// Outside a Tx the statements run in their own READ COMMITTED transaction:
// each statement after the lock takes a fresh snapshot, which already holds
// every attempt committed by the callers that had the lock before, so the
// lock alone serialises them and nothing needs retrying. (A SERIALIZABLE
// transaction takes its snapshot at its first statement, the lock itself,
// before waiting; every waiter would then fail with a serialization failure
// and a burst of callers could exhaust Tx's retries.) Inside a Tx they run
// in a savepoint of the caller's SERIALIZABLE transaction, which Tx retries
// if it loses a race.
//
// Every attempt later than now-window counts, including attempts stamped
// later than now. Those come from callers that read the clock after this one
// but got the lock first; ignoring them would let concurrent callers with
// slightly different clocks each see a count below the limit. Refused
// attempts count too, so hammering keeps the window closed; yet rows are
// capped at keptAttempts(limit) inside the window: beyond it, the attempt
// moves the subject's oldest row forward instead of adding one, which
// keeps the latest attempts by time and so every answer (the SQLite
// backend's TakeAttempt explains why). Rows that left the window are left
// to PruneAttempts. A pool that does not exist fails the insert's foreign
// key (store.ErrNotFound) and the transaction or savepoint is rolled back,
// leaving nothing behind.
func (s *Store) TakeAttempt(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int) (bool, error) {
	at := ms(now)
	kept := keptAttempts(limit)
	subj := []byte(subject)
	fail := func(err error) error {
		return translate(err, fmt.Sprintf("take attempt %q of %q in pool %q", kind, subject, poolID))
	}
	var allowed bool
	fn := func(q queryer) error {
		if _, err := q.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", attemptLockKey(poolID, subject, kind)); err != nil {
			return fail(err)
		}
		var n int
		err := q.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM attempts
			WHERE pool_id = $1 AND subject = $2 AND kind = $3 AND at > $4 LIMIT $5) AS recent`,
			poolID, subj, kind, at-window.Milliseconds(), kept).Scan(&n)
		if err != nil {
			return fail(err)
		}
		allowed = n < limit
		if n >= kept {
			tag, err := q.Exec(ctx, `UPDATE attempts SET at = GREATEST(at, $1) WHERE ctid = (
				SELECT ctid FROM attempts WHERE pool_id = $2 AND subject = $3 AND kind = $4 ORDER BY at LIMIT 1)`,
				at, poolID, subj, kind)
			if err != nil || tag.RowsAffected() == 1 {
				return fail(err)
			}
			// PruneAttempts or ClearAttempts (which do not take the lock)
			// deleted the row since it was counted: add one instead.
		}
		_, err = q.Exec(ctx,
			"INSERT INTO attempts (pool_id, subject, kind, at) VALUES ($1, $2, $3, $4)",
			poolID, subj, kind, at)
		return fail(err)
	}
	if err := s.underLock(ctx, fn); err != nil {
		return false, err
	}
	return allowed, nil
}

// keptAttempts is how many attempts of one (pool, subject, kind) inside the
// window TakeAttempt keeps rows for (the store contract's bound).
func keptAttempts(limit int) int { return 2 * max(limit, 1) }

// TakeAttemptTx commits the attempt on its own (READ COMMITTED under the
// advisory lock, see TakeAttempt), then runs fn in a SERIALIZABLE Tx: the
// attempt counts whatever fn does, as the contract says. Taking the
// attempt inside fn's Tx would make concurrent callers on one subject
// fail with serialization failures and exhaust Tx's retries (and,
// through predicate locks on the attempts index, callers on neighbouring
// subjects too). Inside a Tx both run in it, each under a savepoint.
func (s *Store) TakeAttemptTx(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int, fn func(store.Store) error) (bool, error) {
	ok, err := s.TakeAttempt(ctx, poolID, subject, kind, now, window, limit)
	if err != nil || !ok {
		return false, err
	}
	if err := s.Tx(ctx, fn); err != nil {
		return true, err
	}
	return true, nil
}

// underLock runs fn, a method that serialises itself with a transaction
// advisory lock (see TakeAttempt): in its own READ COMMITTED transaction
// outside a Tx, in a savepoint of the caller's transaction inside one.
func (s *Store) underLock(ctx context.Context, fn func(q queryer) error) error {
	if s.tx == nil {
		return s.readCommitted(ctx, fn)
	}
	return s.atomic(ctx, fn)
}

// readCommitted runs fn in its own READ COMMITTED transaction, for methods
// that serialise themselves with locks (see TakeAttempt). It must not be
// used inside a Tx.
func (s *Store) readCommitted(ctx context.Context, fn func(q queryer) error) error {
	return s.inTx(ctx, pgx.ReadCommitted, func(tx pgx.Tx) error { return fn(tx) })
}

// ClearAttempts deletes every attempt of kind by subject, and its lockout
// record (TakeBackoff), in one statement. Nothing to clear, in an existing
// pool or not, is not an error.
func (s *Store) ClearAttempts(ctx context.Context, poolID, subject, kind string) error {
	_, err := s.q().Exec(ctx, `WITH gone AS (DELETE FROM lockouts WHERE pool_id = $1 AND subject = $2 AND kind = $3)
		DELETE FROM attempts WHERE pool_id = $1 AND subject = $2 AND kind = $3`,
		poolID, []byte(subject), kind)
	return translate(err, fmt.Sprintf("clear attempts %q of %q in pool %q", kind, subject, poolID))
}
