// Package lambdatest runs an HTTP server on loopback that speaks the AWS
// Lambda Invoke API, so tests can point a real aws-sdk-go-v2 lambda client
// (BaseEndpoint = Server.URL) at functions written in Go. Real Lambda cannot
// run in tests; this fake exists only for that reason and reproduces the
// parts of the wire format a caller can observe:
//
//   - Route: POST /2015-03-31/functions/{FunctionName}/invocations, with
//     FunctionName a name ("my-fn"), a name with a qualifier ("my-fn:prod"),
//     a partial ARN ("123456789012:function:my-fn") or a full ARN
//     ("arn:aws:lambda:us-east-1:123456789012:function:my-fn"), URL-escaped or
//     not, and an optional ?Qualifier= query parameter.
//   - Request headers: X-Amz-Invocation-Type RequestResponse (the default when
//     absent) runs the function and returns its result; Event runs it and
//     answers 202 with an empty body (inline here, not asynchronously); DryRun
//     answers 204 without running it; anything else is a 400
//     InvalidParameterValueException. The body must be JSON, else 400
//     InvalidRequestContentException, as Lambda does.
//   - Success: HTTP 200, Content-Type application/json,
//     X-Amz-Executed-Version $LATEST, x-amzn-RequestId, body = the function's
//     JSON result.
//   - Function error: HTTP 200 (not 4xx/5xx: Lambda reports a function's own
//     failure in a successful Invoke) with X-Amz-Function-Error: Unhandled and
//     body {"errorMessage":"...","errorType":"Error"}, as the Node.js runtime
//     reports a thrown Error.
//   - Service errors: the HTTP status, x-amzn-ErrorType: <Code> and a JSON
//     body {"Type":"User"|"Service","Message":"..."} (or {"message":"..."} when
//     no Type is given), which is what the SDK's restJson1 error decoder reads.
//     An unknown function is 404 ResourceNotFoundException with Lambda's
//     "Function not found: <arn>" message.
//
// Not reproduced: SigV4 verification (any signature is accepted), the
// X-Amz-Log-Type tail log, client context, payload size limits, throttling,
// aliases and versions (a qualifier is recorded but every qualifier runs the
// same function).
package lambdatest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Func is a function body: it gets the raw event and returns the value to
// send back as the payload (marshalled as JSON, or written verbatim when it
// is Raw). A returned *ServiceError makes the Lambda service itself fail; any
// other error is the function failing (an "Unhandled" function error).
type Func func(event json.RawMessage) (any, error)

// Raw is a payload written verbatim, not marshalled: return it from a Func to
// hand the caller bytes that are not JSON.
type Raw []byte

// ServiceError, returned by a Func, makes the server answer as the Lambda
// service does when the invocation itself fails (throttling, an internal
// error, a permission problem) rather than the function.
type ServiceError struct {
	Status  int    // HTTP status, e.g. 500 or 429
	Code    string // x-amzn-ErrorType, e.g. "ServiceException"
	Type    string // "User" or "Service"; empty selects the {"message": ...} body
	Message string
}

func (e *ServiceError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// InternalError is the ServiceError Lambda answers when it fails internally:
// 500 ServiceException.
func InternalError(message string) *ServiceError {
	return &ServiceError{Status: http.StatusInternalServerError, Code: "ServiceException", Type: "Service", Message: message}
}

// Option changes how one registered function behaves.
type Option func(*function)

// Delay makes the function take d before answering: longer than the caller's
// timeout, it simulates a slow function. The wait ends early when the caller
// hangs up, so a test never waits for the full d at shutdown.
func Delay(d time.Duration) Option { return func(f *function) { f.delay = d } }

// Invocation is one request received on the invoke route, recorded before
// the function runs (so an attempt the caller abandoned still counts).
type Invocation struct {
	FunctionName   string // the path parameter as sent, unescaped (name or ARN)
	Name           string // the function name it resolves to
	Qualifier      string // from the name/ARN suffix or ?Qualifier=
	InvocationType string // X-Amz-Invocation-Type, "" when absent
	Event          json.RawMessage
}

// Server is a recording Lambda Invoke endpoint.
type Server struct {
	URL     string // base endpoint, e.g. http://127.0.0.1:41234
	Region  string // used in ARNs of error messages
	Account string // used in ARNs of error messages

	srv   *httptest.Server
	mu    sync.Mutex
	funcs map[string]*function
	calls []Invocation
}

type function struct {
	fn    Func
	delay time.Duration
}

// Start runs a server on 127.0.0.1:0 until the test ends. Its Region is
// us-east-1 and its Account 123456789012.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{Region: "us-east-1", Account: "123456789012", funcs: map[string]*function{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{function}/invocations", s.invoke)
	s.srv = httptest.NewServer(mux) // listens on 127.0.0.1:0
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Handle registers (or replaces) the function called name.
func (s *Server) Handle(name string, fn Func, opts ...Option) {
	f := &function{fn: fn}
	for _, o := range opts {
		o(f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.funcs[name] = f
}

// ARN returns the full ARN of the function called name on this server.
func (s *Server) ARN(name string) string {
	return "arn:aws:lambda:" + s.Region + ":" + s.Account + ":function:" + name
}

// Invocations returns a copy of every invocation received so far, in order.
func (s *Server) Invocations() []Invocation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invocation(nil), s.calls...)
}

// InvocationsOf returns the invocations that resolved to the function name.
func (s *Server) InvocationsOf(name string) []Invocation {
	var out []Invocation
	for _, c := range s.Invocations() {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) invoke(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", requestID())
	raw := r.PathValue("function")
	name, qualifier := parseFunctionName(raw)
	if q := r.URL.Query().Get("Qualifier"); q != "" {
		qualifier = q
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the caller hung up
	}
	typ := r.Header.Get("X-Amz-Invocation-Type")

	s.mu.Lock()
	f := s.funcs[name]
	s.calls = append(s.calls, Invocation{FunctionName: raw, Name: name, Qualifier: qualifier,
		InvocationType: typ, Event: json.RawMessage(body)})
	s.mu.Unlock()

	switch {
	case f == nil:
		writeServiceError(w, &ServiceError{Status: http.StatusNotFound, Code: "ResourceNotFoundException",
			Type: "User", Message: "Function not found: " + s.ARN(name)})
		return
	case typ != "" && typ != "RequestResponse" && typ != "Event" && typ != "DryRun":
		writeServiceError(w, &ServiceError{Status: http.StatusBadRequest, Code: "InvalidParameterValueException",
			Type: "User", Message: "Unsupported invocation type " + typ})
		return
	case !json.Valid(body):
		writeServiceError(w, &ServiceError{Status: http.StatusBadRequest, Code: "InvalidRequestContentException",
			Type: "User", Message: "Could not parse request body into json"})
		return
	case typ == "DryRun":
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !wait(r, f.delay) {
		return
	}
	result, err := f.fn(json.RawMessage(body))
	if se := (*ServiceError)(nil); errors.As(err, &se) {
		writeServiceError(w, se)
		return
	}
	payload, ferr := encodeResult(result, err)
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	if ferr {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	if typ == "Event" {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(payload)
}

// encodeResult turns what a Func returned into the response payload, and
// reports whether it is a function error.
func encodeResult(result any, err error) (payload []byte, functionError bool) {
	if err != nil {
		return errorPayload(err.Error(), "Error"), true
	}
	if raw, ok := result.(Raw); ok {
		return raw, false
	}
	b, err := json.Marshal(result)
	if err != nil {
		// What the Python runtime reports for an unserialisable result.
		return errorPayload("Unable to marshal response: "+err.Error(), "Runtime.MarshalError"), true
	}
	return b, false
}

func errorPayload(message, errorType string) []byte {
	b, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{message, errorType})
	return b
}

func writeServiceError(w http.ResponseWriter, e *ServiceError) {
	var body any = map[string]string{"Type": e.Type, "Message": e.Message}
	if e.Type == "" {
		body = map[string]string{"message": e.Message}
	}
	b, _ := json.Marshal(body)
	w.Header().Set("x-amzn-ErrorType", e.Code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

// wait sleeps d, and reports false if the caller hung up first.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// parseFunctionName resolves the forms Lambda accepts for FunctionName to a
// function name and a qualifier: "name", "name:qualifier",
// "account:function:name[:qualifier]" and
// "arn:aws:lambda:region:account:function:name[:qualifier]".
func parseFunctionName(s string) (name, qualifier string) {
	parts := strings.Split(s, ":")
	for i, p := range parts {
		if p == "function" && i+1 < len(parts) {
			parts = parts[i+1:]
			break
		}
	}
	name = parts[0]
	if len(parts) > 1 {
		qualifier = parts[1]
	}
	return name, qualifier
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
