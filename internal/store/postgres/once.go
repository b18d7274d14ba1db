// Single-use tokens (store.Once).

package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// UseOnce inserts the mark. ON CONFLICT DO NOTHING makes a second use
// affect no row instead of raising a unique violation, which would abort a
// caller's transaction; concurrent inserts of one key wait for each other
// on the primary key, so exactly one inserts.
func (s *Store) UseOnce(ctx context.Context, poolID, token string, expiresAt time.Time) error {
	tag, err := s.q().Exec(ctx, "INSERT INTO used_tokens (pool_id, token, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		poolID, token, ms(expiresAt))
	if err != nil {
		return translate(err, "use token")
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token in pool %q used before: %w", poolID, store.ErrConflict)
	}
	return nil
}

// PruneUsed deletes expired marks in batches of pruneBatch.
func (s *Store) PruneUsed(ctx context.Context, before time.Time) (int64, error) {
	return s.deleteInBatches(ctx, "prune used tokens", pruneBatch,
		"DELETE FROM used_tokens WHERE ctid IN (SELECT ctid FROM used_tokens WHERE expires_at <= $1 LIMIT $2)", ms(before))
}
