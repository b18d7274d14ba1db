package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Hardened HTTP (issue 7): oversized headers, slow clients and a flood of
// connections against the real `serve` configuration.

func TestOversizedHeadersRefused(t *testing.T) {
	url := startServe(t)
	req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KiB header: status %d, want 431", resp.StatusCode)
	}
}

// A client that sends half a request and stalls is cut off after
// --header-timeout instead of holding its connection forever.
func TestSlowClientCutOff(t *testing.T) {
	url := startServe(t, "--header-timeout", "500ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognito"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.ReadAll(conn) // the server closes (possibly after a 408)
	if elapsed := time.Since(start); err != nil || elapsed > 5*time.Second {
		t.Fatalf("connection still open after %v (err %v)", elapsed, err)
	}
}

// 300 clients at once against --max-inflight 8: every request gets a
// well-formed answer — the operation's own or TooManyRequestsException —
// never a 5xx or a dropped connection, and the server stays healthy.
func TestConnectionFlood(t *testing.T) {
	url := startServe(t, "--max-inflight", "8")
	sdk := sdkFor(url)
	_, clientID := recoveryPool(t, sdk, 1)
	body := `{"ClientId":"` + clientID + `","Username":"nobody"}`
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 300 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{}} // a connection of its own
			req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ForgotPassword")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := client.Do(req)
			key := ""
			if err != nil {
				key = "transport error: " + err.Error()
			} else {
				var e struct {
					Type string `json:"__type"`
				}
				_ = json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&e)
				resp.Body.Close()
				key = fmt.Sprintf("%d %s", resp.StatusCode, e.Type)
			}
			mu.Lock()
			seen[key]++
			mu.Unlock()
		})
	}
	wg.Wait()
	for k := range seen {
		if k != "400 UserNotFoundException" && k != "400 TooManyRequestsException" {
			t.Fatalf("unexpected answers %v", seen)
		}
	}
	if seen["400 UserNotFoundException"] == 0 {
		t.Fatalf("no request got through: %v", seen)
	}
	t.Logf("answers: %v", seen)
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after the flood: %v", err)
	}
	resp.Body.Close()
}
