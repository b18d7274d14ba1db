// Attempt ledger beyond TakeAttempt: giving an attempt back.

package sqlite

import (
	"context"
	"fmt"
	"time"
)

// ReturnAttempt deletes one attempt row of the key stamped at. Any row
// with that stamp will do: rows of one key carry nothing but their time.
func (s *Store) ReturnAttempt(ctx context.Context, poolID, subject, kind string, at time.Time) error {
	_, err := s.writes().ExecContext(ctx, `DELETE FROM attempts WHERE rowid = (SELECT rowid FROM attempts
		WHERE pool_id = ? AND subject = ? AND kind = ? AND at = ? LIMIT 1)`, poolID, subject, kind, ms(at))
	return translate(fmt.Sprintf("return attempt %q of %q in pool %q", kind, subject, poolID), err)
}
