package delivery_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/store"
)

func smsMessage(id int64) *store.Message {
	return &store.Message{
		ID: id, PoolID: "us-east-1_Test", Username: "alice", Purpose: "RESET", Medium: "SMS",
		Destination: "+15555550123", Body: "Your code is 123456", Code: "123456",
		CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
	}
}

// snsServer speaks the SNS Query protocol: a form-encoded POST with
// Action=Publish, answered in XML. It records each request's form and
// Authorization header and replies with reply (a status and an error code;
// status 0 answers success).
type snsServer struct {
	mu    sync.Mutex
	forms []map[string]string
	auth  []string
}

func startSNS(t *testing.T, status int, code string) (*snsServer, *sns.Client) {
	t.Helper()
	s := &snsServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form := map[string]string{}
		for k, v := range r.PostForm {
			form[k] = v[0]
		}
		s.mu.Lock()
		s.forms = append(s.forms, form)
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		if status != 0 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">`+
				`<Error><Type>Sender</Type><Code>%s</Code><Message>refused for +15555550123</Message></Error>`+
				`<RequestId>req-1</RequestId></ErrorResponse>`, code)
			return
		}
		fmt.Fprint(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">`+
			`<PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>`+
			`<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>`+
			`</PublishResponse>`)
	}))
	t.Cleanup(srv.Close)
	client := sns.New(sns.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint:     aws.String(srv.URL),
		RetryMaxAttempts: 1, // the worker retries; here one request per Send keeps the count exact
	})
	return s, client
}

func TestSNSPublish(t *testing.T) {
	s, client := startSNS(t, 0, "")
	if err := delivery.NewSNS(client).Send(t.Context(), smsMessage(3)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(s.forms) != 1 {
		t.Fatalf("%d requests, want 1", len(s.forms))
	}
	for k, want := range map[string]string{
		"Action":                         "Publish",
		"Version":                        "2010-03-31",
		"PhoneNumber":                    "+15555550123",
		"Message":                        "Your code is 123456",
		"MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SMSType",
		"MessageAttributes.entry.1.Value.DataType":    "String",
		"MessageAttributes.entry.1.Value.StringValue": "Transactional",
	} {
		if got := s.forms[0][k]; got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(s.auth[0], "Credential=AKIDTEST/") || !strings.Contains(s.auth[0], "/sns/aws4_request") {
		t.Errorf("Authorization %q: want a SigV4 signature for sns", s.auth[0])
	}
}

func TestSNSErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		code      string
		permanent bool
	}{
		{400, "InvalidParameter", true},
		{400, "ParameterValueInvalid", true},
		{400, "OptedOut", true},
		{400, "Throttled", false},
		{403, "AuthorizationError", false},
		{403, "InvalidClientTokenId", false},
		{500, "InternalError", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			_, client := startSNS(t, tc.status, tc.code)
			err := delivery.NewSNS(client).Send(t.Context(), smsMessage(3))
			if err == nil || !strings.Contains(err.Error(), tc.code) {
				t.Fatalf("err = %v, want the SNS error %s", err, tc.code)
			}
			if delivery.IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v", !tc.permanent, tc.permanent)
			}
		})
	}
}

func TestWebhookPayload(t *testing.T) {
	var (
		mu     sync.Mutex
		bodies []map[string]any
		keys   []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
			json.NewDecoder(r.Body).Decode(&v) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		bodies, keys = append(bodies, v), append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	h := delivery.NewWebhook(srv.URL+"/sms", nil)
	for range 2 {
		if err := h.Send(t.Context(), smsMessage(77)); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	want := map[string]any{"id": 77.0, "userPoolId": "us-east-1_Test", "username": "alice",
		"purpose": "RESET", "to": "+15555550123", "message": "Your code is 123456"}
	if fmt.Sprint(bodies[0]) != fmt.Sprint(want) {
		t.Errorf("payload %v\nwant    %v", bodies[0], want)
	}
	if keys[0] != "userpool-outbox-77" || keys[1] != keys[0] {
		t.Errorf("Idempotency-Keys %q: want userpool-outbox-77 on every attempt", keys)
	}
}

func TestWebhookStatuses(t *testing.T) {
	for _, tc := range []struct {
		status    int
		ok        bool
		permanent bool
	}{
		{200, true, false}, {202, true, false}, {204, true, false},
		{400, false, true}, {404, false, true}, {422, false, true},
		{401, false, false}, {403, false, false}, {408, false, false}, {409, false, false},
		{429, false, false}, {500, false, false}, {503, false, false},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, "gateway says hi")
			}))
			t.Cleanup(srv.Close)
			err := delivery.NewWebhook(srv.URL, nil).Send(t.Context(), smsMessage(1))
			if (err == nil) != tc.ok || delivery.IsPermanent(err) != tc.permanent {
				t.Errorf("err = %v (permanent %v), want ok %v permanent %v",
					err, delivery.IsPermanent(err), tc.ok, tc.permanent)
			}
			if err != nil && !strings.Contains(err.Error(), "gateway says hi") {
				t.Errorf("error %q lacks the reply", err)
			}
		})
	}
}

func TestWebhookFailures(t *testing.T) {
	t.Run("network error", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		err := delivery.NewWebhook(srv.URL, nil).Send(t.Context(), smsMessage(1))
		if err == nil || delivery.IsPermanent(err) {
			t.Errorf("err = %v, want retryable", err)
		}
	})
	t.Run("huge error body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			chunk := strings.Repeat("x", 1<<16)
			for range 1 << 10 { // 64 MiB, unless the client hangs up first
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		}))
		t.Cleanup(srv.Close)
		err := delivery.NewWebhook(srv.URL, nil).Send(t.Context(), smsMessage(1))
		if err == nil || len(err.Error()) > 1024 {
			t.Errorf("err has %d bytes, want a short error", len(fmt.Sprint(err)))
		}
	})
	t.Run("redirect to GET is not a delivery", func(t *testing.T) {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /old", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/new", http.StatusFound)
		})
		mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		for name, client := range map[string]*http.Client{"nil client": nil, "default client": {}} {
			if err := delivery.NewWebhook(srv.URL+"/old", client).Send(t.Context(), smsMessage(1)); err == nil {
				t.Errorf("%s: a redirect to GET counted as delivered", name)
			}
		}
	})
}
