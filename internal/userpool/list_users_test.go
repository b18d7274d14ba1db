package userpool

import (
	"context"
	"fmt"
	"testing"

	"github.com/userpool/userpool/internal/store"
)

// countingStore counts the users store.ListUsers hands back, and the
// largest page it was asked for.
type countingStore struct {
	store.Store
	rows, calls, maxLimit int
}

func (c *countingStore) ListUsers(ctx context.Context, poolID, after string, limit int) ([]*store.User, error) {
	users, err := c.Store.ListUsers(ctx, poolID, after, limit)
	c.rows += len(users)
	c.calls++
	c.maxLimit = max(c.maxLimit, limit)
	return users, err
}

// ListUsers with Limit=10 must read the page it returns (and one more
// user, to know whether there is a next page), not a 500-user batch: a
// pool of thousands of users otherwise costs every caller 50 times the
// rows it asked for.
func TestListUsersReadsOnlyThePage(t *testing.T) {
	cs := &countingStore{Store: openTestStore(t)}
	s, _ := newTestService(t, cs, Config{})
	ctx := t.Context()
	poolID := newTestPool(t, s)
	for i := range 40 {
		if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID,
			Username: fmt.Sprintf("user%02d", i), MessageAction: "SUPPRESS"}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(filter, token string) *ListUsersOutput {
		t.Helper()
		*cs = countingStore{Store: cs.Store}
		out, err := s.ListUsers(ctx, &ListUsersInput{UserPoolId: poolID, Limit: 10, Filter: filter, PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := list("", "")
	if len(out.Users) != 10 || out.PaginationToken == "" || cs.rows != 11 {
		t.Errorf("Limit=10 returned %d users (token %q) after reading %d rows, want 10, a token, 11 rows",
			len(out.Users), out.PaginationToken, cs.rows)
	}
	// The same with a filter that every user matches.
	out = list(`username ^= "user"`, out.PaginationToken)
	if len(out.Users) != 10 || out.Users[0].Username != "user10" || cs.rows != 11 {
		t.Errorf("filtered Limit=10 returned %d users from %q after reading %d rows, want 10 from user10, 11 rows",
			len(out.Users), out.Users[0].Username, cs.rows)
	}
	// A filter that matches only the last user scans the whole pool, in
	// bounded batches, and still reads each user once.
	out = list(`username = "user39"`, "")
	if len(out.Users) != 1 || out.PaginationToken != "" || cs.rows != 40 || cs.maxLimit > maxUserScanBatch {
		t.Errorf("rare filter returned %d users (token %q) after reading %d rows in batches of up to %d, want 1, no token, 40, <= %d",
			len(out.Users), out.PaginationToken, cs.rows, cs.maxLimit, maxUserScanBatch)
	}
}
