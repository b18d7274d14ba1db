package server_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

const amzJSON = "application/x-amz-json-1.1"

func readAll(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWireErrors pins the error wire format byte for byte (spec §1.4, §1.5):
// status, body, x-amzn-ErrorType with its trailing colon, x-amzn-ErrorMessage.
func TestWireErrors(t *testing.T) {
	e := newEnv(t)
	const tp = "AWSCognitoIdentityProviderService."
	cases := []struct {
		name, target, ctype, body string
		status                    int
		errType, wantBody         string
	}{
		{"unknown operation", tp + "NoSuchOperation", amzJSON, `{}`, 400,
			"UnknownOperationException:", `{"__type":"UnknownOperationException"}`},
		{"missing target", "", amzJSON, `{}`, 400,
			"UnknownOperationException:", `{"__type":"UnknownOperationException"}`},
		{"foreign service prefix", "DynamoDB_20120810.ListTables", amzJSON, `{}`, 400,
			"UnknownOperationException:", `{"__type":"UnknownOperationException"}`},
		{"malformed JSON", tp + "ForgotPassword", amzJSON, `{"ClientId":`, 400,
			"SerializationException:", `{"__type":"SerializationException","Message":"Could not parse request body into json"}`},
		{"object where string expected", tp + "ForgotPassword", amzJSON, `{"ClientId":{},"Username":"u"}`, 400,
			"SerializationException:", `{"__type":"SerializationException","Message":"Start of structure or map found where not expected."}`},
		{"number where string expected", tp + "ForgotPassword", amzJSON, `{"ClientId":"c","Username":123}`, 400,
			"SerializationException:", `{"__type":"SerializationException","Message":"NUMBER_VALUE cannot be converted to String"}`},
		{"body not an object", tp + "ListUserPools", amzJSON, `[1]`, 400,
			"SerializationException:", `{"__type":"SerializationException","Message":"Start of list found where not expected."}`},
		// The spec's sample value YOUR_USER_POOL_ID matches today's model
		// pattern, so a value without an underscore stands in for it.
		{"pattern violation (spec §1.5 form)", tp + "DescribeUserPool", amzJSON, `{"UserPoolId":"nounderscore"}`, 400,
			"InvalidParameterException:",
			`{"__type":"InvalidParameterException","message":"1 validation error detected: Value 'nounderscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"}`},
		{"missing required members", tp + "ForgotPassword", amzJSON, `{}`, 400,
			"InvalidParameterException:",
			`{"__type":"InvalidParameterException","message":"2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'username' failed to satisfy constraint: Member must not be null"}`},
		{"empty body is {}", tp + "DescribeUserPool", amzJSON, ``, 400,
			"InvalidParameterException:",
			`{"__type":"InvalidParameterException","message":"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"}`},
		{"unknown client", tp + "InitiateAuth", amzJSON, `{"ClientId":"nosuchclient","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"u","PASSWORD":"p"}}`, 400,
			"ResourceNotFoundException:", `{"__type":"ResourceNotFoundException","message":"User pool client nosuchclient does not exist."}`},
		{"modelled but not implemented", tp + "AdminListDevices", amzJSON, `{"Username":"u","UserPoolId":"us-east-1_abc"}`, 400,
			"UnsupportedOperationException:", `{"__type":"UnsupportedOperationException","message":"userpool does not implement AdminListDevices."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := e.raw(c.target, c.ctype, c.body)
			body := readAll(t, resp)
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			if got := resp.Header.Get("x-amzn-ErrorType"); got != c.errType {
				t.Errorf("x-amzn-ErrorType %q, want %q", got, c.errType)
			}
			if got := resp.Header.Get("Content-Type"); got != amzJSON {
				t.Errorf("Content-Type %q", got)
			}
			if !uuidV4.MatchString(resp.Header.Get("x-amzn-RequestId")) {
				t.Errorf("x-amzn-RequestId %q is not a UUID v4", resp.Header.Get("x-amzn-RequestId"))
			}
			if body != c.wantBody {
				t.Errorf("body\n got %s\nwant %s", body, c.wantBody)
			}
			if msg := errorMessage(body); resp.Header.Get("x-amzn-ErrorMessage") != msg {
				t.Errorf("x-amzn-ErrorMessage %q, want the body message %q", resp.Header.Get("x-amzn-ErrorMessage"), msg)
			}
		})
	}
}

// errorMessage pulls the message (either spelling) out of an error body.
func errorMessage(body string) string {
	m := regexp.MustCompile(`"(?:message|Message)":"((?:[^"\\]|\\.)*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], `\\`, `\`)
}

func TestWrongContentTypeGetsCoralEnvelope(t *testing.T) {
	e := newEnv(t)
	resp := e.raw("AWSCognitoIdentityProviderService.ListUserPools", "application/json", `{"MaxResults":1}`)
	body := readAll(t, resp)
	want := `{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}`
	if resp.StatusCode != 404 || body != want {
		t.Fatalf("got %d %s, want 404 %s", resp.StatusCode, body, want)
	}
}

func TestOversizedBodyRefused(t *testing.T) {
	e := newEnv(t)
	big := `{"PoolName":"` + strings.Repeat("a", 2<<20) + `"}`
	resp := e.raw("AWSCognitoIdentityProviderService.CreateUserPool", amzJSON, big)
	body := readAll(t, resp)
	if resp.StatusCode != 413 || resp.Header.Get("x-amzn-ErrorType") != "RequestEntityTooLargeException:" {
		t.Fatalf("got %d %q %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
	}
	if !strings.Contains(body, "1048576 bytes") {
		t.Fatalf("message does not name the limit: %s", body)
	}
}

func TestSuccessHeaders(t *testing.T) {
	e := newEnv(t)
	resp := e.raw("AWSCognitoIdentityProviderService.ListUserPools", amzJSON, `{"MaxResults":5}`)
	body := readAll(t, resp)
	if resp.StatusCode != 200 || body != `{"UserPools":[]}` {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Type") != amzJSON || !uuidV4.MatchString(resp.Header.Get("x-amzn-RequestId")) {
		t.Fatalf("headers %v", resp.Header)
	}
	if resp.Header.Get("x-amzn-ErrorType") != "" {
		t.Fatal("x-amzn-ErrorType on a success")
	}
}

func TestCORSPreflightAndHealth(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodOptions, e.URL+"/", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "content-type,x-amz-target,x-amz-user-agent" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	h, err := http.Get(e.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if readAll(t, h) != "ok\n" || h.StatusCode != 200 {
		t.Fatalf("healthz: %d", h.StatusCode)
	}
	h.Body.Close()
}

func TestDevAPIAbsentWithoutDev(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.URL + "/_userpool/messages")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("status %d, want 404", resp.StatusCode)
	}
}

// TestForgotPasswordWireBytes compares a ForgotPassword answer with the
// real Cognito payload quoted in spec §1.3: same members, same order, same
// Content-Length (100) for a same-length address.
func TestForgotPasswordWireBytes(t *testing.T) {
	e := newEnv(t)
	poolID := *e.pool().Id
	clientID := *e.client(poolID).ClientId
	e.confirmedUser(poolID, "u", "Passw0rd!", attr("email", "u@y.io"), attr("email_verified", "true"))
	resp := e.raw("AWSCognitoIdentityProviderService.ForgotPassword", amzJSON, `{"ClientId":"`+clientID+`","Username":"u"}`)
	body := readAll(t, resp)
	want := `{"CodeDeliveryDetails":{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"u***@y***"}}`
	if resp.StatusCode != 200 || body != want || resp.Header.Get("Content-Length") != "100" {
		t.Fatalf("got %d %q (Content-Length %s), want 200 %q (100)", resp.StatusCode, body, resp.Header.Get("Content-Length"), want)
	}
}
