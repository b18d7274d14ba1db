package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userpool/userpool/internal/apimodel"
	"github.com/userpool/userpool/internal/hosted"
	"github.com/userpool/userpool/internal/userpool"
)

// DefaultMaxBody caps request bodies. Cognito's largest legitimate inputs
// (an email template of 20,000 characters, UserContextData of 131,072) fit
// well inside 1 MiB.
const DefaultMaxBody = 1 << 20

// Config holds what the HTTP edge needs.
type Config struct {
	Service *userpool.Service
	Log     *slog.Logger
	// MaxBody is the request body limit in bytes (DefaultMaxBody if 0).
	MaxBody int64
	// Dev mounts the development API under /_userpool/ (devapi.go), with
	// DevClock as the clock it moves; without Dev those paths are 404.
	Dev      bool
	DevClock *userpool.DevClock
	// DevPublic makes the development API require an admin key (AdminKeys)
	// on every call, for a server reachable from other machines
	// (--dev-listen-public); without it the API answers loopback only.
	DevPublic bool
	// Observe, when set, is called after every AWS JSON request with the
	// operation, the error type ("" for success), the status and the time
	// taken; the caller feeds its metrics with it.
	Observe func(operation, errorType string, status int, d time.Duration)
	// MaxInFlight caps the requests handled at once (0: no cap). Beyond it
	// the server answers TooManyRequestsException at once instead of
	// queueing without bound: memory stays bounded under overload. A
	// request counts only once its body has arrived.
	MaxInFlight int
	// BodyTimeout is how long a request body may take to arrive once its
	// head has (DefaultBodyTimeout if 0); a slower one is answered 408.
	BodyTimeout time.Duration
	// BodyMemory is how many bytes all bodies being read or handled may
	// hold beyond a 16 KiB allowance each (DefaultBodyMemory if 0); a body
	// that does not fit is answered TooManyRequestsException.
	BodyMemory int64
	// AdminKeys maps access key IDs to secret keys for SigV4 verification
	// of the IAM-authorised operations (all but the model's public ones).
	AdminKeys map[string]string
	// AllowUnsigned accepts IAM-authorised operations without a signature
	// when AdminKeys is empty. Without keys and without it, every such
	// operation is refused with MissingAuthenticationTokenException.
	AllowUnsigned bool
	// CORSOrigins are the browser origins (scheme://host[:port]) that may
	// make unsigned admin calls when AllowUnsigned is in effect. Every other
	// origin may only make public calls unsigned (cors.go).
	CORSOrigins []string
}

// Server is the HTTP handler.
type Server struct {
	svc     *userpool.Service
	log     *slog.Logger
	maxBody int64
	routes  map[string]handler
	mux     *http.ServeMux
	observe func(operation, errorType string, status int, d time.Duration)
	slots   chan struct{} // in-flight cap; nil: none
	iam     iam
	// corsOrigins may make unsigned admin calls (cors.go).
	corsOrigins map[string]bool
	devPublic   bool // the development API needs an admin key (devapi.go)
	hosted      http.Handler
	// Request bodies: read whole before admission (body.go).
	bodyTimeout time.Duration
	budget      bodyBudget
}

// New builds the handler.
func New(cfg Config) *Server {
	s := &Server{svc: cfg.Service, log: cfg.Log, maxBody: cfg.MaxBody, routes: routes(cfg.Service), mux: http.NewServeMux(),
		observe: cfg.Observe, iam: iam{keys: cfg.AdminKeys, unsigned: cfg.AllowUnsigned, now: time.Now}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxInFlight > 0 {
		s.slots = make(chan struct{}, cfg.MaxInFlight)
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBody
	}
	s.corsOrigins = make(map[string]bool, len(cfg.CORSOrigins))
	for _, o := range cfg.CORSOrigins {
		s.corsOrigins[strings.TrimSuffix(o, "/")] = true
	}
	s.bodyTimeout = cmp.Or(cfg.BodyTimeout, DefaultBodyTimeout)
	s.budget.free.Store(cmp.Or(cfg.BodyMemory, DefaultBodyMemory))
	s.mux.HandleFunc("POST /{$}", s.serveAPI)
	s.mux.HandleFunc("OPTIONS /{$}", s.preflight)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	s.mux.HandleFunc("GET /{pool}/.well-known/jwks.json", s.jwks)
	s.mux.HandleFunc("GET /{pool}/.well-known/openid-configuration", s.openidConfiguration)
	// Hosted domains: OAuth endpoints and pages (internal/hosted), routed by
	// prefix in ServeHTTP (a mux pattern would overlap /{pool}/.well-known).
	s.hosted = hosted.New(hosted.Config{Service: cfg.Service, Log: s.log})
	if cfg.Dev {
		if cfg.DevClock == nil {
			cfg.DevClock = &userpool.DevClock{}
		}
		s.devPublic = cfg.DevPublic
		s.registerDevAPI(cfg.Service, cfg.DevClock)
	}
	return s
}

// ServeHTTP sets the request ID and CORS headers every response carries,
// and turns a panic into InternalErrorException without leaking details.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := uuid.NewString()
	h := w.Header()
	h.Set("x-amzn-RequestId", id)
	// Browsers (Amplify, amazon-cognito-identity-js) call Cognito cross-origin;
	// Cognito allows any origin and exposes the x-amzn headers. The
	// development API is deliberately left out: with CORS open there, any
	// web page a developer visits could read codes from a local --dev server.
	// The hosted domains set their own: their pages must not be readable
	// cross-origin (internal/hosted).
	if !strings.HasPrefix(r.URL.Path, "/_userpool/") && !strings.HasPrefix(r.URL.Path, hosted.PathPrefix) {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date")
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer s.logRequest(sw, r, id, time.Now())
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "request_id", id, "panic", fmt.Sprint(p))
			writeError(sw, userpool.InternalError, msgInternal)
		}
	}()
	if r.Body != nil && r.Body != http.NoBody && !exempt(r) {
		var release func()
		var err error
		r, release, err = s.readBody(sw, r)
		defer release()
		if err != nil {
			s.bodyFailed(sw, err)
			return
		}
	}
	// A slot is taken only for a request whose body is complete: a slow
	// client holds its own connection, never a slot (readBody).
	if !s.admit(r) {
		writeError(sw, userpool.TooManyRequests, msgTooManyRequests)
		return
	}
	defer s.leave(r)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	if strings.HasPrefix(r.URL.Path, hosted.PathPrefix) {
		s.hosted.ServeHTTP(sw, r)
		return
	}
	s.mux.ServeHTTP(sw, r)
}

// logRequest logs every request once it is answered and feeds the metrics
// hook. AWS JSON calls are logged at info with the operation (from the
// model, never a client-chosen string), status, error type and latency —
// never a body, which may hold passwords or codes; other paths (health
// checks, JWKS, the development API) at debug.
func (s *Server) logRequest(sw *statusWriter, r *http.Request, id string, start time.Time) {
	d := time.Since(start)
	op, isAPI := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if !isAPI || r.URL.Path != "/" || r.Method != http.MethodPost {
		s.log.Debug("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", d)
		return
	}
	if _, known := apimodel.Lookup(op); !known {
		op = "unknown" // bounded values: never a client-chosen string
	}
	errType := strings.TrimSuffix(sw.Header().Get("x-amzn-ErrorType"), ":")
	s.log.Info("request", "request_id", id, "operation", op, "status", sw.status, "error", errType,
		"latency_ms", float64(d.Microseconds())/1000)
	if s.observe != nil {
		s.observe(op, errType, sw.status, d)
	}
}

// admit takes an in-flight slot without waiting. Health checks are exempt,
// so an overloaded server can still be observed (metrics have a listener
// of their own).
func (s *Server) admit(r *http.Request) bool {
	if s.slots == nil || exempt(r) {
		return true
	}
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Server) leave(r *http.Request) {
	if s.slots != nil && !exempt(r) {
		<-s.slots
	}
}

func exempt(r *http.Request) bool { return r.URL.Path == "/healthz" }

// statusWriter remembers the status written, for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type requestIDKey struct{}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	}
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusOK)
}

// serveAPI handles one AWS JSON 1.1 call: target, content type, body cap,
// model validation, the operation, and the response.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	model, known := apimodel.Lookup(name)
	if !ok || !known {
		writeError(w, unknownOperationException, "")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), jsonType) {
		s.wrongContentType(w)
		return
	}
	body := bodyOf(r) // read whole by ServeHTTP, within --max-body and --body-timeout
	if !model.Public {
		if s.iam.open() && !s.unsignedAdminOK(w, r) {
			return
		}
		if err := s.iam.check(r, body); err != nil {
			s.log.Info("request not authenticated", "request_id", requestID(r), "target", name, "error", err.Code)
			writeErrorStatus(w, err.Status, err.Code, err.Message)
			return
		}
	}
	h, ok := s.routes[name]
	if !ok {
		// Validation still comes first, as for every modelled operation.
		if err := model.Validate(body); err != nil {
			s.fail(w, r, err)
			return
		}
		writeError(w, userpool.UnsupportedOperation, fmt.Sprintf(msgNotImplementedF, name))
		return
	}
	in, err := h.decode(model, body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := h.call(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeResult(w, b)
}

// wrongContentType answers as Cognito's Coral front end does for a body that
// is not application/x-amz-json-1.1 (spec §1.4, OBS; status UNVERIFIED).
func (s *Server) wrongContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", unknownOperationException+":")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}`)
}

// fail writes err; unexpected errors are logged with the request ID (never
// with the request body, which may hold passwords or codes).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg, ok := classify(err)
	if !ok {
		s.log.Error("internal error", "request_id", requestID(r), "target", r.Header.Get("X-Amz-Target"), "err", err)
	}
	writeError(w, code, msg)
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	doc, err := s.svc.JWKS(r.Context(), r.PathValue("pool"))
	s.writeDocument(w, r, doc, err)
}

func (s *Server) openidConfiguration(w http.ResponseWriter, r *http.Request) {
	doc, err := s.svc.OpenIDConfiguration(r.Context(), r.PathValue("pool"))
	s.writeDocument(w, r, doc, err)
}

// writeDocument serves a plain JSON document (the well-known endpoints are
// not AWS JSON 1.1: an unknown pool is a 404).
func (s *Server) writeDocument(w http.ResponseWriter, r *http.Request, doc any, err error) {
	var ue *userpool.Error
	if errors.As(err, &ue) && ue.Code == userpool.ResourceNotFound {
		http.Error(w, ue.Message, http.StatusNotFound)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}
