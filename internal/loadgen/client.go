package loadgen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	targetPrefix = "AWSCognitoIdentityProviderService."
	// errTransport is the error type of a request that got no HTTP answer.
	errTransport = "transport"
	// maxErrorBody bounds what is read of an error answer; the type and
	// message are at its start.
	maxErrorBody = 8 << 10
)

// Shared, never-modified header values: setting them costs no allocation
// per request.
var (
	contentType = []string{"application/x-amz-json-1.1"}
	targets     = map[string][]string{}
)

func init() {
	for _, op := range []string{opCreatePool, opCreateClient, opCreateUser, opSetPassword, opForgot, opConfirm, opAuth} {
		targets[op] = []string{targetPrefix + op}
	}
}

// client sends the operations over one keep-alive transport.
type client struct {
	hc     *http.Client
	apiURL string // <endpoint>/
	devURL string // <endpoint>/_userpool/messages
	creds  *aws.Credentials
	region string
	signer *v4.Signer
}

// callErr describes a failed request: its type (the answer's __type, or
// "transport") and message, for the report.
type callErr struct {
	Type, Message string
}

func (e *callErr) Error() string { return e.Type + ": " + e.Message }

func newClient(o Options) (*client, error) {
	u, err := parseEndpoint(o.Endpoint)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(u.String(), "/")
	// Proxy nil: only the endpoint is contacted, whatever HTTP_PROXY says.
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        o.Concurrency + 1,
		MaxIdleConnsPerHost: o.Concurrency + 1, // +1: the flow's dev-API call
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	c := &client{
		hc: &http.Client{Transport: tr, Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		apiURL: base + "/", devURL: base + "/_userpool/messages",
		region: o.Region, signer: v4.NewSigner(),
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	if o.AccessKeyID != "" {
		c.creds = &aws.Credentials{AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey}
	}
	return c, nil
}

func (c *client) close() { c.hc.CloseIdleConnections() }

// ping proves the endpoint answers HTTP at all; any status will do.
func (c *client) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.apiURL, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// call sends one operation. signed marks the IAM-authorised (admin)
// operations, signed when credentials were given. With keep the success
// body is returned; otherwise it is drained unread so the connection is
// reused.
func (c *client) call(ctx context.Context, op string, body []byte, signed, keep bool) ([]byte, *callErr) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiURL, bytes.NewReader(body))
	if err != nil {
		return nil, &callErr{errTransport, err.Error()}
	}
	req.Header["Content-Type"] = contentType
	req.Header["X-Amz-Target"] = targets[op]
	if signed && c.creds != nil {
		sum := sha256.Sum256(body)
		if err := c.signer.SignHTTP(ctx, *c.creds, req, hex.EncodeToString(sum[:]), "cognito-idp", c.region, time.Now()); err != nil {
			return nil, &callErr{"signing", err.Error()}
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &callErr{errTransport, err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, answerError(resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), b)
	}
	if !keep {
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return nil, &callErr{errTransport, err.Error()}
		}
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &callErr{errTransport, err.Error()}
	}
	return b, nil
}

// answerError takes the error type from the body's "__type" (the header's
// as a fallback) without decoding JSON: errors may be most answers in an
// overload, and the generator must stay cheap then.
func answerError(status int, header string, body []byte) *callErr {
	typ := jsonField(body, `"__type":"`)
	if i := strings.LastIndexByte(typ, '#'); i >= 0 {
		typ = typ[i+1:] // some services send namespace#Type
	}
	if typ == "" {
		typ, _, _ = strings.Cut(header, ":")
	}
	if typ == "" {
		typ = "HTTP " + strconv.Itoa(status)
	}
	return &callErr{typ, jsonField(body, `"message":"`)}
}

// jsonField returns the string after key up to the next quote; escapes are
// not decoded, which is fine for type names and diagnostic messages.
func jsonField(body []byte, key string) string {
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	if j := bytes.IndexByte(rest, '"'); j >= 0 {
		return string(rest[:j])
	}
	return ""
}

// latestCode reads the newest inbox message of user from the development
// API and returns its code.
func (c *client) latestCode(ctx context.Context, pool, user string) (string, *callErr) {
	u := c.devURL + "?userPoolId=" + url.QueryEscape(pool) + "&username=" + url.QueryEscape(user) + "&limit=1"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", &callErr{errTransport, err.Error()}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", &callErr{errTransport, err.Error()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &callErr{errTransport, err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return "", &callErr{"DevAPI HTTP " + strconv.Itoa(resp.StatusCode), jsonField(b, `"error":"`)}
	}
	var doc struct {
		Messages []struct {
			Code   string `json:"code"`
			Status string `json:"status"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", &callErr{"DevAPIBadJSON", err.Error()}
	}
	if len(doc.Messages) == 0 || doc.Messages[0].Code == "" {
		return "", &callErr{"NoCode", "no message with a code for " + user}
	}
	return doc.Messages[0].Code, nil
}

// checkDevAPI fails early, with the fix named, when the server was started
// without --dev: the flow phase cannot read codes then.
func (c *client) checkDevAPI(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.devURL+"?limit=1", nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("flow: development API: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("flow: the development API answered " + resp.Status + ": the flow phase reads codes from it; start the server with --dev")
	}
	return nil
}
