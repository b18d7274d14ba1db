package server_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Under PreventUserExistenceErrors=ENABLED a simulated CodeDeliveryDetails
// must look like a real one for every way of typing the name (spec §2.7).
// A real answer masks the address the lookup matched, so it repeats the
// first letters of a typed email (and the last four digits of a typed
// phone number); an answer made of random letters gives unknown names away
// (issue 13 item 3: 26/26 against 0/26).

// maskTyping is one way of typing the names of one pool: real(i) is how the
// i-th real user (emails starting with letter i) is typed, unknown(i) how
// the i-th unknown name is typed.
type maskTyping struct {
	name          string
	real, unknown func(i int) string
}

// maskCase is a pool, how its 26 real users are made, and the typings.
type maskCase struct {
	name    string
	pool    []func(*cip.CreateUserPoolInput)
	user    func(i int) (username string, attrs []types.AttributeType)
	typings []maskTyping
}

func letter(i int) string { return string(rune('a' + i)) }

// realEmail starts with letter i; its domain with the next letter, so that
// the local and domain letters are told apart.
func realEmail(i int) string    { return letter(i) + "user@" + letter((i+1)%26) + "example.com" }
func unknownEmail(i int) string { return letter(i) + "ghost@" + letter((i+1)%26) + "nowhere.example" }
func realPhone(i int) string    { return fmt.Sprintf("+1415555%04d", 1000+i) }
func unknownPhone(i int) string { return fmt.Sprintf("+1415556%04d", 2000+i) }

func caseInsensitive(in *cip.CreateUserPoolInput) {
	in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
}

func usernameAttributes(names ...types.UsernameAttributeType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) { in.UsernameAttributes = names }
}

func aliasAttributes(names ...types.AliasAttributeType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) { in.AliasAttributes = names }
}

var (
	byEmail      = maskTyping{"by email", realEmail, unknownEmail}
	byUpperEmail = maskTyping{"by email in capitals",
		func(i int) string { return strings.ToUpper(realEmail(i)) },
		func(i int) string { return strings.ToUpper(unknownEmail(i)) }}
	byUsername = maskTyping{"by username",
		func(i int) string { return letter(i) + "user" },
		func(i int) string { return letter(i) + "ghost" }}
	byPhone           = maskTyping{"by phone", realPhone, unknownPhone}
	byCapitalUsername = maskTyping{"by capitalised username",
		func(i int) string { return strings.ToUpper(letter(i)) + "user" },
		func(i int) string { return strings.ToUpper(letter(i)) + "ghost" }}
)

func maskCases() []maskCase {
	emailUser := func(i int) (string, []types.AttributeType) { return realEmail(i), verifiedEmail(realEmail(i)) }
	aliasUser := func(i int) (string, []types.AttributeType) {
		return letter(i) + "user", verifiedEmail(realEmail(i))
	}
	phoneUser := func(i int) (string, []types.AttributeType) { return letter(i) + "user", verifiedPhone(realPhone(i)) }
	bothUser := func(i int) (string, []types.AttributeType) {
		return letter(i) + "user", append(verifiedEmail(realEmail(i)), verifiedPhone(realPhone(i))...)
	}
	return []maskCase{
		{"email as username, case-insensitive", []func(*cip.CreateUserPoolInput){usernameAttributes("email"), caseInsensitive},
			emailUser, []maskTyping{byEmail, byUpperEmail}},
		{"email as username, case-sensitive", []func(*cip.CreateUserPoolInput){usernameAttributes("email")},
			emailUser, []maskTyping{byEmail}},
		{"email alias, case-insensitive", []func(*cip.CreateUserPoolInput){aliasAttributes("email"), caseInsensitive},
			aliasUser, []maskTyping{byEmail, byUpperEmail, byUsername}},
		// Case-sensitive: the user is "Auser", the email lower case.
		{"email alias, case-sensitive", []func(*cip.CreateUserPoolInput){aliasAttributes("email")},
			func(i int) (string, []types.AttributeType) {
				return strings.ToUpper(letter(i)) + "user", verifiedEmail(realEmail(i))
			}, []maskTyping{byEmail, byCapitalUsername}},
		{"phone alias", []func(*cip.CreateUserPoolInput){aliasAttributes("phone_number")},
			phoneUser, []maskTyping{byPhone}},
		// Phone first, and every user has a verified phone (required and
		// auto-verified): a real user typed by email gets an SMS.
		{"phone first, phone required", []func(*cip.CreateUserPoolInput){aliasAttributes("email", "phone_number"),
			recoveryMechanisms(types.RecoveryOptionNameTypeVerifiedPhoneNumber, types.RecoveryOptionNameTypeVerifiedEmail),
			requiredVerifiedPhone},
			bothUser, []maskTyping{byEmail, byUsername}},
	}
}

func requiredVerifiedPhone(in *cip.CreateUserPoolInput) {
	in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber, types.VerifiedAttributeTypeEmail}
	in.Schema = []types.SchemaAttributeType{{Name: aws.String("phone_number"), AttributeDataType: types.AttributeDataTypeString,
		Required: aws.Bool(true), Mutable: aws.Bool(true)}}
}

// answerShape is what an observer can compare between a real and a
// simulated answer without knowing the stored address: the medium, the
// length of a masked phone, and whether each kept character repeats the
// typed name's.
func answerShape(typed string, d *types.CodeDeliveryDetailsType) string {
	dest := aws.ToString(d.Destination)
	if d.DeliveryMedium == types.DeliveryMediumTypeSms {
		return fmt.Sprintf("SMS %s len=%d last4=%v", aws.ToString(d.AttributeName), len(dest),
			len(dest) >= 4 && strings.HasSuffix(typed, dest[len(dest)-4:]))
	}
	local, domain, _ := strings.Cut(dest, "@")
	tLocal, tDomain, _ := strings.Cut(typed, "@")
	return fmt.Sprintf("%s %s local=%s domain=%s", d.DeliveryMedium, aws.ToString(d.AttributeName),
		sameFirst(local, tLocal), sameFirst(domain, tDomain))
}

// sameFirst compares the first characters of the masked and typed parts:
// "same", "other case" or "other".
func sameFirst(masked, typed string) string {
	m, _ := utf8.DecodeRuneInString(masked)
	t, _ := utf8.DecodeRuneInString(typed)
	switch {
	case typed != "" && m == t:
		return "same"
	case typed != "" && strings.EqualFold(string(m), string(t)):
		return "other case"
	}
	return "other"
}

func TestSimulatedDestinationLooksReal(t *testing.T) {
	t.Parallel()
	for _, c := range maskCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withDev)
			poolID := aws.ToString(e.pool(c.pool...).Id)
			clientID := aws.ToString(e.client(poolID, enabledClient).ClientId)
			for i := range 26 {
				username, attrs := c.user(i)
				e.confirmedUser(poolID, username, goodPassword, attrs...)
			}
			for _, typing := range c.typings {
				t.Run(typing.name, func(t *testing.T) {
					e := e.with(t)
					shapes := func(typed func(int) string) map[string]int {
						n := map[string]int{}
						for i := range 26 {
							out, err := e.forgot(clientID, typed(i))
							ok(t, err, "ForgotPassword "+typed(i))
							n[answerShape(typed(i), out.CodeDeliveryDetails)]++
						}
						return n
					}
					real, unknown := shapes(typing.real), shapes(typing.unknown)
					if !maps.Equal(real, unknown) {
						t.Fatalf("real users' answers %v, unknown names' %v: the masked destination tells them apart", real, unknown)
					}
				})
			}
		})
	}
}
