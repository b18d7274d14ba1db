// The delivery side of the outbox: leasing due messages to delivery workers
// and recording the outcome of every attempt.
//
// A lease is two columns of the message: locked_until, until when the
// worker holds it, and lease_token, a random token that ClaimMessages hands
// to the worker with the batch. Every Mark* method is one UPDATE guarded by
// that token, so a worker whose lease expired and was taken over by another
// one can no longer change the message: its token is gone.

package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// zeroMS is how the zero time.Time is stored in the delivery time columns:
// its own unix milliseconds, the default those columns get in
// 0003_delivery.sql. It sorts before every real time, so a zero
// NextAttemptAt is due and a zero LockedUntil has expired at any now.
var zeroMS = ms(time.Time{})

// claimQuery leases the due, unleased pending messages, oldest (lowest id)
// first, and returns them as they are after the update. Parameters: ?1
// locked_until, ?2 lease token, ?3 the pending status, ?4 zeroMS, ?5 now,
// ?6 limit.
//
// The due messages are picked as two sets, each through messages_claim,
// merged by id:
//
//   - messages never retried (next_attempt_at = zero): under that equality
//     the index is in id order, so the oldest are read first and the read
//     stops at the limit, past the few that are leased, however long the
//     backlog (a worker that fell behind, or every message an earlier
//     release left pending);
//   - retried messages due again (zero < next_attempt_at <= now): a range,
//     whose messages are sorted by id. Only retries that have come due are
//     sorted, not the backlog.
//
// RETURNING lists rows in no particular order: ClaimMessages sorts them.
const claimQuery = `UPDATE messages SET locked_until = ?1, lease_token = ?2
	WHERE id IN (
		SELECT id FROM (
			SELECT id FROM messages
			WHERE status = ?3 AND next_attempt_at = ?4 AND locked_until <= ?5
			ORDER BY id LIMIT ?6)
		UNION ALL
		SELECT id FROM (
			SELECT id FROM messages
			WHERE status = ?3 AND next_attempt_at > ?4 AND next_attempt_at <= ?5 AND locked_until <= ?5
			ORDER BY id LIMIT ?6)
		ORDER BY id LIMIT ?6)
	RETURNING ` + messageColumns

// ClaimMessages leases up to limit due, unleased pending messages to the
// caller under a fresh random token, shared by the batch.
//
// The claim is one UPDATE whose subquery selects the messages, run in a
// writer transaction (BEGIN IMMEDIATE; a savepoint inside a Tx). Writer
// transactions are serialised not only between the goroutines of this
// process, by the single writer connection, but also between processes:
// SQLite's write lock on the database file admits one writer at a time,
// and BEGIN IMMEDIATE takes it before the subquery reads anything, so the
// selection is made on the latest committed state and no other claimer can
// commit in between. Two claimers therefore never lease the same message,
// whichever processes they run in.
//
// A message whose lease expired (LockedUntil <= now: its worker died,
// possibly after sending it) is claimed again, so a message can be sent
// more than once: delivery is at least once.
//
// limit <= 0 claims nothing. When nothing is claimed the token is "".
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (string, []*store.Message, error) {
	if limit <= 0 {
		return "", nil, nil // SQLite would read LIMIT -1 as "no limit"
	}
	token := rand.Text() // 128 random bits
	var msgs []*store.Message
	err := s.atomic(ctx, func(q querier) error {
		var err error
		msgs, err = queryAll(ctx, q, "claim messages", scanMessage, claimQuery,
			ms(now.Add(lease)), token, store.MessagePending, zeroMS, ms(now), limit)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if len(msgs) == 0 {
		return "", nil, nil
	}
	slices.SortFunc(msgs, func(a, b *store.Message) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return token, msgs, nil
}

// holdsLease is the guard of every Mark* update: the message is pending and
// leased under token. A message not leased has the empty token, which no
// caller's token matches, not even an empty one. The lease's expiry is not checked: a worker
// that finishes late, but before anyone else claimed the message, still
// records its attempt (the message was sent, after all).
const holdsLease = `id = ? AND status = ? AND lease_token = ? AND lease_token <> ''`

// releaseLease is the SET clause that ends the lease.
const releaseLease = `locked_until = ?, lease_token = ''`

// The Mark* updates. Each also counts the attempt and returns the new
// count, which numbers the attempt's message_attempts row.
const (
	markSentQuery = `UPDATE messages SET status = ?, sent_at = ?,
		body = CASE WHEN ? THEN '' ELSE body END,
		code = CASE WHEN ? THEN '' ELSE code END,
		attempts = attempts + 1, ` + releaseLease + `
		WHERE ` + holdsLease + ` RETURNING attempts`
	retryQuery = `UPDATE messages SET last_error = ?, next_attempt_at = ?,
		attempts = attempts + 1, ` + releaseLease + `
		WHERE ` + holdsLease + ` RETURNING attempts`
	killQuery = `UPDATE messages SET status = ?, last_error = ?,
		attempts = attempts + 1, ` + releaseLease + `
		WHERE ` + holdsLease + ` RETURNING attempts`
)

// MarkMessageSent records a successful attempt: status sent (or inbox),
// SentAt = now, Attempts+1, the lease released and, with redact, Body and
// Code erased. Subject stays: the code is only ever in Body and Code.
// LastError keeps the error of the last failed attempt, if any.
func (s *Store) MarkMessageSent(ctx context.Context, id int64, token string, now time.Time, inbox, redact bool) error {
	status := store.MessageSent
	if inbox {
		status = store.MessageInbox
	}
	return s.recordAttempt(ctx, "mark message sent", id, now, "", markSentQuery,
		status, ms(now), redact, redact, zeroMS, id, store.MessagePending, token)
}

// RetryMessage records a failed attempt after which the message stays
// pending, due again at next. A next before the zero time.Time (before
// year 1) is stored as the zero time.
func (s *Store) RetryMessage(ctx context.Context, id int64, token string, now, next time.Time, lastError string) error {
	if next.Before(time.Time{}) {
		// Due at once either way; claimQuery finds due messages only at
		// the zero time or after it.
		next = time.Time{}
	}
	return s.recordAttempt(ctx, "retry message", id, now, lastError, retryQuery,
		lastError, ms(next), zeroMS, id, store.MessagePending, token)
}

// KillMessage records a failed attempt after which the message is dead.
func (s *Store) KillMessage(ctx context.Context, id int64, token string, now time.Time, lastError string) error {
	return s.recordAttempt(ctx, "kill message", id, now, lastError, killQuery,
		store.MessageDead, lastError, zeroMS, id, store.MessagePending, token)
}

// recordAttempt runs a Mark* update and, if it matched the message, inserts
// the attempt's row numbered with the updated count, both in one writer
// transaction (a savepoint inside a Tx). The update changes the message
// only while the token holds the lease; if it matched nothing, leaseLost
// tells a missing message from a lost lease.
func (s *Store) recordAttempt(ctx context.Context, op string, id int64, now time.Time, errText, update string, args ...any) error {
	return s.atomic(ctx, func(q querier) error {
		var number int
		err := q.QueryRowContext(ctx, update, args...).Scan(&number)
		if errors.Is(err, sql.ErrNoRows) {
			return leaseLost(ctx, q, op, id)
		}
		if err != nil {
			return translate(fmt.Sprintf("%s %d", op, id), err)
		}
		_, err = q.ExecContext(ctx,
			"INSERT INTO message_attempts (message_id, number, at, error) VALUES (?, ?, ?, ?)",
			id, number, ms(now), errText)
		return translate(fmt.Sprintf("%s %d: record attempt %d", op, id, number), err)
	})
}

// leaseLost explains why a guarded update matched nothing: there is no such
// message (store.ErrNotFound), or the token does not hold its lease
// (store.ErrConflict): the lease expired and another worker claimed the
// message, the message was already marked, or the token is wrong.
func leaseLost(ctx context.Context, q querier, op string, id int64) error {
	var exists bool
	err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM messages WHERE id = ?)", id).Scan(&exists)
	if err != nil {
		return translate(fmt.Sprintf("%s %d", op, id), err)
	}
	if !exists {
		return notFound("message", strconv.FormatInt(id, 10))
	}
	return fmt.Errorf("sqlite: %s %d: the token does not hold the message's lease: %w", op, id, store.ErrConflict)
}

const listMessageAttemptsQuery = `SELECT message_id, number, at, error FROM message_attempts
	WHERE message_id = ? ORDER BY number`

func scanMessageAttempt(sc scanner) (store.MessageAttempt, error) {
	var (
		a  store.MessageAttempt
		at int64
	)
	if err := sc.Scan(&a.MessageID, &a.Number, &at, &a.Error); err != nil {
		return store.MessageAttempt{}, err
	}
	a.At = fromMS(at)
	return a, nil
}

// ListMessageAttempts returns the message's attempts by number; none (and
// no error) for a message that has none or does not exist.
func (s *Store) ListMessageAttempts(ctx context.Context, id int64) ([]store.MessageAttempt, error) {
	return queryAll(ctx, s.reads(), fmt.Sprintf("list attempts of message %d", id),
		scanMessageAttempt, listMessageAttemptsQuery, id)
}

// outboxStatsQuery is one statement, so its three parts see the same
// snapshot. The counts read only the status prefix of messages_claim; the
// oldest pending message is the one with the lowest id, the one
// ClaimMessages takes first, found on the same index.
const outboxStatsQuery = `SELECT
	(SELECT count(*) FROM messages WHERE status = ?1),
	(SELECT count(*) FROM messages WHERE status = ?2),
	(SELECT created_at FROM messages WHERE id = (SELECT min(id) FROM messages WHERE status = ?1))`

// GetOutboxStats counts pending (leased or not) and dead messages and
// returns the CreatedAt of the oldest pending one.
func (s *Store) GetOutboxStats(ctx context.Context) (store.OutboxStats, error) {
	var (
		st     store.OutboxStats
		oldest sql.NullInt64
	)
	err := s.reads().QueryRowContext(ctx, outboxStatsQuery, store.MessagePending, store.MessageDead).
		Scan(&st.Pending, &st.Dead, &oldest)
	if err != nil {
		return store.OutboxStats{}, translate("get outbox stats", err)
	}
	st.OldestPending = fromNullMS(oldest)
	return st, nil
}
