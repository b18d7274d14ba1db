package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Schema as Cognito keeps it (issue 16): custom attributes under their
// prefixed names, constraints stored and returned exactly as set, and
// AddCustomAttributes as the only way to change a pool's schema.

func strAttr(name string, mutable bool, minLen, maxLen string) types.SchemaAttributeType {
	return types.SchemaAttributeType{Name: aws.String(name), AttributeDataType: types.AttributeDataTypeString,
		Mutable: aws.Bool(mutable), StringAttributeConstraints: &types.StringAttributeConstraintsType{
			MinLength: aws.String(minLen), MaxLength: aws.String(maxLen)}}
}

func numAttr(name string, minValue, maxValue string) types.SchemaAttributeType {
	return types.SchemaAttributeType{Name: aws.String(name), AttributeDataType: types.AttributeDataTypeNumber,
		Mutable: aws.Bool(true), NumberAttributeConstraints: &types.NumberAttributeConstraintsType{
			MinValue: aws.String(minValue), MaxValue: aws.String(maxValue)}}
}

// describeAttr renders one schema attribute the way the Terraform provider
// compares it: every member, nil constraints told apart from empty ones.
func describeAttr(a *types.SchemaAttributeType) string {
	if a == nil {
		return "<missing>"
	}
	s := fmt.Sprintf("%s dev=%v mutable=%v required=%v", a.AttributeDataType, aws.ToBool(a.DeveloperOnlyAttribute),
		aws.ToBool(a.Mutable), aws.ToBool(a.Required))
	if c := a.StringAttributeConstraints; c != nil {
		s += fmt.Sprintf(" string{%s,%s}", aws.ToString(c.MinLength), aws.ToString(c.MaxLength))
	}
	if c := a.NumberAttributeConstraints; c != nil {
		s += fmt.Sprintf(" number{%s,%s}", aws.ToString(c.MinValue), aws.ToString(c.MaxValue))
	}
	return s
}

func TestSchemaAttributesReturnedAsSet(t *testing.T) {
	t.Parallel()
	onBothBackends(t, testSchemaAttributesReturnedAsSet)
}

func testSchemaAttributesReturnedAsSet(t *testing.T, opts ...func(*envConfig)) {
	e := newEnv(t, opts...)
	email := strAttr("email", true, "5", "254")
	email.Required = aws.Bool(true)
	flag := types.SchemaAttributeType{Name: aws.String("flag"), AttributeDataType: types.AttributeDataTypeBoolean,
		DeveloperOnlyAttribute: aws.Bool(true), Mutable: aws.Bool(false)}
	note := types.SchemaAttributeType{Name: aws.String("note"), AttributeDataType: types.AttributeDataTypeString}
	created := e.pool(func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{email, strAttr("code", false, "1", "10"), numAttr("score", "2", "6"),
			flag, note, strAttr("custom:twice", true, "0", "5")}
	})
	want := map[string]string{
		"email":        "String dev=false mutable=true required=true string{5,254}",
		"custom:code":  "String dev=false mutable=false required=false string{1,10}",
		"custom:score": "Number dev=false mutable=true required=false number{2,6}",
		// A developer-only attribute is dev:custom:<name> (API reference,
		// DeveloperOnlyAttribute); Boolean attributes have no constraints.
		"dev:custom:flag": "Boolean dev=true mutable=false required=false",
		// A String declared without constraints reports an empty
		// constraints object (the shape Cognito gives "identities").
		"custom:note": "String dev=false mutable=true required=false string{,}",
		// Cognito does not strip a "custom:" the caller typed (OBS: the
		// Terraform and Crossplane reports of custom:custom:<name>).
		"custom:custom:twice": "String dev=false mutable=true required=false string{0,5}",
		"updated_at":          "Number dev=false mutable=true required=false number{0,}",
		"custom:twice":        "<missing>",
		"flag":                "<missing>",
	}
	for _, c := range []struct {
		name string
		up   *types.UserPoolType
	}{{"CreateUserPool", created}, {"DescribeUserPool", e.describePool(aws.ToString(created.Id))}} {
		for name, w := range want {
			if got := describeAttr(schemaAttr(c.up, name)); got != w {
				t.Errorf("%s: %s is %q, want %q", c.name, name, got, w)
			}
		}
	}
}

func TestCreateUserPoolSchemaRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	required := strAttr("tier", true, "0", "10")
	required.Required = aws.Bool(true)
	many := []types.SchemaAttributeType{}
	for i := range 51 {
		many = append(many, strAttr(fmt.Sprintf("a%d", i), true, "0", "10"))
	}
	emailAsNumber := numAttr("email", "0", "9")
	devEmail := strAttr("email", true, "0", "10")
	devEmail.DeveloperOnlyAttribute = aws.Bool(true)
	for _, c := range []struct {
		name   string
		schema []types.SchemaAttributeType
		msg    string // "" when Cognito's wording is not established
	}{
		// OBS: CloudFormation and Amplify users quote this text.
		{"required custom attribute", []types.SchemaAttributeType{required}, "Required custom attributes are not supported currently."},
		{"51 custom attributes", many, ""},
		{"declared twice", []types.SchemaAttributeType{strAttr("x", true, "0", "1"), strAttr("x", true, "0", "2")}, ""},
		{"MaxLength over 2048", []types.SchemaAttributeType{strAttr("long", true, "0", "2049")}, ""},
		{"MinLength over MaxLength", []types.SchemaAttributeType{strAttr("odd", true, "9", "3")}, ""},
		{"MinLength not a number", []types.SchemaAttributeType{strAttr("nan", true, "x", "3")}, ""},
		{"MinValue over MaxValue", []types.SchemaAttributeType{numAttr("n", "9", "3")}, ""},
		{"standard attribute retyped", []types.SchemaAttributeType{emailAsNumber}, ""},
		{"standard attribute developer-only", []types.SchemaAttributeType{devEmail}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.SDK.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("p"), Schema: c.schema})
			if c.msg != "" {
				wantAPIError(t, err, "InvalidParameterException", c.msg)
				return
			}
			wantAPICode(t, err, "InvalidParameterException")
		})
	}
}

func TestAddCustomAttributes(t *testing.T) {
	t.Parallel()
	onBothBackends(t, testAddCustomAttributes)
}

func testAddCustomAttributes(t *testing.T, opts ...func(*envConfig)) {
	e := newEnv(t, opts...)
	ctx := t.Context()
	id := aws.ToString(e.pool().Id)
	add := func(attrs ...types.SchemaAttributeType) error {
		_, err := e.SDK.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: aws.String(id), CustomAttributes: attrs})
		return err
	}
	ok(t, add(strAttr("dept", true, "1", "64"), numAttr("level", "0", "9")), "AddCustomAttributes")
	up := e.describePool(id)
	if got := describeAttr(schemaAttr(up, "custom:dept")); got != "String dev=false mutable=true required=false string{1,64}" {
		t.Errorf("custom:dept is %q", got)
	}
	if got := describeAttr(schemaAttr(up, "custom:level")); got != "Number dev=false mutable=true required=false number{0,9}" {
		t.Errorf("custom:level is %q", got)
	}
	if schemaAttr(up, "sub") == nil || schemaAttr(up, "email") == nil {
		t.Error("AddCustomAttributes dropped the standard attributes")
	}

	// An existing name, and a name twice in one request: the text ends as
	// a user's script matches it on Cognito's answers (OBS), the start is moto's.
	err := add(strAttr("dept", false, "0", "5"))
	wantAPICode(t, err, "InvalidParameterException")
	if !strings.HasSuffix(err.Error(), "Existing attribute already has name custom:dept.") {
		t.Errorf("duplicate: %v", err)
	}
	wantAPICode(t, add(strAttr("pair", true, "0", "5"), strAttr("pair", true, "0", "6")), "InvalidParameterException")
	if schemaAttr(e.describePool(id), "custom:pair") != nil {
		t.Error("a refused request added an attribute")
	}
	required := strAttr("req", true, "0", "5")
	required.Required = aws.Bool(true)
	wantAPIError(t, add(required), "InvalidParameterException", "Required custom attributes are not supported currently.")

	// At most 50 custom attributes per pool (quota, DOC): 2 + 48 fit, one more does not.
	for batch := range 2 {
		attrs := []types.SchemaAttributeType{}
		for i := range 24 {
			attrs = append(attrs, strAttr(fmt.Sprintf("b%d_%d", batch, i), true, "0", "9"))
		}
		ok(t, add(attrs...), "AddCustomAttributes batch")
	}
	wantAPICode(t, add(strAttr("fiftyone", true, "0", "5")), "InvalidParameterException")

	_, err = e.SDK.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: aws.String("us-east-1_nothere00"),
		CustomAttributes: []types.SchemaAttributeType{strAttr("x", true, "0", "5")}})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")

	// UpdateUserPool cannot change the schema and keeps what was added.
	_, err = e.SDK.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(id)})
	ok(t, err, "UpdateUserPool")
	if schemaAttr(e.describePool(id), "custom:dept") == nil {
		t.Error("UpdateUserPool lost an added attribute")
	}
}

// TestAttributeConstraintsOnWrites: MinLength/MaxLength and
// MinValue/MaxValue hold on every write. The texts after the OBS prefix
// are UNVERIFIED, so only the prefix is pinned.
func TestAttributeConstraintsOnWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	id := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{strAttr("code", true, "3", "5"), numAttr("score", "2", "6")}
	}).Id)
	clientID := aws.ToString(e.client(id).ClientId)
	e.confirmedUser(id, "alice", goodPassword, attr("custom:code", "abcd"), attr("custom:score", "4"))
	violation := func(t *testing.T, err error, name string) {
		t.Helper()
		wantAPICode(t, err, "InvalidParameterException")
		if prefix := "Attributes did not conform to the schema: " + name + ": "; !strings.Contains(err.Error(), prefix) {
			t.Errorf("error %v, want the prefix %q", err, prefix)
		}
	}
	for i, c := range []struct {
		name, value string
		bad         bool
	}{
		{"custom:code", "ab", true}, {"custom:code", "abcdef", true}, {"custom:code", "abc", false}, {"custom:code", "abcde", false},
		{"custom:score", "1", true}, {"custom:score", "7", true}, {"custom:score", "x", true}, {"custom:score", "2", false}, {"custom:score", "6", false},
	} {
		t.Run(fmt.Sprintf("%s=%s", c.name, c.value), func(t *testing.T) {
			_, created := e.SDK.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(id),
				Username: aws.String(fmt.Sprintf("u%d", i)), UserAttributes: []types.AttributeType{attr(c.name, c.value)},
				MessageAction: types.MessageActionTypeSuppress})
			_, updated := e.SDK.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(id),
				Username: aws.String("alice"), UserAttributes: []types.AttributeType{attr(c.name, c.value)}})
			_, signedUp := e.SDK.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(fmt.Sprintf("s%d", i)),
				Password: aws.String(goodPassword), UserAttributes: []types.AttributeType{attr(c.name, c.value)}})
			for what, err := range map[string]error{"AdminCreateUser": created, "AdminUpdateUserAttributes": updated, "SignUp": signedUp} {
				if c.bad {
					violation(t, err, c.name)
				} else {
					ok(t, err, what)
				}
			}
		})
	}
}
