package loadgen

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// The operations, by their X-Amz-Target names; opMessages is the
// development API's inbox read, timed like the others in the flow.
const (
	opCreatePool   = "CreateUserPool"
	opCreateClient = "CreateUserPoolClient"
	opCreateUser   = "AdminCreateUser"
	opSetPassword  = "AdminSetUserPassword"
	opForgot       = "ForgotPassword"
	opMessages     = "GetMessages (dev API)"
	opConfirm      = "ConfirmForgotPassword"
	opAuth         = "InitiateAuth"
)

// authErrors are the answers meaning the admin operations are not
// authorised at all; setup stops at the first one rather than counting a
// million of them.
var authErrors = map[string]bool{
	"MissingAuthenticationTokenException": true,
	"UnrecognizedClientException":         true,
	"InvalidSignatureException":           true,
	"AccessDeniedException":               true,
	"signing":                             true,
}

// The hot operations' bodies are appended into a worker's reused buffer:
// encoding/json would allocate and reflect on every request.

func forgotBody(b []byte, client string, user int) []byte {
	b = append(b, `{"ClientId":`...)
	b = appendJSONString(b, client)
	b = appendUsername(append(b, `,"Username":`...), user)
	return append(b, '}')
}

func confirmBody(b []byte, client string, user int, code, password string) []byte {
	b = append(b, `{"ClientId":`...)
	b = appendJSONString(b, client)
	b = appendUsername(append(b, `,"Username":`...), user)
	b = appendJSONString(append(b, `,"ConfirmationCode":`...), code)
	b = appendJSONString(append(b, `,"Password":`...), password)
	return append(b, '}')
}

func authBody(b []byte, client string, user int, password string) []byte {
	b = append(b, `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":`...)
	b = appendJSONString(b, client)
	b = appendUsername(append(b, `,"AuthParameters":{"USERNAME":`...), user)
	b = appendJSONString(append(b, `,"PASSWORD":`...), password)
	return append(b, "}}"...)
}

func createUserBody(b []byte, pool string, user int) []byte {
	b = append(b, `{"UserPoolId":`...)
	b = appendJSONString(b, pool)
	b = appendUsername(append(b, `,"Username":`...), user)
	b = append(b, `,"MessageAction":"SUPPRESS","UserAttributes":[{"Name":"email","Value":"user`...)
	b = strconv.AppendInt(b, int64(user), 10)
	return append(b, `@example.com"},{"Name":"email_verified","Value":"true"}]}`...)
}

func setPasswordBody(b []byte, pool string, user int, password string) []byte {
	b = append(b, `{"UserPoolId":`...)
	b = appendJSONString(b, pool)
	b = appendUsername(append(b, `,"Username":`...), user)
	b = appendJSONString(append(b, `,"Password":`...), password)
	return append(b, `,"Permanent":true}`...)
}

// appendUsername appends "user<i>" with its quotes.
func appendUsername(b []byte, i int) []byte {
	b = append(b, `"user`...)
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, '"')
}

// appendJSONString appends s as a JSON string. IDs are plain ASCII, but
// the password comes from a flag and may hold quotes or backslashes.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r) // invalid UTF-8 becomes U+FFFD, as encoding/json does
			i += n
			continue
		}
		i++
	}
	return append(b, '"')
}

// createPool and createClient run once per setup, so they use
// encoding/json for clarity.
func (c *client) createPool(ctx context.Context, rec *recorder) (string, *callErr) {
	body := `{"PoolName":"bench","AutoVerifiedAttributes":["email"]}`
	var out struct{ UserPool struct{ Id string } }
	if err := c.timedJSON(ctx, opCreatePool, []byte(body), rec, &out); err != nil {
		return "", err
	}
	return out.UserPool.Id, nil
}

func (c *client) createClient(ctx context.Context, pool string, rec *recorder) (string, *callErr) {
	body, _ := json.Marshal(map[string]any{"UserPoolId": pool, "ClientName": "bench", "GenerateSecret": false,
		"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	var out struct{ UserPoolClient struct{ ClientId string } }
	if err := c.timedJSON(ctx, opCreateClient, body, rec, &out); err != nil {
		return "", err
	}
	return out.UserPoolClient.ClientId, nil
}

// timedJSON sends a signed admin operation, records it, and decodes the
// answer into out.
func (c *client) timedJSON(ctx context.Context, op string, body []byte, rec *recorder, out any) *callErr {
	start := time.Now()
	b, cerr := c.call(ctx, op, body, true, true)
	rec.add(time.Since(start), cerr)
	if cerr != nil {
		return cerr
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &callErr{"BadJSON", op + ": " + err.Error()}
	}
	return nil
}
