// ClampFuture: state stamped after a clock that moved backwards.

package postgres

import (
	"context"
	"strings"
	"time"
)

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
