// Single-use tokens (store.Once).

package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// UseOnce inserts the mark; the primary key makes a second use a conflict.
// INSERT OR IGNORE keeps a failed use from failing a caller's transaction
// (an ignored row is not an error), and writer transactions are serialised,
// so of concurrent callers exactly one inserts.
func (s *Store) UseOnce(ctx context.Context, poolID, token string, expiresAt time.Time) error {
	res, err := s.writes().ExecContext(ctx, "INSERT OR IGNORE INTO used_tokens (pool_id, token, expires_at) VALUES (?, ?, ?)",
		poolID, token, ms(expiresAt))
	n, err := affected("use token", res, err)
	if err == nil && n == 0 {
		return fmt.Errorf("sqlite: token in pool %q used before: %w", poolID, store.ErrConflict)
	}
	return err
}

// PruneUsed deletes expired marks through the used_tokens_expiry index, in
// batches of pruneBatch.
func (s *Store) PruneUsed(ctx context.Context, before time.Time) (int64, error) {
	return inBatches(func() (int64, bool, error) {
		res, err := s.writes().ExecContext(ctx, `DELETE FROM used_tokens WHERE rowid IN
			(SELECT rowid FROM used_tokens WHERE expires_at <= ? LIMIT ?)`, ms(before), pruneBatch)
		n, err := affected("prune used tokens", res, err)
		return n, n == pruneBatch, err
	})
}
