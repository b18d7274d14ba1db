package userpool

import (
	"github.com/userpool/userpool/internal/store"
)

func boolp(b bool) *bool { return &b }

// standardAttribute builds one entry of Cognito's standard schema as
// DescribeUserPool reports it.
func standardAttribute(name, typ string, mutable, required bool, minLen, maxLen string) SchemaAttributeType {
	a := SchemaAttributeType{Name: name, AttributeDataType: typ, DeveloperOnlyAttribute: boolp(false),
		Mutable: boolp(mutable), Required: boolp(required)}
	if typ == "String" {
		a.StringAttributeConstraints = &StringAttributeConstraintsType{MinLength: minLen, MaxLength: maxLen}
	}
	if typ == "Number" {
		a.NumberAttributeConstraints = &NumberAttributeConstraintsType{MinValue: "0"}
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
// schema: entries naming a standard attribute change it, the others are
// declared as custom attributes (schema_custom.go).
func buildSchema(given []SchemaAttributeType) ([]SchemaAttributeType, error) {
	schema := standardSchema()
	index := map[string]int{}
	for i, a := range schema {
		index[a.Name] = i
	}
	custom := []SchemaAttributeType{}
	for _, g := range given {
		i, ok := index[g.Name]
		if !ok {
			custom = append(custom, g)
			continue
		}
		if err := refineStandard(&schema[i], g); err != nil {
			return nil, err
		}
	}
	return addCustom(schema, custom)
}

// refineStandard applies a Schema entry to the standard attribute it
// names: Required, Mutable and the constraints of the attribute's own type
// may change, its type and developer-only flag may not.
func refineStandard(a *SchemaAttributeType, g SchemaAttributeType) error {
	if (g.AttributeDataType != "" && g.AttributeDataType != a.AttributeDataType) ||
		(g.DeveloperOnlyAttribute != nil && *g.DeveloperOnlyAttribute) {
		return errStandardRetyped(a.Name)
	}
	if g.Required != nil {
		a.Required = g.Required
	}
	if g.Mutable != nil {
		a.Mutable = g.Mutable
	}
	// Constraints given for a standard attribute are kept as set: a pool
	// made with email 5..254 describes email as 5..254 (the Terraform
	// provider compares them and would see drift).
	if c := g.StringAttributeConstraints; c != nil && a.AttributeDataType == "String" {
		if err := checkStringConstraints(a.Name, c); err != nil {
			return err
		}
		a.StringAttributeConstraints = c
	}
	if c := g.NumberAttributeConstraints; c != nil && a.AttributeDataType == "Number" {
		if err := checkNumberConstraints(a.Name, c); err != nil {
			return err
		}
		a.NumberAttributeConstraints = c
	}
	return nil
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
		if err := sa.checkValue(a.Value); err != nil {
			return err
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
