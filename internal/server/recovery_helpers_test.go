package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Helpers for the account-recovery tests (recovery_*_test.go, devapi_test.go).
// Codes are read through the development API, over HTTP, as a test author
// using the server would read them.

// inboxMsg is one message of GET /_userpool/messages.
type inboxMsg struct {
	ID               int64     `json:"id"`
	UserPoolID       string    `json:"userPoolId"`
	Username         string    `json:"username"`
	Purpose          string    `json:"purpose"`
	Medium           string    `json:"medium"`
	Destination      string    `json:"destination"`
	Subject          string    `json:"subject"`
	Body             string    `json:"body"`
	Code             string    `json:"code"`
	Status           string    `json:"status"`
	SuppressedReason string    `json:"suppressedReason"`
	CreatedAt        time.Time `json:"createdAt"`
	ExpiresAt        time.Time `json:"expiresAt"` // zero when absent
}

// sixDigits is the shape of a Cognito code (spec §2.10).
var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// devCall sends a request to the development API and returns the status and body.
func (e *env) devCall(method, path, body string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.URL+path, rd)
	ok(e.t, err, "new request")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	ok(e.t, err, method+" "+path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ok(e.t, err, "read "+path)
	return resp.StatusCode, b
}

// inbox lists messages with the given query and requires a 200.
func (e *env) inbox(q url.Values) []inboxMsg {
	e.t.Helper()
	status, body := e.devCall(http.MethodGet, "/_userpool/messages?"+q.Encode(), "")
	if status != http.StatusOK {
		e.t.Fatalf("GET /_userpool/messages?%s: %d %s", q.Encode(), status, body)
	}
	var out struct {
		Messages []inboxMsg `json:"messages"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		e.t.Fatalf("decode inbox %s: %v", body, err)
	}
	return out.Messages
}

// userInbox lists a user's messages in a pool, newest first.
func (e *env) userInbox(poolID, username string) []inboxMsg {
	e.t.Helper()
	return e.inbox(url.Values{"userPoolId": {poolID}, "username": {username}})
}

// latestMessage is the user's newest message; the test fails if there is none.
func (e *env) latestMessage(t *testing.T, poolID, username string) inboxMsg {
	t.Helper()
	msgs := e.with(t).userInbox(poolID, username)
	if len(msgs) == 0 {
		t.Fatalf("no message for %s in %s", username, poolID)
	}
	return msgs[0]
}

// latestCode is the code of the user's newest message, which must carry one.
func (e *env) latestCode(t *testing.T, poolID, username string) string {
	t.Helper()
	m := e.latestMessage(t, poolID, username)
	if m.Code == "" {
		t.Fatalf("newest message for %s carries no code: %+v", username, m)
	}
	return m.Code
}

// forgot calls ForgotPassword without a SecretHash.
func (e *env) forgot(clientID, username string) (*cip.ForgotPasswordOutput, error) {
	return e.SDK.ForgotPassword(e.t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String(username)})
}

// forgotHash calls ForgotPassword with a SecretHash.
func (e *env) forgotHash(clientID, username, hash string) (*cip.ForgotPasswordOutput, error) {
	return e.SDK.ForgotPassword(e.t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String(username), SecretHash: aws.String(hash)})
}

// mustForgot calls ForgotPassword, requires success and returns the new code.
func (e *env) mustForgot(poolID, clientID, username string) string {
	e.t.Helper()
	_, err := e.forgot(clientID, username)
	ok(e.t, err, "ForgotPassword "+username)
	return e.latestCode(e.t, poolID, username)
}

// confirmForgot calls ConfirmForgotPassword without a SecretHash.
func (e *env) confirmForgot(clientID, username, code, password string) error {
	_, err := e.SDK.ConfirmForgotPassword(e.t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String(username), ConfirmationCode: aws.String(code), Password: aws.String(password)})
	return err
}

// confirmForgotHash calls ConfirmForgotPassword with a SecretHash.
func (e *env) confirmForgotHash(clientID, username, code, password, hash string) error {
	_, err := e.SDK.ConfirmForgotPassword(e.t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
		Username: aws.String(username), ConfirmationCode: aws.String(code), Password: aws.String(password), SecretHash: aws.String(hash)})
	return err
}

// wantDelivery checks CodeDeliveryDetails exactly.
func wantDelivery(t *testing.T, d *types.CodeDeliveryDetailsType, medium types.DeliveryMediumType, attrName, dest string) {
	t.Helper()
	if d == nil {
		t.Fatalf("no CodeDeliveryDetails, want %s %s %s", medium, attrName, dest)
	}
	if d.DeliveryMedium != medium || aws.ToString(d.AttributeName) != attrName || aws.ToString(d.Destination) != dest {
		t.Fatalf("CodeDeliveryDetails %s %s %q, want %s %s %q", d.DeliveryMedium, aws.ToString(d.AttributeName),
			aws.ToString(d.Destination), medium, attrName, dest)
	}
}

// wantStatus checks a user's UserStatus.
func (e *env) wantStatus(poolID, username string, want types.UserStatusType) {
	e.t.Helper()
	if got := e.getUser(poolID, username).UserStatus; got != want {
		e.t.Fatalf("%s: status %s, want %s", username, got, want)
	}
}

// wantNoCodeSent fails if any message for the user carries a code.
func (e *env) wantNoCodeSent(poolID, username string) {
	e.t.Helper()
	for _, m := range e.userInbox(poolID, username) {
		if m.Code != "" || m.Status != "suppressed" {
			e.t.Fatalf("a message was sent to %s: %+v", username, m)
		}
	}
}

// verifiedEmail and verifiedPhone are a contact attribute marked verified.
func verifiedEmail(v string) []types.AttributeType {
	return []types.AttributeType{attr("email", v), attr("email_verified", "true")}
}

func verifiedPhone(v string) []types.AttributeType {
	return []types.AttributeType{attr("phone_number", v), attr("phone_number_verified", "true")}
}

// recoverySetup is a dev-API env with a default pool, a LEGACY client and a
// CONFIRMED user alice (verified email alice@example.com, goodPassword).
func recoverySetup(t *testing.T, opts ...func(*envConfig)) (e *env, poolID, clientID string) {
	t.Helper()
	e = newEnv(t, append([]func(*envConfig){withDev}, opts...)...)
	poolID = aws.ToString(e.pool().Id)
	clientID = aws.ToString(e.client(poolID).ClientId)
	e.confirmedUser(poolID, "alice", goodPassword, verifiedEmail("alice@example.com")...)
	return e, poolID, clientID
}

// enabledClient sets PreventUserExistenceErrors=ENABLED.
func enabledClient(in *cip.CreateUserPoolClientInput) {
	in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
}

// recoveryMechanisms sets AccountRecoverySetting, names in priority order.
func recoveryMechanisms(names ...types.RecoveryOptionNameType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) {
		rs := &types.AccountRecoverySettingType{}
		for i, n := range names {
			rs.RecoveryMechanisms = append(rs.RecoveryMechanisms, types.RecoveryOptionType{Name: n, Priority: aws.Int32(int32(i + 1))})
		}
		in.AccountRecoverySetting = rs
	}
}

// autoVerifyEmail makes the pool auto-verify email (sign-up codes).
func autoVerifyEmail(in *cip.CreateUserPoolInput) {
	in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
}

// otherCode returns a six-digit code different from code.
func otherCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}
