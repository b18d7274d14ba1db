package userpool

import (
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/triggers"

	"github.com/userpool/userpool/internal/store"
)

// Invoker calls a Lambda function with a Cognito trigger event and decodes
// its answer (triggers.LambdaInvoker does it over the AWS Lambda Invoke API).
type Invoker = triggers.Invoker

// lambdaFunction returns the ARN the pool's LambdaConfig names for a
// trigger ("UserMigration", "CustomMessage", "PostConfirmation",
// "PreSignUp"), or "" when none is configured.
func (d *poolDoc) lambdaFunction(trigger string) string {
	if len(d.LambdaConfig) == 0 {
		return ""
	}
	var cfg map[string]json.RawMessage
	if json.Unmarshal(d.LambdaConfig, &cfg) != nil {
		return ""
	}
	var arn string
	if json.Unmarshal(cfg[trigger], &arn) != nil {
		return ""
	}
	return arn
}

// eventAttributes renders a user's attributes as trigger events carry them
// (spec §4.2): every value a string, plus "cognito:user_status".
func eventAttributes(u *store.User) map[string]string {
	m := make(map[string]string, len(u.Attributes)+1)
	for _, a := range u.Attributes {
		m[a.Name] = a.Value
	}
	m["cognito:user_status"] = u.Status
	return m
}

// fire invokes the pool's function for source's trigger, if the pool has
// one (configured reports whether it has). Failures become Cognito's
// exceptions (spec §4.1). Never called inside a store transaction.
func fire[Req, Resp any](ctx context.Context, s *Service, pool *poolView, source triggers.Source, userName, clientID string, req Req) (resp Resp, configured bool, err error) {
	fn := pool.doc.lambdaFunction(source.Trigger())
	if fn == "" {
		return resp, false, nil
	}
	if s.cfg.Invoker == nil {
		return resp, true, errNoLambdaEndpoint(source.Trigger())
	}
	ev := triggers.Event[Req, Resp]{Region: s.cfg.Region, UserPoolID: pool.ID, UserName: userName, TriggerSource: source,
		CallerContext: triggers.CallerContext{AWSSDKVersion: "aws-sdk-unknown-unknown", ClientID: clientID}, Request: req}
	resp, err = triggers.Call(ctx, s.cfg.Invoker, fn, ev)
	if err != nil {
		code, msg := triggers.ErrorFor(source.Trigger(), err)
		s.log.Warn("trigger failed", "pool", pool.ID, "trigger", string(source), "error_type", code)
		return resp, true, errTrigger(code, msg)
	}
	return resp, true, nil
}
