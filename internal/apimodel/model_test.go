package apimodel

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// modelPath must match the generator's default -model.
const modelPath = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data/cognito-idp/2016-04-18/service-2.json.gz"

// The 32 unauthenticated operations of spec §1.2.
var specPublicOperations = strings.Split("AssociateSoftwareToken ChangePassword CompleteWebAuthnRegistration ConfirmDevice "+
	"ConfirmForgotPassword ConfirmSignUp DeleteUser DeleteUserAttributes DeleteWebAuthnCredential "+
	"ForgetDevice ForgotPassword GetDevice GetTokensFromRefreshToken GetUser "+
	"GetUserAttributeVerificationCode GetUserAuthFactors GlobalSignOut InitiateAuth ListDevices "+
	"ListWebAuthnCredentials ResendConfirmationCode RespondToAuthChallenge RevokeToken "+
	"SetUserMFAPreference SetUserSettings SignUp StartWebAuthnRegistration UpdateAuthEventFeedback "+
	"UpdateDeviceStatus UpdateUserAttributes VerifySoftwareToken VerifyUserAttribute", " ")

func TestPublicOperationsMatchSpec(t *testing.T) {
	var public []string
	for _, op := range Operations() {
		if op.Public {
			public = append(public, op.Name)
		}
	}
	if len(specPublicOperations) != 32 {
		t.Fatalf("spec list has %d entries", len(specPublicOperations))
	}
	if !slices.Equal(public, specPublicOperations) {
		t.Errorf("public operations differ from spec §1.2:\n got %v\nwant %v", public, specPublicOperations)
	}
	if n := len(Operations()); n != 122 {
		t.Errorf("%d operations, want 122", n)
	}
}

func TestLookup(t *testing.T) {
	cases := []struct {
		name   string
		found  bool
		public bool
	}{
		{"ForgotPassword", true, true},
		{"ConfirmForgotPassword", true, true},
		{"AdminCreateUser", true, false},
		{"DescribeUserPool", true, false},
		{"forgotpassword", false, false},
		{"AWSCognitoIdentityProviderService.ForgotPassword", false, false},
		{"", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op, ok := Lookup(tc.name)
			if ok != tc.found {
				t.Fatalf("found = %t, want %t", ok, tc.found)
			}
			if ok && (op.Name != tc.name || op.Public != tc.public) {
				t.Errorf("got %+v", op)
			}
		})
	}
}

// spec §2.1 lists ForgotPassword's 15 modelled errors.
func TestOperationErrors(t *testing.T) {
	want := strings.Fields(`ResourceNotFoundException InvalidParameterException UnexpectedLambdaException
		UserLambdaValidationException NotAuthorizedException InvalidLambdaResponseException
		TooManyRequestsException LimitExceededException InvalidSmsRoleAccessPolicyException
		InvalidSmsRoleTrustRelationshipException InvalidEmailRoleAccessPolicyException
		CodeDeliveryFailureException UserNotFoundException InternalErrorException ForbiddenException`)
	if got := mustLookup(t, "ForgotPassword").Errors; !slices.Equal(got, want) {
		t.Errorf("ForgotPassword errors:\n got %v\nwant %v", got, want)
	}
	for _, op := range Operations() {
		seen := map[string]bool{}
		for _, e := range op.Errors {
			if seen[e] {
				t.Errorf("%s lists %s twice", op.Name, e)
			}
			seen[e] = true
		}
	}
}

// TestGeneratedFileUpToDate regenerates model_gen.go into a temporary file
// and requires it to be byte-identical to the checked-in one: the generator
// is deterministic and nobody edited the output by hand.
func TestGeneratedFileUpToDate(t *testing.T) {
	if _, err := os.Stat(modelPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("model not installed (%v); set CI to make this fatal", err)
		}
		t.Fatalf("CI is set but the API model is missing: %v", err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	out := filepath.Join(t.TempDir(), "model_gen.go")
	cmd := exec.Command(goBin, "run", "./gen", "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("model_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Errorf("model_gen.go is stale or the generator is not deterministic; run go generate ./internal/apimodel")
	}
}

// Every index in the generated tables must point inside them.
func TestGeneratedTablesConsistent(t *testing.T) {
	n := int32(len(shapes))
	for _, op := range operations {
		if op.input < 0 || op.input >= n || shapes[op.input].typ != typeStructure {
			t.Errorf("%s: bad input shape %d", op.Name, op.input)
		}
	}
	for i := range shapes {
		s := &shapes[i]
		for _, m := range s.members {
			if m.target < 0 || m.target >= n {
				t.Errorf("%s.%s: bad target %d", s.name, m.name, m.target)
			}
		}
		if s.pattern < 0 || s.pattern > len(patterns) {
			t.Errorf("%s: bad pattern index %d", s.name, s.pattern)
		}
		if s.typ == typeMap && shapes[s.key].typ != typeString {
			t.Errorf("%s: map key is not a string shape", s.name)
		}
	}
}

// TestPathDepthFits guards the validator's fixed-size path stack: shapes
// must not recurse, and the deepest member path must fit.
func TestPathDepthFits(t *testing.T) {
	var depth func(id int32, seen map[int32]bool) int
	depth = func(id int32, seen map[int32]bool) int {
		if seen[id] {
			t.Fatalf("shape %s is recursive", shapes[id].name)
		}
		seen[id] = true
		defer delete(seen, id)
		s := &shapes[id]
		best := 0
		for _, m := range s.members {
			best = max(best, 1+depth(m.target, seen))
		}
		if s.typ == typeList || s.typ == typeMap {
			best = max(best, 1+depth(s.elem, seen))
		}
		return best
	}
	deepest := 0
	for _, op := range operations {
		deepest = max(deepest, depth(op.input, map[int32]bool{}))
	}
	if deepest >= maxPathDepth {
		t.Errorf("deepest path has %d elements; raise maxPathDepth (%d)", deepest, maxPathDepth)
	}
	t.Logf("deepest member path: %d elements", deepest)
}
