package userpool

import (
	"slices"
	"strconv"
	"strings"
)

// Custom attributes: how CreateUserPool's Schema and AddCustomAttributes
// declare them, and the rules both share. A pool's schema only grows:
// UpdateUserPool has no Schema member, and nothing removes or changes an
// attribute once declared (the Terraform provider refuses such a change
// itself with "cannot modify or remove schema items", and calls
// AddCustomAttributes for entries that are only added).

// maxCustomAttributes is Cognito's quota of custom attributes per pool
// (DOC: Amazon Cognito quotas, "Custom attributes per user pool": 50).
const maxCustomAttributes = 50

// maxStringLength bounds MinLength and MaxLength: a user attribute value
// is at most 2048 characters (the API model's AttributeValueType).
const maxStringLength = 2048

// customName is the name Cognito gives a declared custom attribute:
// "custom:<name>", "dev:custom:<name>" when developer-only (API reference,
// SchemaAttributeType). A "custom:" the caller typed is not stripped (OBS:
// Terraform and Crossplane users who ended up with custom:custom:<name>).
func customName(g SchemaAttributeType) string {
	if g.DeveloperOnlyAttribute != nil && *g.DeveloperOnlyAttribute {
		return "dev:custom:" + g.Name
	}
	return "custom:" + g.Name
}

// declareCustom validates one custom attribute declaration and returns it
// as stored and described: every flag set, Required false, and only the
// constraints of its own type.
func declareCustom(g SchemaAttributeType) (SchemaAttributeType, error) {
	if g.Required != nil && *g.Required {
		return SchemaAttributeType{}, errCustomRequired
	}
	c := SchemaAttributeType{Name: customName(g), AttributeDataType: g.AttributeDataType,
		DeveloperOnlyAttribute: boolp(g.DeveloperOnlyAttribute != nil && *g.DeveloperOnlyAttribute),
		Mutable:                boolp(g.Mutable == nil || *g.Mutable), Required: boolp(false)}
	if c.AttributeDataType == "" {
		c.AttributeDataType = "String" // UNVERIFIED: Cognito may refuse a custom attribute without a type
	}
	switch c.AttributeDataType {
	case "String":
		// Declared without constraints, a String reports an empty
		// constraints object, the shape Cognito gives its "identities"
		// attribute (UNVERIFIED for custom attributes; the Terraform
		// provider reads an empty object as no drift).
		c.StringAttributeConstraints = &StringAttributeConstraintsType{}
		if s := g.StringAttributeConstraints; s != nil {
			if err := checkStringConstraints(c.Name, s); err != nil {
				return SchemaAttributeType{}, err
			}
			c.StringAttributeConstraints = s
		}
	case "Number":
		if n := g.NumberAttributeConstraints; n != nil {
			if err := checkNumberConstraints(c.Name, n); err != nil {
				return SchemaAttributeType{}, err
			}
			c.NumberAttributeConstraints = n
		}
	}
	return c, nil
}

// addCustom declares given as custom attributes of schema, in order. A
// name already in the schema (or twice in given) is refused, and so is a
// schema with more than maxCustomAttributes custom attributes; nothing is
// added when anything is refused.
func addCustom(schema, given []SchemaAttributeType) ([]SchemaAttributeType, error) {
	out := slices.Clone(schema)
	for _, g := range given {
		c, err := declareCustom(g)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(a SchemaAttributeType) bool { return a.Name == c.Name }) {
			return nil, errAttributeExists("custom:"+g.Name, c.Name)
		}
		out = append(out, c)
	}
	n := 0
	for _, a := range out {
		if isCustom(a.Name) {
			n++
		}
	}
	if n > maxCustomAttributes {
		return nil, errTooManyCustom
	}
	return out, nil
}

func isCustom(name string) bool {
	return strings.HasPrefix(name, "custom:") || strings.HasPrefix(name, "dev:custom:")
}

// checkStringConstraints: lengths are whole numbers from 0 to 2048, the
// minimum not above the maximum.
func checkStringConstraints(name string, c *StringAttributeConstraintsType) error {
	minLen, minOK := constraintInt(c.MinLength)
	maxLen, maxOK := constraintInt(c.MaxLength)
	switch {
	case !minOK || !maxOK || minLen < 0 || maxLen < 0:
		return errBadConstraints(name, "StringAttributeConstraints")
	case minLen > maxStringLength || maxLen > maxStringLength:
		return errDeclaration(name, declTooLong)
	case c.MinLength != "" && c.MaxLength != "" && minLen > maxLen:
		return errDeclaration(name, declMaxBelowMinLength)
	}
	return nil
}

// checkNumberConstraints: bounds are whole numbers, the minimum not above
// the maximum.
func checkNumberConstraints(name string, c *NumberAttributeConstraintsType) error {
	minValue, minOK := constraintInt(c.MinValue)
	maxValue, maxOK := constraintInt(c.MaxValue)
	switch {
	case !minOK || !maxOK:
		return errBadConstraints(name, "NumberAttributeConstraints")
	case c.MinValue != "" && c.MaxValue != "" && minValue > maxValue:
		return errDeclaration(name, declMaxBelowMinValue)
	}
	return nil
}

// constraintInt parses a constraint; an absent one ("") is valid and 0.
func constraintInt(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
