package lambdatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/userpool/userpool/internal/lambdatest"
)

// post sends a raw invoke request, so the wire format itself is asserted
// (headers, status, body bytes), not only what the SDK makes of it.
func post(t *testing.T, s *lambdatest.Server, function, invocationType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		s.URL+"/2015-03-31/functions/"+url.PathEscape(function)+"/invocations", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if invocationType != "" {
		req.Header.Set("X-Amz-Invocation-Type", invocationType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func echo(event json.RawMessage) (any, error) { return event, nil }

func TestSuccessWireFormat(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("echo", echo)
	resp, body := post(t, s, "echo", "RequestResponse", `{"a": 1}`)
	if resp.StatusCode != 200 || body != `{"a":1}` {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	for h, want := range map[string]string{"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST",
		"X-Amz-Function-Error": ""} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}
}

func TestFunctionErrorWireFormat(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("boom", func(json.RawMessage) (any, error) { return nil, errors.New(`Bad "Email"`) })
	resp, body := post(t, s, "boom", "", `{}`)
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" {
		t.Fatalf("got %d, X-Amz-Function-Error %q", resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"))
	}
	if want := `{"errorMessage":"Bad \"Email\"","errorType":"Error"}`; body != want {
		t.Fatalf("body %s, want %s", body, want)
	}
}

func TestUnknownFunctionWireFormat(t *testing.T) {
	s := lambdatest.Start(t)
	resp, body := post(t, s, "arn:aws:lambda:us-east-1:123456789012:function:nope", "", `{}`)
	if resp.StatusCode != 404 || resp.Header.Get("x-amzn-ErrorType") != "ResourceNotFoundException" {
		t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
	if want := `{"Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope","Type":"User"}`; body != want {
		t.Fatalf("body %s, want %s", body, want)
	}
}

func TestServiceErrorBodies(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("svc", func(json.RawMessage) (any, error) { return nil, lambdatest.InternalError("internal") })
	s.Handle("lower", func(json.RawMessage) (any, error) {
		return nil, &lambdatest.ServiceError{Status: 403, Code: "AccessDeniedException", Message: "denied"}
	})
	resp, body := post(t, s, "svc", "", `{}`)
	if resp.StatusCode != 500 || resp.Header.Get("x-amzn-ErrorType") != "ServiceException" ||
		body != `{"Message":"internal","Type":"Service"}` {
		t.Fatalf("svc: %d %q %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
	}
	resp, body = post(t, s, "lower", "", `{}`)
	if resp.StatusCode != 403 || body != `{"message":"denied"}` {
		t.Fatalf("lower: %d %s", resp.StatusCode, body)
	}
}

func TestRequestValidationAndInvocationTypes(t *testing.T) {
	s := lambdatest.Start(t)
	var runs atomic.Int32
	s.Handle("f", func(e json.RawMessage) (any, error) { runs.Add(1); return e, nil })

	if resp, _ := post(t, s, "f", "", `not json`); resp.StatusCode != 400 ||
		resp.Header.Get("x-amzn-ErrorType") != "InvalidRequestContentException" {
		t.Errorf("bad JSON: %d %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
	if resp, _ := post(t, s, "f", "Sometimes", `{}`); resp.StatusCode != 400 {
		t.Errorf("bad invocation type: %d", resp.StatusCode)
	}
	if resp, body := post(t, s, "f", "DryRun", `{}`); resp.StatusCode != 204 || body != "" {
		t.Errorf("DryRun: %d %q", resp.StatusCode, body)
	}
	if runs.Load() != 0 {
		t.Fatalf("function ran %d times on rejected or dry-run requests", runs.Load())
	}
	if resp, body := post(t, s, "f", "Event", `{}`); resp.StatusCode != 202 || body != "" || runs.Load() != 1 {
		t.Errorf("Event: %d %q runs=%d", resp.StatusCode, body, runs.Load())
	}
	if n := len(s.InvocationsOf("f")); n != 4 {
		t.Errorf("recorded %d invocations, want 4 (bad JSON, bad type, DryRun, Event)", n)
	}
}

func TestFunctionNameForms(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("fn", echo)
	for _, tc := range []struct{ in, qualifier string }{
		{"fn", ""},
		{"fn:live", "live"},
		{"123456789012:function:fn", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:fn", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:fn:7", "7"},
	} {
		resp, _ := post(t, s, tc.in, "", `{}`)
		calls := s.Invocations()
		last := calls[len(calls)-1]
		if resp.StatusCode != 200 || last.Name != "fn" || last.Qualifier != tc.qualifier || last.FunctionName != tc.in {
			t.Errorf("%s: status %d, recorded %+v", tc.in, resp.StatusCode, last)
		}
	}
}

func TestRawPayloadIsWrittenVerbatim(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("garbage", func(json.RawMessage) (any, error) { return lambdatest.Raw("<html>oops"), nil })
	if resp, body := post(t, s, "garbage", "", `{}`); resp.StatusCode != 200 || body != "<html>oops" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

func TestDelayEndsWhenCallerHangsUp(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("slow", echo, lambdatest.Delay(time.Minute))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/2015-03-31/functions/slow/invocations",
		strings.NewReader(`{}`))
	start := time.Now()
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("request took %v", d)
	}
	// Test cleanup closes the server; it would hang for a minute if the
	// handler kept sleeping.
}

// The real SDK decodes the fake's answers into the SDK's own types: the
// independent check that the wire format is Lambda's.
func TestSDKDecodesFakeAnswers(t *testing.T) {
	s := lambdatest.Start(t)
	s.Handle("boom", func(json.RawMessage) (any, error) { return nil, errors.New("Bad Email") })
	s.Handle("svc", func(json.RawMessage) (any, error) { return nil, lambdatest.InternalError("internal") })
	client := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1})

	out, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String(s.ARN("boom")),
		InvocationType: types.InvocationTypeRequestResponse, Payload: []byte(`{}`)})
	if err != nil || aws.ToString(out.FunctionError) != "Unhandled" || out.StatusCode != 200 ||
		string(out.Payload) != `{"errorMessage":"Bad Email","errorType":"Error"}` {
		t.Fatalf("function error: %+v, %v", out, err)
	}
	if got := s.Invocations()[0]; got.FunctionName != s.ARN("boom") || got.InvocationType != "RequestResponse" {
		t.Errorf("recorded %+v", got)
	}

	var nf *types.ResourceNotFoundException
	_, err = client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("nope"), Payload: []byte(`{}`)})
	if !errors.As(err, &nf) || aws.ToString(nf.Message) != "Function not found: "+s.ARN("nope") || aws.ToString(nf.Type) != "User" {
		t.Fatalf("unknown function: %v", err)
	}
	var se *types.ServiceException
	_, err = client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("svc"), Payload: []byte(`{}`)})
	if !errors.As(err, &se) || aws.ToString(se.Message) != "internal" {
		t.Fatalf("service error: %v", err)
	}
}
