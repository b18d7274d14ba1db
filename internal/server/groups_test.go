package server_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Groups (issue 16): CreateGroup, GetGroup, UpdateGroup, DeleteGroup and
// ListGroups with Cognito's shapes, defaults and errors.

const roleArn = "arn:aws:iam::123456789012:role/"

func (e *env) createGroup(poolID, name string, tweak ...func(*cip.CreateGroupInput)) (*types.GroupType, error) {
	in := &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(name)}
	for _, f := range tweak {
		f(in)
	}
	out, err := e.SDK.CreateGroup(e.t.Context(), in)
	if err != nil {
		return nil, err
	}
	return out.Group, nil
}

func (e *env) group(poolID, name string, tweak ...func(*cip.CreateGroupInput)) *types.GroupType {
	e.t.Helper()
	g, err := e.createGroup(poolID, name, tweak...)
	ok(e.t, err, "CreateGroup "+name)
	return g
}

func (e *env) getGroup(poolID, name string) (*types.GroupType, error) {
	out, err := e.SDK.GetGroup(e.t.Context(), &cip.GetGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(name)})
	if err != nil {
		return nil, err
	}
	return out.Group, nil
}

func ranked(precedence int32, role string) func(*cip.CreateGroupInput) {
	return func(in *cip.CreateGroupInput) {
		in.Precedence = aws.Int32(precedence)
		if role != "" {
			in.RoleArn = aws.String(roleArn + role)
		}
	}
}

// groupShape renders every member of a GroupType but the dates, with
// absent members as <nil>.
func groupShape(g *types.GroupType) []any {
	return []any{aws.ToString(g.GroupName), aws.ToString(g.UserPoolId), g.Description, g.RoleArn, g.Precedence}
}

func sameGroup(t *testing.T, got, want *types.GroupType, what string) {
	t.Helper()
	g, w := groupShape(got), groupShape(want)
	for i := range g {
		if !equalPtr(g[i], w[i]) {
			t.Errorf("%s: member %d is %v, want %v", what, i, deref(g[i]), deref(w[i]))
		}
	}
	if !aws.ToTime(got.CreationDate).Equal(aws.ToTime(want.CreationDate)) ||
		!aws.ToTime(got.LastModifiedDate).Equal(aws.ToTime(want.LastModifiedDate)) {
		t.Errorf("%s: dates %v %v, want %v %v", what, got.CreationDate, got.LastModifiedDate, want.CreationDate, want.LastModifiedDate)
	}
}

func deref(v any) any {
	switch p := v.(type) {
	case *string:
		if p != nil {
			return *p
		}
	case *int32:
		if p != nil {
			return *p
		}
	default:
		return v
	}
	return nil
}

func equalPtr(a, b any) bool { return deref(a) == deref(b) }

func TestGroupCreateAndGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	before := time.Now().Add(-time.Second)
	full := e.group(poolID, "admins", ranked(3, "admins"), func(in *cip.CreateGroupInput) {
		in.Description = aws.String("The administrators")
	})
	want := &types.GroupType{GroupName: aws.String("admins"), UserPoolId: aws.String(poolID),
		Description: aws.String("The administrators"), RoleArn: aws.String(roleArn + "admins"), Precedence: aws.Int32(3),
		CreationDate: full.CreationDate, LastModifiedDate: full.CreationDate}
	sameGroup(t, full, want, "CreateGroup")
	if c := aws.ToTime(full.CreationDate); c.Before(before) || c.After(time.Now()) {
		t.Errorf("CreationDate %v is not the time of the call", c)
	}
	got, err := e.getGroup(poolID, "admins")
	ok(t, err, "GetGroup")
	sameGroup(t, got, want, "GetGroup")

	// Without the optional members Cognito returns none of them: the
	// precedence is null, not 0.
	bare := e.group(poolID, "bare")
	sameGroup(t, bare, &types.GroupType{GroupName: aws.String("bare"), UserPoolId: aws.String(poolID),
		CreationDate: bare.CreationDate, LastModifiedDate: bare.CreationDate}, "a bare group")
	zero := e.group(poolID, "zero", ranked(0, ""))
	if zero.Precedence == nil || *zero.Precedence != 0 {
		t.Errorf("precedence 0 came back as %v", deref(zero.Precedence))
	}

	_, err = e.createGroup(poolID, "admins")
	wantAPICode(t, err, "GroupExistsException")
	e.group(poolID, "Admins") // names are case-sensitive
	_, err = e.getGroup(poolID, "missing")
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = e.createGroup("us-east-1_missing", "admins")
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_missing does not exist.")
	_, err = e.getGroup("us-east-1_missing", "admins")
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_missing does not exist.")
}

func TestGroupUpdateKeepsWhatItOmits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	created := e.group(poolID, "admins", ranked(3, "admins"), func(in *cip.CreateGroupInput) {
		in.Description = aws.String("first")
	})
	e.Clock.Advance(time.Hour)
	update := func(in cip.UpdateGroupInput) *types.GroupType {
		t.Helper()
		in.UserPoolId, in.GroupName = aws.String(poolID), aws.String("admins")
		out, err := e.SDK.UpdateGroup(t.Context(), &in)
		ok(t, err, "UpdateGroup")
		got, err := e.getGroup(poolID, "admins")
		ok(t, err, "GetGroup")
		sameGroup(t, got, out.Group, "GetGroup after UpdateGroup")
		return out.Group
	}
	// The Terraform provider sends only the members that changed.
	g := update(cip.UpdateGroupInput{Description: aws.String("second")})
	sameGroup(t, g, &types.GroupType{GroupName: aws.String("admins"), UserPoolId: aws.String(poolID),
		Description: aws.String("second"), RoleArn: aws.String(roleArn + "admins"), Precedence: aws.Int32(3),
		CreationDate: created.CreationDate, LastModifiedDate: g.LastModifiedDate}, "description changed")
	if d := aws.ToTime(g.LastModifiedDate).Sub(aws.ToTime(created.CreationDate)); d < time.Hour {
		t.Errorf("LastModifiedDate moved by %v, want the service clock's hour", d)
	}
	g = update(cip.UpdateGroupInput{Precedence: aws.Int32(0), RoleArn: aws.String(roleArn + "other")})
	if deref(g.Precedence) != int32(0) || aws.ToString(g.RoleArn) != roleArn+"other" || aws.ToString(g.Description) != "second" {
		t.Errorf("after the second update: %v", groupShape(g))
	}
	_, err := e.SDK.UpdateGroup(t.Context(), &cip.UpdateGroupInput{UserPoolId: aws.String(poolID),
		GroupName: aws.String("missing"), Description: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
}

func TestGroupDeleteAndList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	poolID := aws.ToString(e.pool().Id)
	other := aws.ToString(e.pool().Id)
	names := []string{"e", "a", "D", "c", "b"}
	for _, n := range names {
		e.group(poolID, n)
	}
	e.group(other, "elsewhere")
	var listed []string
	pages := 0
	var next *string
	for {
		out, err := e.SDK.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(2), NextToken: next})
		ok(t, err, "ListGroups")
		pages++
		for _, g := range out.Groups {
			listed = append(listed, aws.ToString(g.GroupName))
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	if got := listed; len(got) != 5 || pages != 3 || got[0] != "D" || got[4] != "e" {
		t.Errorf("ListGroups pages gave %v in %d pages, want D a b c e in 3", got, pages)
	}
	out, err := e.SDK.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "ListGroups without a limit")
	if len(out.Groups) != 5 || out.NextToken != nil {
		t.Errorf("ListGroups without a limit: %d groups, next %v", len(out.Groups), out.NextToken)
	}
	_, err = e.SDK.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: aws.String(poolID), NextToken: aws.String("@@@")})
	wantAPICode(t, err, "InvalidParameterException")

	_, err = e.SDK.DeleteGroup(t.Context(), &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("c")})
	ok(t, err, "DeleteGroup")
	_, err = e.getGroup(poolID, "c")
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = e.SDK.DeleteGroup(t.Context(), &cip.DeleteGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String("c")})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = e.SDK.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: aws.String(poolID)})
	ok(t, err, "DeleteUserPool")
	_, err = e.SDK.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: aws.String(poolID)})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool "+poolID+" does not exist.")
}
