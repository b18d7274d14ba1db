package userpool

import (
	"strconv"
	"unicode/utf16"
)

// checkValue holds one attribute value to the attribute's constraints, as
// Cognito does on every write (SignUp, AdminCreateUser, the two
// UpdateUserAttributes and the NEW_PASSWORD_REQUIRED challenge): String
// lengths between MinLength and MaxLength, counted in UTF-16 code units as
// Java counts them; Number values whole numbers between MinValue and
// MaxValue. An empty value clears the attribute and is not measured
// (UNVERIFIED: whether Cognito applies MinLength to it).
func (a *SchemaAttributeType) checkValue(value string) error {
	if value == "" {
		return nil
	}
	switch a.AttributeDataType {
	case "String":
		if c := a.StringAttributeConstraints; c != nil {
			return checkLength(a.Name, len(utf16.Encode([]rune(value))), c)
		}
	case "Number":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return errSchema(a.Name, schemaNotNumber)
		}
		if c := a.NumberAttributeConstraints; c != nil {
			return checkRange(a.Name, n, c)
		}
	}
	return nil
}

func checkLength(name string, n int, c *StringAttributeConstraintsType) error {
	if maxLen, err := strconv.Atoi(c.MaxLength); err == nil && n > maxLen {
		return errSchema(name, schemaTooLong(c.MaxLength))
	}
	if minLen, err := strconv.Atoi(c.MinLength); err == nil && n < minLen {
		return errSchema(name, schemaTooShort(c.MinLength))
	}
	return nil
}

func checkRange(name string, n int64, c *NumberAttributeConstraintsType) error {
	if maxValue, err := strconv.ParseInt(c.MaxValue, 10, 64); err == nil && n > maxValue {
		return errSchema(name, schemaTooLarge(c.MaxValue))
	}
	if minValue, err := strconv.ParseInt(c.MinValue, 10, 64); err == nil && n < minValue {
		return errSchema(name, schemaTooSmall(c.MinValue))
	}
	return nil
}
