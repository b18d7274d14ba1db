package triggers_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/userpool/userpool/internal/lambdatest"
	"github.com/userpool/userpool/internal/triggers"
)

// newLambdaClient is a real aws-sdk-go-v2 Lambda client aimed at endpoint.
func newLambdaClient(endpoint string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

// newInvoker starts a fake Lambda and an invoker for it with Cognito's
// defaults, except a 200 ms timeout and no pause between attempts.
func newInvoker(t *testing.T) (*lambdatest.Server, *triggers.LambdaInvoker) {
	t.Helper()
	s := lambdatest.Start(t)
	inv := triggers.NewLambdaInvoker(newLambdaClient(s.URL))
	inv.Timeout = 200 * time.Millisecond
	inv.RetryDelay = 0
	return s, inv
}

// functionRefs are the two ways a trigger can name its function.
func functionRefs(name string) map[string]string {
	return map[string]string{"name": name, "arn": "arn:aws:lambda:us-east-1:123456789012:function:" + name}
}

// handler builds a function the way trigger code is written in JavaScript:
// take the event, fill in response, return the whole event.
func handler(fill func(ev map[string]any)) lambdatest.Func {
	return func(raw json.RawMessage) (any, error) {
		var ev map[string]any
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		fill(ev)
		return ev, nil
	}
}

// onlyEvent returns the single recorded event, failing unless there was
// exactly one invocation.
func onlyEvent(t *testing.T, s *lambdatest.Server) string {
	t.Helper()
	calls := s.Invocations()
	if len(calls) != 1 {
		t.Fatalf("%d invocations, want 1", len(calls))
	}
	if calls[0].InvocationType != "RequestResponse" {
		t.Errorf("X-Amz-Invocation-Type %q, want RequestResponse", calls[0].InvocationType)
	}
	return string(calls[0].Event)
}

func ptr[T any](v T) *T { return &v }
