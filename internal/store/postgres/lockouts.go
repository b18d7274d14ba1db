// Attempt ledger beyond TakeAttempt: giving an attempt back.

package postgres

import (
	"context"
	"fmt"
	"time"
)

// ReturnAttempt deletes one attempt row of the key stamped at. Any row
// with that stamp will do: rows of one key carry nothing but their time.
// It needs no advisory lock: TakeAttempt already copes with rows deleted
// under it (see there).
func (s *Store) ReturnAttempt(ctx context.Context, poolID, subject, kind string, at time.Time) error {
	_, err := s.q().Exec(ctx, `DELETE FROM attempts WHERE ctid = (SELECT ctid FROM attempts
		WHERE pool_id = $1 AND subject = $2 AND kind = $3 AND at = $4 LIMIT 1)`, poolID, []byte(subject), kind, ms(at))
	return translate(err, fmt.Sprintf("return attempt %q of %q in pool %q", kind, subject, poolID))
}
