package userpool

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// ListUsersInput is the ListUsers request.
type ListUsersInput struct {
	UserPoolId      string   `json:"UserPoolId"`
	AttributesToGet []string `json:"AttributesToGet"`
	Limit           int32    `json:"Limit"`
	PaginationToken string   `json:"PaginationToken"`
	Filter          string   `json:"Filter"`
}

// ListUsersOutput is the ListUsers response.
type ListUsersOutput struct {
	Users           []*UserType `json:"Users"`
	PaginationToken string      `json:"PaginationToken,omitempty"`
}

// userFilter is a parsed ListUsers Filter: `attr = "value"` (exact) or
// `attr ^= "value"` (prefix), on the attributes Cognito allows.
type userFilter struct {
	attr, value string
	prefix      bool
}

var filterSyntax = regexp.MustCompile(`^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// filterable are the attributes Cognito's ListUsers filter accepts.
var filterable = []string{"username", "email", "phone_number", "name", "given_name", "family_name",
	"preferred_username", "cognito:user_status", "status", "sub"}

func parseFilter(f string) (*userFilter, error) {
	if strings.TrimSpace(f) == "" {
		return nil, nil
	}
	m := filterSyntax.FindStringSubmatch(f)
	if m == nil || !slices.Contains(filterable, m[1]) {
		return nil, errFilterParse
	}
	return &userFilter{attr: m[1], value: strings.ReplaceAll(m[3], `\"`, `"`), prefix: m[2] == "^="}, nil
}

func (f *userFilter) match(u *store.User) bool {
	if f == nil {
		return true
	}
	var v string
	want := f.value
	switch f.attr {
	case "username":
		v = u.Username
	case "cognito:user_status":
		// The only case-insensitive filter attribute (ListUsers API reference).
		v, want = strings.ToUpper(u.Status), strings.ToUpper(f.value)
	case "status":
		v = map[bool]string{true: "Enabled", false: "Disabled"}[u.Enabled]
	default:
		v = attrValue(u.Attributes, f.attr)
	}
	if f.prefix {
		return strings.HasPrefix(v, want)
	}
	return v == want
}

// ListUsers pages through users in username order, optionally filtered.
// Filtering scans the pool in batches; a filter needs no index to be
// correct, and pagination stays stable because the cursor is the last
// username returned.
func (s *Service) ListUsers(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
	if _, err := s.loadPool(ctx, s.store, in.UserPoolId); err != nil {
		return nil, err
	}
	filter, err := parseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	after, err := decodePageToken(in.PaginationToken)
	if err != nil {
		return nil, err
	}
	limit := int(in.Limit)
	if limit == 0 {
		limit = 60
	}
	matched, err := s.scanUsers(ctx, in.UserPoolId, after, limit+1, filter)
	if err != nil {
		return nil, err
	}
	matched, next := page(matched, limit, func(u *store.User) string { return u.Username })
	out := &ListUsersOutput{Users: []*UserType{}, PaginationToken: next}
	for _, u := range matched {
		ut := userType(u)
		if in.AttributesToGet != nil {
			ut.Attributes = selectAttributes(ut.Attributes, in.AttributesToGet)
		}
		out.Users = append(out.Users, ut)
	}
	return out, nil
}

// scanUsers returns the first want users after the cursor that f matches.
// Without a filter that is one read of exactly want users. With one, the
// reads start at want users and double up to maxUserScanBatch, so a filter
// most users match reads about the page, and one few users match walks
// the pool in bounded batches instead of loading it whole.
func (s *Service) scanUsers(ctx context.Context, poolID, after string, want int, f *userFilter) ([]*store.User, error) {
	var out []*store.User
	for batchSize := want; len(out) < want; batchSize = min(2*batchSize, maxUserScanBatch) {
		batch, err := s.store.ListUsers(ctx, poolID, after, batchSize)
		if err != nil {
			return nil, err
		}
		for _, u := range batch {
			if f.match(u) && len(out) < want {
				out = append(out, u)
			}
		}
		if len(batch) < batchSize {
			break
		}
		after = batch[len(batch)-1].Username
	}
	return out, nil
}

func selectAttributes(attrs []AttributeType, names []string) []AttributeType {
	out := []AttributeType{}
	for _, a := range attrs {
		if slices.Contains(names, a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// maxUserScanBatch bounds the users one store read returns while a filter
// is scanning the pool.
const maxUserScanBatch = 500
