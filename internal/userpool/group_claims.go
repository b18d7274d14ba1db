package userpool

import (
	"cmp"
	"context"
	"slices"

	"github.com/golang-jwt/jwt/v5"
	"github.com/userpool/userpool/internal/store"
)

// The group claims of tokens (issue 16), as the Cognito developer guide
// describes them (DOC, "Understanding the identity token" and the
// Precedence member of CreateGroup):
//   - cognito:groups, in ID and access tokens: the names of the user's
//     groups, absent for a user in none;
//   - cognito:roles, ID token only: the role ARNs of the user's groups,
//     "regardless of precedence";
//   - cognito:preferred_role, ID token only: the role of the user's
//     highest-precedence group (lowest Precedence; null ranks last) among
//     those with a role. Groups of equal precedence with different roles
//     cancel each other out: then the claim is not set; with one role, it
//     is that role.
//
// UNVERIFIED: the order of cognito:groups. We give it by precedence, null
// last, ties by name, which is what applications that read the first
// entry as the "main" group expect; each role appears once in
// cognito:roles, in the same order.

// tokenGroups is what the group claims are made of.
type tokenGroups struct {
	names     []string
	roles     []string
	preferred string
}

// groupsPerRead is the page size of reading a user's groups for a token.
const groupsPerRead = 100

// userTokenGroups reads every group of the user and ranks them.
func (s *Service) userTokenGroups(ctx context.Context, poolID, username string) (tokenGroups, error) {
	var all []*store.Group
	after := ""
	for {
		gs, err := s.store.ListUserGroups(ctx, poolID, username, after, groupsPerRead)
		if err != nil {
			return tokenGroups{}, err
		}
		all = append(all, gs...)
		if len(gs) < groupsPerRead {
			return rankGroups(all), nil
		}
		after = gs[len(gs)-1].Name
	}
}

// byPrecedence orders groups by precedence, a null precedence last.
func byPrecedence(a, b *store.Group) int {
	switch {
	case a.Precedence == nil && b.Precedence == nil:
		return 0
	case a.Precedence == nil:
		return 1
	case b.Precedence == nil:
		return -1
	}
	return cmp.Compare(*a.Precedence, *b.Precedence)
}

// rankGroups makes the claims of gs, which come in name order (the
// stable sort keeps it among equal precedences).
func rankGroups(gs []*store.Group) tokenGroups {
	slices.SortStableFunc(gs, byPrecedence)
	var tg tokenGroups
	var top *store.Group // the first group with a role
	ambiguous := false
	for _, g := range gs {
		tg.names = append(tg.names, g.Name)
		if g.RoleArn == "" {
			continue
		}
		if !slices.Contains(tg.roles, g.RoleArn) {
			tg.roles = append(tg.roles, g.RoleArn)
		}
		switch {
		case top == nil:
			top = g
		case byPrecedence(g, top) == 0 && g.RoleArn != top.RoleArn:
			ambiguous = true
		}
	}
	if top != nil && !ambiguous {
		tg.preferred = top.RoleArn
	}
	return tg
}

// addTo puts the claims into an access token (groups only) and an ID
// token; a user in no group gets none of them.
func (tg tokenGroups) addTo(access, id jwt.MapClaims) {
	if len(tg.names) == 0 {
		return
	}
	access["cognito:groups"] = tg.names
	id["cognito:groups"] = tg.names
	if len(tg.roles) > 0 {
		id["cognito:roles"] = tg.roles
	}
	if tg.preferred != "" {
		id["cognito:preferred_role"] = tg.preferred
	}
}
