package loadgen

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// MaxSlowBodies bounds --slow-bodies.
const MaxSlowBodies = 10_000

// slowBodies keeps n connections to the server open during the timed
// phases, each having sent a complete request head and 16 bytes of a
// 1024-byte body, then nothing: the slow-body attack of issue 13. Whatever
// the server does with them (a body timeout answers and closes), each is
// replaced at once, so n stay open; the report then shows whether normal
// clients are still served, and how fast.
type slowBodies struct {
	open   atomic.Int64
	stop   context.CancelFunc
	wg     sync.WaitGroup
	dialed atomic.Int64
}

// holdSlowBodies starts n holders against addr (host:port, plain TCP).
func holdSlowBodies(ctx context.Context, addr string, n int) *slowBodies {
	ctx, cancel := context.WithCancel(ctx)
	s := &slowBodies{stop: cancel}
	for range n {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for ctx.Err() == nil {
				s.holdOne(ctx, addr)
			}
		}()
	}
	return s
}

func (s *slowBodies) holdOne(ctx context.Context, addr string) {
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		select { // the server refuses connections: back off a little
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
		return
	}
	s.dialed.Add(1)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"X-Amz-Target: AWSCognitoIdentityProviderService.ForgotPassword\r\nContent-Length: 1024\r\n\r\n{\"ClientId\":\"x\",", addr)
	if err != nil {
		return
	}
	s.open.Add(1)
	defer s.open.Add(-1)
	_, _ = io.Copy(io.Discard, conn) // until the server answers and closes, or the run ends
}

// end closes every connection and reports how many were opened in all.
func (s *slowBodies) end() int64 {
	s.stop()
	s.wg.Wait()
	return s.dialed.Load()
}

// hostPort is the endpoint's host:port, with the scheme's default port.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}
