// The outbox: messages to deliver, written in the transaction of the change
// that causes them, and the delivery side: leasing due messages to delivery
// workers and recording the outcome of every attempt.
//
// A lease is two columns of the message: locked_until, until when the
// worker holds it, and lease_token, a random token that ClaimMessages hands
// to the worker with the batch. Every Mark* method is guarded by that
// token, so a worker whose lease expired and was taken over by another one
// can no longer change the message: its token is gone.

package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/userpool/userpool/internal/store"
)

// outboxMessageColumns are the columns of a store.Message, in
// scanOutboxMessage's order. The private lease_token is not among them.
const outboxMessageColumns = `id, pool_id, username, purpose, medium, destination, subject, body,
	code, suppressed_reason, status, created_at, from_address, reply_to,
	attempts, next_attempt_at, locked_until, last_error, sent_at, expires_at`

func scanOutboxMessage(row pgx.Row) (*store.Message, error) {
	var (
		m                           store.Message
		created, next, locked, sent int64
		expires                     int64
	)
	err := row.Scan(&m.ID, &m.PoolID, textOf{&m.Username}, &m.Purpose, &m.Medium, textOf{&m.Destination},
		textOf{&m.Subject}, textOf{&m.Body}, textOf{&m.Code}, &m.SuppressedReason, &m.Status, &created,
		textOf{&m.From}, textOf{&m.ReplyTo}, &m.Attempts, &next, &locked, textOf{&m.LastError}, &sent, &expires)
	if err != nil {
		return nil, err
	}
	m.CreatedAt, m.NextAttemptAt, m.LockedUntil, m.SentAt = fromMS(created), fromMS(next), fromMS(locked), fromMS(sent)
	m.ExpiresAt = fromMS(expires)
	return &m, nil
}

// queryOutboxMessages runs a query returning outboxMessageColumns.
func queryOutboxMessages(ctx context.Context, q queryer, what, query string, args ...any) ([]*store.Message, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, translate(err, what)
	}
	defer rows.Close()
	var out []*store.Message
	for rows.Next() {
		m, err := scanOutboxMessage(rows)
		if err != nil {
			return nil, translate(err, what)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, what)
	}
	return out, nil
}

// defaultMessageLimit is ListMessages' limit when the filter sets none.
const defaultMessageLimit = 100

// EnqueueMessage inserts m and sets m.ID to the identity PostgreSQL
// assigned. The delivery state belongs to ClaimMessages and the Mark*
// methods: it is not taken from m; its columns get their defaults, the
// state of a message never tried (0 attempts, due at once, not leased).
func (s *Store) EnqueueMessage(ctx context.Context, m *store.Message) error {
	var id int64
	err := s.q().QueryRow(ctx, `INSERT INTO messages (pool_id, username,
		purpose, medium, destination, subject, body, code, suppressed_reason, status,
		created_at, from_address, reply_to, expires_at, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		RETURNING id`,
		m.PoolID, bin(m.Username), m.Purpose, m.Medium, bin(m.Destination), bin(m.Subject), bin(m.Body),
		bin(m.Code), m.SuppressedReason, m.Status, ms(m.CreatedAt), bin(m.From), bin(m.ReplyTo), ms(m.ExpiresAt),
		ms(store.SentAtOnEnqueue(m))).Scan(&id)
	if err != nil {
		return translate(err, "enqueue message")
	}
	m.ID = id
	return nil
}

// ListMessages returns the messages f selects, highest ID first. Only the
// filters that are set become conditions (exact, byte-wise matches: pool_id
// is COLLATE "C", username and destination are BYTEA; purpose holds only
// the domain's ASCII constants).
func (s *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]*store.Message, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultMessageLimit
	}
	var b strings.Builder
	b.WriteString("SELECT " + outboxMessageColumns + " FROM messages WHERE id > $1")
	args := []any{f.AfterID}
	for _, c := range []struct {
		column, value string
		arg           any
	}{
		{"pool_id", f.PoolID, f.PoolID}, {"username", f.Username, bin(f.Username)},
		{"destination", f.Destination, bin(f.Destination)}, {"purpose", f.Purpose, f.Purpose},
	} {
		if c.value != "" {
			args = append(args, c.arg)
			fmt.Fprintf(&b, " AND %s = $%d", c.column, len(args))
		}
	}
	if !f.CreatedAfter.IsZero() {
		args = append(args, ms(f.CreatedAfter))
		fmt.Fprintf(&b, " AND created_at > $%d", len(args))
	}
	args = append(args, limit)
	fmt.Fprintf(&b, " ORDER BY id DESC LIMIT $%d", len(args))
	return queryOutboxMessages(ctx, s.q(), "list messages", b.String(), args...)
}

// claimQuery leases the due, unleased pending messages, oldest (lowest id)
// first, and returns them as they are after the update. Parameters: $1
// locked_until, $2 lease token, $3 the pending status, $4 now, $5 limit.
//
// The candidates are locked FOR UPDATE SKIP LOCKED in a materialised CTE,
// so they are selected and locked exactly once; rows another claimer has
// locked are skipped, and a row another claimer updated and committed
// after this statement's snapshot is re-checked against the WHERE clause
// on its new version when it is locked (READ COMMITTED), which its new
// locked_until then fails. RETURNING lists rows in no particular order:
// ClaimMessages sorts them.
const claimQuery = `WITH due AS MATERIALIZED (
		SELECT id AS due_id FROM messages
		WHERE status = $3 AND next_attempt_at <= $4 AND locked_until <= $4
		ORDER BY id LIMIT $5
		FOR UPDATE SKIP LOCKED)
	UPDATE messages SET locked_until = $1, lease_token = $2
	FROM due WHERE id = due.due_id
	RETURNING ` + outboxMessageColumns

// ClaimMessages leases up to limit due, unleased pending messages to the
// caller under a fresh random token, shared by the batch.
//
// The claim is one statement run through s.q(): outside a Tx that is the
// pool, where the statement is its own transaction at the server's default
// READ COMMITTED isolation, the level FOR UPDATE SKIP LOCKED is designed
// for: concurrent claimers skip each other's rows instead of failing, so
// every message goes to exactly one claimer without serialization
// failures or retries. Inside a Tx it runs in that (SERIALIZABLE)
// transaction, whose retries cover any serialization failure.
//
// A message whose lease expired (LockedUntil <= now: its worker died,
// possibly after sending it) is claimed again, so delivery is at least
// once. limit <= 0 claims nothing. When nothing is claimed the token is "".
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (string, []*store.Message, error) {
	if limit <= 0 {
		return "", nil, nil
	}
	token := rand.Text() // 128 random bits
	msgs, err := queryOutboxMessages(ctx, s.q(), "claim messages", claimQuery,
		ms(now.Add(lease)), token, store.MessagePending, ms(now), limit)
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

// The Mark* statements. Each is one statement: a guarded UPDATE that counts
// the attempt and releases the lease, and an INSERT of the attempt's row
// numbered with the updated count, which happens only if the UPDATE
// matched. Being one statement, it is atomic on its own (outside a Tx it
// runs on the pool at READ COMMITTED, where a concurrent change to the row
// makes the UPDATE re-check its guard on the new version).
//
// The guard: the message is pending and leased under the token. A message
// not leased has the empty token, which no caller's token matches, not
// even an empty one. The lease's expiry is not checked: a worker that
// finishes late, but before anyone else claimed the message, still records
// its attempt.
//
// Common parameters: $1 id, $2 pending status, $3 token, $4 zeroMS (the
// released locked_until), $5 the attempt's time, $6 the attempt's error.
const (
	holdsLease   = `id = $1 AND status = $2 AND lease_token = $3 AND lease_token <> ''`
	releaseLease = `locked_until = $4, lease_token = ''`
	recordInsert = `)
	INSERT INTO message_attempts (message_id, number, at, error)
	SELECT id, attempts, $5::bigint, $6::bytea FROM u RETURNING number`

	markSentQuery = `WITH u AS (UPDATE messages SET status = $7, sent_at = $5,
		body = CASE WHEN $8 THEN '' ELSE body END,
		code = CASE WHEN $8 THEN '' ELSE code END,
		attempts = attempts + 1, ` + releaseLease + `
		WHERE ` + holdsLease + ` RETURNING id, attempts` + recordInsert
	retryQuery = `WITH u AS (UPDATE messages SET last_error = $6, next_attempt_at = $7,
		attempts = attempts + 1, ` + releaseLease + `
		WHERE ` + holdsLease + ` RETURNING id, attempts` + recordInsert
	killQuery = `WITH u AS (UPDATE messages SET status = $7, last_error = $6,
		attempts = attempts + 1, ` + releaseLease + `
		WHERE ` + holdsLease + ` RETURNING id, attempts` + recordInsert
)

// MarkMessageSent records a successful attempt: status sent (or inbox),
// SentAt = now, Attempts+1, the lease released and, with redact, Body and
// Code erased. LastError keeps the error of the last failed attempt, if any.
func (s *Store) MarkMessageSent(ctx context.Context, id int64, token string, now time.Time, inbox, redact bool) error {
	status := store.MessageSent
	if inbox {
		status = store.MessageInbox
	}
	return s.recordAttempt(ctx, "mark message sent", markSentQuery,
		id, token, now, "", status, redact)
}

// RetryMessage records a failed attempt after which the message stays
// pending, due again at next. A next before the zero time.Time is stored
// as the zero time (due at once either way).
func (s *Store) RetryMessage(ctx context.Context, id int64, token string, now, next time.Time, lastError string) error {
	if next.Before(time.Time{}) {
		next = time.Time{}
	}
	return s.recordAttempt(ctx, "retry message", retryQuery,
		id, token, now, lastError, ms(next))
}

// KillMessage records a failed attempt after which the message is dead.
func (s *Store) KillMessage(ctx context.Context, id int64, token string, now time.Time, lastError string) error {
	return s.recordAttempt(ctx, "kill message", killQuery,
		id, token, now, lastError, store.MessageDead)
}

// recordAttempt runs a Mark* statement; if it matched nothing, leaseLost
// tells a missing message from a lost lease.
func (s *Store) recordAttempt(ctx context.Context, op, query string, id int64, token string, now time.Time, errText string, extra ...any) error {
	args := append([]any{id, store.MessagePending, token, zeroMS, ms(now), bin(errText)}, extra...)
	var number int
	err := s.q().QueryRow(ctx, query, args...).Scan(&number)
	if errors.Is(err, pgx.ErrNoRows) {
		return s.leaseLost(ctx, op, id)
	}
	return translate(err, fmt.Sprintf("%s %d", op, id))
}

// leaseLost explains why a guarded update matched nothing: there is no such
// message (store.ErrNotFound), or the token does not hold its lease
// (store.ErrConflict): the lease expired and another worker claimed the
// message, the message was already marked, or the token is wrong.
func (s *Store) leaseLost(ctx context.Context, op string, id int64) error {
	var exists bool
	err := s.q().QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM messages WHERE id = $1)", id).Scan(&exists)
	if err != nil {
		return translate(err, fmt.Sprintf("%s %d", op, id))
	}
	if !exists {
		return fmt.Errorf("%s: message %s: %w", op, strconv.FormatInt(id, 10), store.ErrNotFound)
	}
	return fmt.Errorf("postgres: %s %d: the token does not hold the message's lease: %w", op, id, store.ErrConflict)
}

// ListMessageAttempts returns the message's attempts by number; none (and
// no error) for a message that has none or does not exist.
func (s *Store) ListMessageAttempts(ctx context.Context, id int64) ([]store.MessageAttempt, error) {
	what := fmt.Sprintf("list attempts of message %d", id)
	rows, err := s.q().Query(ctx, `SELECT message_id, number, at, error FROM message_attempts
		WHERE message_id = $1 ORDER BY number`, id)
	if err != nil {
		return nil, translate(err, what)
	}
	defer rows.Close()
	var out []store.MessageAttempt
	for rows.Next() {
		var (
			a  store.MessageAttempt
			at int64
		)
		if err := rows.Scan(&a.MessageID, &a.Number, &at, textOf{&a.Error}); err != nil {
			return nil, translate(err, what)
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, what)
	}
	return out, nil
}

// outboxStatsQuery is one statement, so its three parts see the same
// snapshot. The oldest pending message is the one with the lowest id, the
// one ClaimMessages takes first.
const outboxStatsQuery = `SELECT
	(SELECT count(*) FROM messages WHERE status = $1),
	(SELECT count(*) FROM messages WHERE status = $2),
	(SELECT created_at FROM messages WHERE status = $1 ORDER BY id LIMIT 1)`

// GetOutboxStats counts pending (leased or not) and dead messages and
// returns the CreatedAt of the oldest pending one (zero when none).
func (s *Store) GetOutboxStats(ctx context.Context) (store.OutboxStats, error) {
	var (
		st     store.OutboxStats
		oldest *int64
	)
	err := s.q().QueryRow(ctx, outboxStatsQuery, store.MessagePending, store.MessageDead).
		Scan(&st.Pending, &st.Dead, &oldest)
	if err != nil {
		return store.OutboxStats{}, translate(err, "get outbox stats")
	}
	if oldest != nil {
		st.OldestPending = fromMS(*oldest)
	}
	return st, nil
}
