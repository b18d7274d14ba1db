package apimodel

import (
	"strconv"
	"strings"
)

// Every message text the validator can produce lives in this file, so that
// correcting one after a comparison with the live service is a one-line
// change.

// SerializationException messages (Coral's JSON deserializer).
//
// UNVERIFIED (spec §1.4): only "Expected map or null" and "Start of
// structure or map found where not expected." have been seen from Cognito;
// the other texts follow the same Coral naming pattern (token name +
// "cannot be converted to" + Java type) and are plausible defaults.
const (
	msgUnexpectedStructure = "Start of structure or map found where not expected."
	msgUnexpectedList      = "Start of list found where not expected."
	msgExpectedMap         = "Expected map or null"
	msgExpectedList        = "Expected list or null"
	// A body that is not JSON at all. Cognito's text is unknown (some
	// reports show no message); this one names the problem without leaking
	// parser internals.
	msgMalformedJSON = "Could not parse request body into json"
	// A blob member whose string is not valid base64.
	msgInvalidBase64 = "Invalid base64 value"
	fmtConversion    = "%TOKEN% cannot be converted to %TYPE%"
)

// Coral's names for the JSON token found, keyed by the token's first byte
// (numbers are keyed by '0').
var tokenNames = map[byte]string{
	'"': "STRING_VALUE",
	'0': "NUMBER_VALUE",
	't': "TRUE_VALUE",
	'f': "FALSE_VALUE",
}

// javaTypes is the Java type Coral tries to build for each scalar shape.
var javaTypes = [...]string{
	typeString:    "String",
	typeBoolean:   "Boolean",
	typeInteger:   "Integer",
	typeLong:      "Long",
	typeFloat:     "Float",
	typeDouble:    "Double",
	typeTimestamp: "Date",
	typeBlob:      "ByteBuffer",
}

func conversionMessage(token byte, t shapeType) string {
	r := strings.NewReplacer("%TOKEN%", tokenNames[token], "%TYPE%", javaTypes[t])
	return r.Replace(fmtConversion)
}

// Validation (constraint) messages. The violation and summary formats are
// observed verbatim (spec §1.5); the bracketed container forms are observed
// on other Coral services and on Cognito for explicitAuthFlows
// ("Member must satisfy constraint: [Member must satisfy enum value set:
// [...]]").
const (
	fmtViolationShown   = "Value '%VALUE%' at '%PATH%' failed to satisfy constraint: %RULE%"
	fmtViolationNull    = "Value null at '%PATH%' failed to satisfy constraint: %RULE%"
	fmtViolationOmitted = "Value at '%PATH%' failed to satisfy constraint: %RULE%"
	fmtSummaryOne       = "1 validation error detected: "
	fmtSummaryMany      = "%N% validation errors detected: "
	violationSeparator  = "; "

	ruleNotNull       = "Member must not be null"
	rulePattern       = "Member must satisfy regular expression pattern: "
	ruleMinLength     = "Member must have length greater than or equal to "
	ruleMaxLength     = "Member must have length less than or equal to "
	ruleEnum          = "Member must satisfy enum value set: "
	ruleMinValue      = "Member must have value greater than or equal to "
	ruleMaxValue      = "Member must have value less than or equal to "
	ruleListMember    = "Member must satisfy constraint: "
	ruleMapKeys       = "Map keys must satisfy constraint: "
	ruleMapValues     = "Map value must satisfy constraint: "
	ruleListSeparator = ", "
)

func patternRule(p int) string { return rulePattern + patterns[p-1].text }

func minRule(s *shape) string {
	if s.isNumber() {
		return ruleMinValue + strconv.FormatInt(s.min, 10)
	}
	return ruleMinLength + strconv.FormatInt(s.min, 10)
}

func maxRule(s *shape) string {
	if s.isNumber() {
		return ruleMaxValue + strconv.FormatInt(s.max, 10)
	}
	return ruleMaxLength + strconv.FormatInt(s.max, 10)
}

// enumRule lists the allowed values in model order, Java-list style.
// (One 2019 Cognito sample lists them in a different, unexplained order.)
func enumRule(s *shape) string {
	return ruleEnum + "[" + strings.Join(s.enum, ruleListSeparator) + "]"
}

// bracketRule is the rule for a list member or map key/value that broke
// its element shape's constraints. Coral lists all of the element shape's
// constraints, not only the broken ones, as "[max, min, pattern, enum]":
// e.g. "Map value must satisfy constraint: [Member must have length less
// than or equal to 50000, Member must have length greater than or equal
// to 1]" (observed on Cognito Identity).
func bracketRule(prefix string, s *shape) string {
	var rules []string
	if s.hasMax {
		rules = append(rules, maxRule(s))
	}
	if s.hasMin {
		rules = append(rules, minRule(s))
	}
	if s.pattern != 0 {
		rules = append(rules, patternRule(s.pattern))
	}
	if len(s.enum) > 0 {
		rules = append(rules, enumRule(s))
	}
	return prefix + "[" + strings.Join(rules, ruleListSeparator) + "]"
}

func (v Violation) String() string {
	f := fmtViolationShown
	switch v.Display {
	case ValueNull:
		f = fmtViolationNull
	case ValueOmitted:
		f = fmtViolationOmitted
	}
	return strings.NewReplacer("%VALUE%", v.Value, "%PATH%", v.Path, "%RULE%", v.Rule).Replace(f)
}

// summary builds Cognito's aggregated message: "1 validation error
// detected: <v>" or "N validation errors detected: <v1>; <v2>".
func summary(vs []Violation) string {
	var b strings.Builder
	if len(vs) == 1 {
		b.WriteString(fmtSummaryOne)
	} else {
		b.WriteString(strings.Replace(fmtSummaryMany, "%N%", strconv.Itoa(len(vs)), 1))
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString(violationSeparator)
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// How values are printed inside "Value '...'": Java's toString forms.
const (
	renderNull      = "null"
	renderListOpen  = "["
	renderListClose = "]"
	renderMapOpen   = "{"
	renderMapClose  = "}"
	renderMapEquals = "="
	renderSeparator = ", "
	// A blob is a java.nio.ByteBuffer; its toString shows the size only.
	// UNVERIFIED: no Cognito sample; no blob in the model has a limit a
	// client is likely to hit (AssetBytes ≤ 1000000, ImageFile ≤ 131072).
	renderBlob = "java.nio.HeapByteBuffer[pos=0 lim=%N% cap=%N%]"
)
