package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/userpool/userpool/internal/store"
)

// SNS sends text messages with Amazon SNS's Publish to a phone number, as
// Cognito does.
type SNS struct {
	client *sns.Client
}

// NewSNS returns an SMS sender that publishes with client. The client's own
// retries (the SDK's default retryer) happen inside one send attempt and
// within its timeout; the worker's backoff handles longer outages.
func NewSNS(client *sns.Client) *SNS {
	return &SNS{client: client}
}

// snsPermanent lists the SNS error codes that describe the message itself
// (an invalid or opted-out number, a malformed request): sending it again
// cannot succeed. Every other error (throttling, credentials, KMS, internal
// errors) is about the account or the service and is retried, so that a
// configuration fix lets the queued codes through instead of finding them
// dead.
var snsPermanent = map[string]bool{
	"InvalidParameter":      true,
	"ParameterValueInvalid": true,
	"OptedOut":              true,
	"ValidationException":   true,
}

// Send publishes m.Body to m.Destination (an E.164 phone number) as a
// Transactional SMS, the type Cognito uses for codes: higher delivery
// priority than Promotional, and not subject to its quiet-hours filtering.
func (s *SNS) Send(ctx context.Context, m *store.Message) error {
	_, err := s.client.Publish(ctx, &sns.PublishInput{
		PhoneNumber: aws.String(m.Destination),
		Message:     aws.String(m.Body),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"AWS.SNS.SMS.SMSType": {DataType: aws.String("String"), StringValue: aws.String("Transactional")},
		},
	})
	if err == nil {
		return nil
	}
	err = fmt.Errorf("sns: publish message %d: %w", m.ID, err)
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && snsPermanent[apiErr.ErrorCode()] {
		return Permanent(err)
	}
	return err
}

// Webhook sends messages by POSTing them as JSON to an HTTP endpoint, for
// an SMS gateway of one's own (or any other channel).
type Webhook struct {
	url    string
	client *http.Client
}

// NewWebhook returns a sender that POSTs to url with client. A nil client
// gets one that does not follow redirects: Go's client turns a POST into a
// GET on a 301/302/303, and the GET's 200 would look like a delivery.
func NewWebhook(url string, client *http.Client) *Webhook {
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	return &Webhook{url: url, client: client}
}

// webhookPayload is the JSON body of a webhook call.
type webhookPayload struct {
	ID         int64  `json:"id"`
	UserPoolID string `json:"userPoolId"`
	Username   string `json:"username"`
	Purpose    string `json:"purpose"`
	To         string `json:"to"`
	Message    string `json:"message"`
}

// maxWebhookReply bounds how much of a reply is read: a little for the
// error text, the rest discarded. A misbehaving endpoint must not make the
// worker buffer an unbounded body.
const (
	maxWebhookErrorBody = 512
	maxWebhookDrain     = 64 << 10
)

// Send POSTs m. A 2xx answer is a delivery. A 4xx answer is permanent,
// except the ones that invite a retry: 408 (timeout), 409 (an earlier
// request with the same Idempotency-Key is still in progress), 425 and 429
// (come back later), and 401/403, which mean our credentials are wrong;
// fixing them should let the queued codes through rather than find them
// dead. Any other answer or a network error is retried. The Idempotency-Key
// is the same on every attempt, so the endpoint can drop a resend.
func (h *Webhook) Send(ctx context.Context, m *store.Message) error {
	body, err := json.Marshal(webhookPayload{ID: m.ID, UserPoolID: m.PoolID, Username: m.Username,
		Purpose: m.Purpose, To: m.Destination, Message: m.Body})
	if err != nil {
		return Permanent(fmt.Errorf("webhook: encode message %d: %w", m.ID, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: message %d: %w", m.ID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "userpool-outbox-"+strconv.FormatInt(m.ID, 10))
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: message %d: %w", m.ID, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxWebhookErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookDrain)) // lets the connection be reused
	if resp.Request != nil && resp.Request.Method != http.MethodPost {
		return fmt.Errorf("webhook: message %d: redirected to a %s; point the URL at the final endpoint",
			m.ID, resp.Request.Method)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook: message %d: HTTP %d: %s", m.ID, resp.StatusCode, bytes.TrimSpace(snippet))
	if webhookPermanent(resp.StatusCode) {
		return Permanent(err)
	}
	return err
}

func webhookPermanent(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusUnauthorized, http.StatusForbidden:
		return false
	}
	return status >= 400 && status < 500
}
