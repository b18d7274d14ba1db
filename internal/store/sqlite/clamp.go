// ClampFuture: state stamped after a clock that moved backwards.

package sqlite

import (
	"context"
	"strings"
	"time"
)

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
