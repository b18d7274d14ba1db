// The outbox: messages to deliver, written in the transaction of the change
// that causes them.

package sqlite

import (
	"context"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// messageColumns are the columns of a store.Message, in scanMessage's
// order. The private lease_token is not among them.
const messageColumns = `id, pool_id, username, purpose, medium, destination, subject, body,
	code, suppressed_reason, status, created_at, from_address, reply_to,
	attempts, next_attempt_at, locked_until, last_error, sent_at, expires_at`

func scanMessage(sc scanner) (*store.Message, error) {
	var (
		m                           store.Message
		created, next, locked, sent int64
		expires                     int64
	)
	err := sc.Scan(&m.ID, &m.PoolID, &m.Username, &m.Purpose, &m.Medium, &m.Destination,
		&m.Subject, &m.Body, &m.Code, &m.SuppressedReason, &m.Status, &created,
		&m.From, &m.ReplyTo, &m.Attempts, &next, &locked, &m.LastError, &sent, &expires)
	if err != nil {
		return nil, err
	}
	m.CreatedAt, m.NextAttemptAt, m.LockedUntil, m.SentAt = fromMS(created), fromMS(next), fromMS(locked), fromMS(sent)
	m.ExpiresAt = fromMS(expires)
	return &m, nil
}

// defaultMessageLimit is ListMessages' limit when the filter sets none.
const defaultMessageLimit = 100

// EnqueueMessage inserts m and sets m.ID to the id SQLite assigned. The id
// column is AUTOINCREMENT: ids grow and are never reused, even when the
// newest message is deleted. Writers are serialised, so a message committed
// later always has a higher id than every message committed before it, and
// a reader's AfterID cursor never skips one. (Only the id of an insert
// whose transaction rolled back can be handed out again, and no reader ever
// saw that one; m.ID then names a message that was never stored.)
//
// The delivery state belongs to ClaimMessages and the Mark* methods: it is
// not taken from m. Its columns get their defaults (0003_delivery.sql), the
// state of a message never tried: 0 attempts, due at once, not leased;
// only an "inbox" message is stored as kept at CreatedAt (sentAtOnEnqueue).
func (s *Store) EnqueueMessage(ctx context.Context, m *store.Message) error {
	res, err := s.writes().ExecContext(ctx, `INSERT INTO messages (pool_id, username,
		purpose, medium, destination, subject, body, code, suppressed_reason, status,
		created_at, from_address, reply_to, expires_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.PoolID, m.Username, m.Purpose, m.Medium, m.Destination, m.Subject, m.Body,
		m.Code, m.SuppressedReason, m.Status, ms(m.CreatedAt), m.From, m.ReplyTo, ms(m.ExpiresAt),
		ms(store.SentAtOnEnqueue(m)))
	if err != nil {
		return translate("enqueue message", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return translate("enqueue message", err)
	}
	m.ID = id
	return nil
}

// ListMessages returns the messages f selects, highest ID first.
func (s *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]*store.Message, error) {
	query, args := messageQuery(f)
	return queryAll(ctx, s.reads(), "list messages", scanMessage, query, args...)
}

// messageQuery builds ListMessages' query. Only the filters that are set
// become conditions, so each combination is its own constant query (at most
// 32) that the reader pool prepares once, and the inbox queries walk
// messages_inbox or messages_destination backwards instead of sorting
// (purpose and creation time are checked on the rows found: the inbox of a
// development server is small).
func messageQuery(f store.MessageFilter) (string, []any) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultMessageLimit
	}
	var b strings.Builder
	b.WriteString("SELECT " + messageColumns + " FROM messages WHERE id > ?")
	args := []any{f.AfterID}
	for _, c := range []struct{ column, value string }{
		{"pool_id", f.PoolID}, {"username", f.Username}, {"destination", f.Destination}, {"purpose", f.Purpose},
	} {
		if c.value != "" {
			b.WriteString(" AND " + c.column + " = ?")
			args = append(args, c.value)
		}
	}
	if !f.CreatedAfter.IsZero() {
		b.WriteString(" AND created_at > ?")
		args = append(args, ms(f.CreatedAfter))
	}
	b.WriteString(" ORDER BY id DESC LIMIT ?")
	return b.String(), append(args, limit)
}
