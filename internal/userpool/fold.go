package userpool

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/userpool/userpool/internal/store"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// foldCase lower-cases a name of a case-insensitive pool as Cognito does.
// Cognito is Java: String.toLowerCase(Locale.ROOT), the full Unicode
// lower-case mapping, and not Go's strings.ToLower, which maps each rune
// alone. They differ in two places, both of which let one user's name
// reach or block another's under strings.ToLower (issue 13):
//   - 'İ' (U+0130) lower-cases to "i̇" (i + U+0307 COMBINING DOT ABOVE),
//     so "alİce" is not "alice";
//   - a capital sigma ending a word lower-cases to 'ς', so "ΟΔΟΣ" is
//     "οδος", not "οδοσ".
//
// Everything else, the Kelvin sign (U+212A) to 'k' included, is the simple
// per-rune mapping both share. x/text/cases' root Lower is that mapping.
// One known divergence: Java decides "ending a word" by word boundaries
// (BreakIterator), x/text by Unicode's Final_Sigma context (case-ignorable
// characters), so a capital sigma next to a digit or '_' inside a word
// ("Α1Σ") may fold differently. Such names are left as they are.
//
// A Caser holds state and may not be shared between goroutines; one is made
// per call (about 0.6 µs), and only for names that are not plain ASCII, on
// which both mappings are strings.ToLower.
func foldCase(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return cases.Lower(language.Und).String(v)
		}
	}
	return strings.ToLower(v)
}

// norm folds a lookup value in case-insensitive pools (spec §2.3): username,
// email and preferred_username ignore case there; phone numbers never do.
func (d *poolDoc) norm(kind, v string) string {
	if d.folds(kind) {
		return foldCase(v)
	}
	return v
}

func (d *poolDoc) folds(kind string) bool {
	return kind != "phone_number" && kind != "sub" && !d.caseSensitive()
}

// legacyNorm is norm as it was until issue 13 (strings.ToLower): the keys
// of users saved before then were folded with it. It differs from norm only
// on names with 'İ' or a word-final 'Σ'.
func (d *poolDoc) legacyNorm(kind, v string) string {
	if d.folds(kind) {
		return strings.ToLower(v)
	}
	return v
}

// derives reports whether u's own value of kind folds to key today. A user
// saved before issue 13 may hold a key folded the old way ("alice" for
// "alİce"); that key is not its own any more and must not answer for the
// name that now folds to it.
func (d *poolDoc) derives(u *store.User, kind, key string) bool {
	switch kind {
	case "username":
		return d.norm(kind, u.Username) == key
	case "email", "preferred_username":
		return d.norm(kind, attrValue(u.Attributes, kind)) == key
	}
	return true // sub and phone_number are never folded
}

// userByKey finds the user holding the lookup key of kind for value, or
// returns store.ErrNotFound. Keys written before issue 13 may be stale
// (see legacyNorm): a stale key found under today's fold belongs to another
// name and is skipped; a user whose key is stale is found under the old
// fold, which costs a second query only for names the two folds tell apart
// and only after the first misses. Every save re-derives a user's keys
// (saveUser), so stale keys go away as users are updated.
func (s *Service) userByKey(ctx context.Context, st store.Store, pool *poolView, kind, value string) (*store.User, error) {
	key := pool.doc.norm(kind, value)
	u, err := s.derivedUser(ctx, st, pool, kind, key, key)
	if old := pool.doc.legacyNorm(kind, value); old != key && errors.Is(err, store.ErrNotFound) {
		u, err = s.derivedUser(ctx, st, pool, kind, old, key)
	}
	return u, err
}

// derivedUser returns the holder of the stored key (kind, stored) if its
// own value folds to key today.
func (s *Service) derivedUser(ctx context.Context, st store.Store, pool *poolView, kind, stored, key string) (*store.User, error) {
	u, err := st.GetUserByKey(ctx, pool.ID, kind, stored)
	if err != nil {
		return nil, err
	}
	if !pool.doc.derives(u, kind, key) {
		return nil, store.ErrNotFound
	}
	return u, nil
}

// rekeyStale frees a key that blocked a save when its holder no longer
// derives it (a key folded the old way, see legacyNorm): the holder's keys
// are derived afresh. It reports whether it did; when the holder's fresh
// keys are taken too, the conflict stands and the caller's transaction,
// which fails with it, undoes any partial write.
func (s *Service) rekeyStale(ctx context.Context, st store.Store, pool *poolView, kc *store.KeyConflictError) (bool, error) {
	holder, err := st.GetUserByKey(ctx, pool.ID, kc.Kind, kc.Value)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil || pool.doc.derives(holder, kc.Kind, kc.Value) {
		return false, err
	}
	holder.Keys = pool.doc.userKeys(holder)
	err = st.UpdateUser(ctx, holder)
	if errors.Is(err, store.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
