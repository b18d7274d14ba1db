package userpool

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/userpool/userpool/internal/store"
)

func boolp(b bool) *bool { return &b }

// standardAttribute builds one entry of Cognito's standard schema as
// DescribeUserPool reports it.
func standardAttribute(name, typ string, mutable, required bool, minLen, maxLen string) SchemaAttributeType {
	a := SchemaAttributeType{Name: name, AttributeDataType: typ, DeveloperOnlyAttribute: boolp(false),
		Mutable: boolp(mutable), Required: boolp(required)}
	if typ == "String" {
		a.StringAttributeConstraints = &struct {
			MinLength string `json:"MinLength,omitempty"`
			MaxLength string `json:"MaxLength,omitempty"`
		}{minLen, maxLen}
	}
	if typ == "Number" {
		a.NumberAttributeConstraints = []byte(`{"MinValue":"0"}`)
	}
	return a
}

// standardSchema is the schema every pool starts with (OIDC standard claims).
func standardSchema() []SchemaAttributeType {
	s := []SchemaAttributeType{standardAttribute("sub", "String", false, true, "1", "2048")}
	for _, n := range []string{"name", "given_name", "family_name", "middle_name", "nickname",
		"preferred_username", "profile", "picture", "website", "email"} {
		s = append(s, standardAttribute(n, "String", true, false, "0", "2048"))
	}
	s = append(s, standardAttribute("email_verified", "Boolean", true, false, "", ""),
		standardAttribute("gender", "String", true, false, "0", "2048"),
		standardAttribute("birthdate", "String", true, false, "10", "10"),
		standardAttribute("zoneinfo", "String", true, false, "0", "2048"),
		standardAttribute("locale", "String", true, false, "0", "2048"),
		standardAttribute("phone_number", "String", true, false, "0", "2048"),
		standardAttribute("phone_number_verified", "Boolean", true, false, "", ""),
		standardAttribute("address", "String", true, false, "0", "2048"),
		standardAttribute("updated_at", "Number", true, false, "", ""))
	return s
}

// buildSchema merges the CreateUserPool Schema member into the standard
// schema: entries naming a standard attribute change it, others become
// custom attributes named "custom:<name>".
func buildSchema(given []SchemaAttributeType) []SchemaAttributeType {
	schema := standardSchema()
	index := map[string]int{}
	for i, a := range schema {
		index[a.Name] = i
	}
	for _, g := range given {
		if i, ok := index[g.Name]; ok {
			if g.Required != nil {
				schema[i].Required = g.Required
			}
			if g.Mutable != nil {
				schema[i].Mutable = g.Mutable
			}
			// Constraints given for a standard attribute are kept as set: a
			// pool made with email 5..254 describes email as 5..254 (the
			// Terraform provider compares them and would see drift).
			if g.StringAttributeConstraints != nil && schema[i].AttributeDataType == "String" {
				schema[i].StringAttributeConstraints = g.StringAttributeConstraints
			}
			if len(g.NumberAttributeConstraints) > 0 && schema[i].AttributeDataType == "Number" {
				schema[i].NumberAttributeConstraints = g.NumberAttributeConstraints
			}
			continue
		}
		c := g
		c.Name = "custom:" + strings.TrimPrefix(g.Name, "custom:")
		if c.AttributeDataType == "" {
			c.AttributeDataType = "String"
		}
		c.DeveloperOnlyAttribute = boolp(c.DeveloperOnlyAttribute != nil && *c.DeveloperOnlyAttribute)
		c.Mutable = boolp(c.Mutable == nil || *c.Mutable)
		c.Required = boolp(false) // custom attributes cannot be required
		schema = append(schema, c)
	}
	return schema
}

func (d *poolDoc) schemaAttr(name string) *SchemaAttributeType {
	for i := range d.SchemaAttributes {
		if d.SchemaAttributes[i].Name == name {
			return &d.SchemaAttributes[i]
		}
	}
	return nil
}

// attrWrite says in which situation attributes are being written.
type attrWrite int

const (
	attrCreate attrWrite = iota // SignUp, AdminCreateUser
	attrUpdate                  // (Admin)UpdateUserAttributes
)

// checkAttributes validates names and values against the pool's schema.
func (d *poolDoc) checkAttributes(attrs []AttributeType, mode attrWrite) error {
	for _, a := range attrs {
		sa := d.schemaAttr(a.Name)
		if sa == nil {
			return errSchema(a.Name, schemaUnknownAttr)
		}
		if a.Name == "sub" {
			return errSubImmutable
		}
		if mode == attrUpdate && sa.Mutable != nil && !*sa.Mutable {
			return errSchema(a.Name, schemaImmutable)
		}
		if c := sa.StringAttributeConstraints; c != nil && c.MaxLength != "" {
			if max, err := strconv.Atoi(c.MaxLength); err == nil && len(utf16.Encode([]rune(a.Value))) > max {
				return errSchema(a.Name, strings.Replace(schemaTooLong, "%d", c.MaxLength, 1))
			}
		}
	}
	return nil
}

// checkRequired reports the first required schema attribute missing from attrs.
func (d *poolDoc) checkRequired(attrs []store.Attribute) error {
	for _, sa := range d.SchemaAttributes {
		if sa.Required == nil || !*sa.Required || sa.Name == "sub" {
			continue
		}
		if attrValue(attrs, sa.Name) == "" {
			return errSchema(sa.Name, schemaRequired)
		}
	}
	return nil
}
