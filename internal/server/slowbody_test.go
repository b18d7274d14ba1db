package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// stallBody opens a connection, sends a complete request head for an API
// call and part of its body, then sends nothing more: a slow-body client.
func stallBody(t *testing.T, url string, contentLength, sent int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"X-Amz-Target: AWSCognitoIdentityProviderService.ForgotPassword\r\nContent-Length: %d\r\n\r\n%s",
		contentLength, strings.Repeat(" ", sent))
	return conn
}

// TestSlowBodiesDoNotTakeInFlightSlots: clients that send a request head
// and part of a body, then stall, must not hold the in-flight slots: the
// slot is taken only once the body is complete, so everyone else is still
// served. (Before the fix 8 stalled bodies took all 4 slots and every other
// call answered TooManyRequestsException.)
func TestSlowBodiesDoNotTakeInFlightSlots(t *testing.T) {
	e := newEnv(t, withMaxInFlight(4))
	for range 8 {
		stallBody(t, e.URL, 1000, 10)
	}
	// The stalled requests reach the handler before this call is made: a
	// request head is parsed as soon as it arrives, but there is no signal
	// to wait for, so the call is repeated until it has been served after
	// every stalled connection was accepted.
	for range 20 {
		resp := e.raw("AWSCognitoIdentityProviderService.ListUserPools", amzJSON, `{"MaxResults":1}`)
		if body := readAll(t, resp); resp.StatusCode != 200 {
			t.Fatalf("a normal call while slow bodies are open: %d %s", resp.StatusCode, body)
		}
	}
}

// TestSlowBodyIsCutOff: a body that does not arrive within the body timeout
// ends its own request, with an answer, and the connection is closed.
func TestSlowBodyIsCutOff(t *testing.T) {
	e := newEnv(t, withBodyTimeout(200*time.Millisecond))
	conn := stallBody(t, e.URL, 1000, 10)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second)) // a hang fails the test, not the suite
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 408 || resp.Header.Get("x-amzn-ErrorType") != "RequestTimeoutException:" || !resp.Close {
		t.Fatalf("got %d %q close=%v %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), resp.Close, body)
	}
}

// TestExpectContinueTooLarge: a request announcing a body over --max-body
// with Expect: 100-continue is refused with 413 before any of it is read
// (no 100 Continue is sent).
func TestExpectContinueTooLarge(t *testing.T) {
	e := newEnv(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"X-Amz-Target: AWSCognitoIdentityProviderService.CreateUserPool\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", 50<<20)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || resp.Header.Get("x-amzn-ErrorType") != "RequestEntityTooLargeException:" {
		t.Fatalf("got %d %q %s (a 100 Continue first would show here as status 100)", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
	}
}

// TestBodyMemoryIsBounded: bodies in flight may hold at most the body
// memory budget beyond a small per-request allowance; a large body that
// does not fit is refused with TooManyRequestsException, while small calls
// (within the allowance) are still served.
func TestBodyMemoryIsBounded(t *testing.T) {
	e := newEnv(t, withBodyMemory(256<<10))
	// Three stalled 200 KiB bodies: the third cannot be buffered within a
	// 256 KiB budget (each grows past the allowance as its bytes arrive).
	for range 3 {
		stallBody(t, e.URL, 300<<10, 200<<10)
	}
	big := `{"PoolName":"` + strings.Repeat("a", 100<<10) + `"}`
	// The stalled bodies take the budget as their bytes reach the server,
	// which under load may take a moment: try until refused, for a while.
	var refused bool
	for deadline := time.Now().Add(8 * time.Second); time.Now().Before(deadline); {
		resp := e.raw("AWSCognitoIdentityProviderService.CreateUserPool", amzJSON, big)
		body := readAll(t, resp)
		if resp.StatusCode == 400 && resp.Header.Get("x-amzn-ErrorType") == "TooManyRequestsException:" {
			refused = true
			break
		}
		if resp.StatusCode != 400 { // the pool name is too long for the model: 400 InvalidParameter otherwise
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	}
	if !refused {
		t.Fatal("a large body was buffered beyond the body memory budget")
	}
	resp := e.raw("AWSCognitoIdentityProviderService.ListUserPools", amzJSON, `{"MaxResults":1}`)
	if body := readAll(t, resp); resp.StatusCode != 200 {
		t.Fatalf("a small call while the budget is taken: %d %s", resp.StatusCode, body)
	}
}
