package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/userpool/userpool/internal/userpool"
)

// Defaults of the body limits (Config.BodyTimeout, Config.BodyMemory).
const (
	DefaultBodyTimeout = 10 * time.Second
	DefaultBodyMemory  = 64 << 20
	// bodyAllowance is the part of every body that is never charged to the
	// shared budget: Cognito calls are a few hundred bytes to a few KiB
	// (a full CreateUserPool is ~3 KiB), so ordinary calls can never be
	// refused because others hold the budget. Its memory is per connection,
	// like the 64 KiB of request head a connection may already send.
	bodyAllowance = 16 << 10
)

// bodyBudget bounds the memory that request bodies in flight may take
// beyond their allowance, so that many large or slow bodies cannot exhaust
// memory: before it, 512 in-flight slots × 1 MiB could be held at once.
type bodyBudget struct {
	free atomic.Int64
}

// take reserves n bytes without waiting.
func (b *bodyBudget) take(n int64) bool {
	if b.free.Add(-n) >= 0 {
		return true
	}
	b.free.Add(n)
	return false
}

func (b *bodyBudget) give(n int64) { b.free.Add(n) }

// Why a body could not be read.
var (
	errBodyTooLarge = errors.New("body too large")
	errBodyTimeout  = errors.New("body timeout")
	errBodyBudget   = errors.New("body memory budget exhausted")
	errBodyGone     = errors.New("client went away")
)

type bodyKey struct{}

// bodyOf returns the body readBody buffered for r.
func bodyOf(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

// readBody reads the whole request body before the request takes an
// in-flight slot, within s.bodyTimeout and s.maxBody, charging what goes
// beyond the allowance to the shared budget as it arrives. A slow client
// therefore holds only its own connection and the bytes it actually sent,
// and only until the timeout. It returns the request with the body in its
// context (and r.Body replaced by a reader over it) and a release func for
// the budget, to call when the request is done.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (*http.Request, func(), error) {
	if r.ContentLength > s.maxBody {
		// Refused before reading anything: with Expect: 100-continue, Go
		// sends "100 Continue" only once the handler reads the body.
		return r, func() {}, errBodyTooLarge
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.bodyTimeout))
	var charged int64
	release := func() { s.budget.give(charged) }
	size := int64(512)
	if r.ContentLength > 0 {
		size = r.ContentLength
	}
	buf := make([]byte, 0, min(size, bodyAllowance))
	for {
		if len(buf) == cap(buf) {
			next := min(max(2*int64(cap(buf)), 4096), s.maxBody+1)
			if r.ContentLength > 0 {
				next = min(next, r.ContentLength+1) // room to see EOF, no more
			}
			if need := next - bodyAllowance - charged; need > 0 {
				if !s.budget.take(need) {
					return r, release, errBodyBudget
				}
				charged += need
			}
			buf = append(make([]byte, 0, next), buf...)
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > s.maxBody {
			return r, release, errBodyTooLarge
		}
		switch {
		case err == io.EOF:
			_ = rc.SetReadDeadline(time.Time{}) // the body is in; the server's own deadlines apply again
			r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, buf))
			r.Body = io.NopCloser(bytes.NewReader(buf))
			return r, release, nil
		case errors.Is(err, os.ErrDeadlineExceeded):
			return r, release, errBodyTimeout
		case err != nil:
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return r, release, errBodyTooLarge
			}
			return r, release, errBodyGone
		}
	}
}

// bodyFailed answers a body that could not be read. A timed-out or
// refused body leaves the connection in an unknown state, so it is closed.
func (s *Server) bodyFailed(w http.ResponseWriter, err error) {
	w.Header().Set("Connection", "close")
	switch err {
	case errBodyTooLarge:
		writeError(w, requestTooLargeException, fmt.Sprintf(msgBodyTooLarge, s.maxBody))
	case errBodyTimeout:
		writeError(w, requestTimeoutException, msgBodyTimeout)
	case errBodyBudget:
		writeError(w, userpool.TooManyRequests, msgTooManyRequests)
	}
	// errBodyGone: nobody is listening any more.
}
