package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/server"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/store/sqlite"
	"github.com/userpool/userpool/internal/userpool"
)

// benchHandler builds the full handler on a temp SQLite file with a pool,
// a client and n users who have a verified email.
func benchHandler(b *testing.B, n int) (http.Handler, string, string) {
	b.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return benchHandlerOn(b, st, n)
}

// benchHandlerOn is benchHandler on st.
func benchHandlerOn(b *testing.B, st store.Store, n int) (http.Handler, string, string) {
	b.Helper()
	ctx := context.Background()
	h, _ := passhash.New(passhash.Minimum, 0)
	svc, err := userpool.New(ctx, st, h, nil, nil, userpool.Config{Region: "us-east-1", IssuerBase: "http://bench",
		Limits: userpool.Limits{Requests: 1 << 30, Confirms: 1 << 30, Window: 3600e9}, FixedCode: benchCode})
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Config{Service: svc, AllowUnsigned: true})
	call := func(op, body string) string { return mustCall(b, srv, op, body) }
	pool := between(call("CreateUserPool", `{"PoolName":"bench"}`), `"Id":"`, `"`)
	client := between(call("CreateUserPoolClient", `{"UserPoolId":"`+pool+`","ClientName":"c"}`), `"ClientId":"`, `"`)
	for i := range n {
		call("AdminCreateUser", fmt.Sprintf(`{"UserPoolId":%q,"Username":"user%d","MessageAction":"SUPPRESS",
			"UserAttributes":[{"Name":"email","Value":"user%d@example.com"},{"Name":"email_verified","Value":"true"}]}`, pool, i, i))
		call("AdminSetUserPassword", fmt.Sprintf(`{"UserPoolId":%q,"Username":"user%d","Password":"Passw0rd!","Permanent":true}`, pool, i))
	}
	return srv, pool, client
}

// benchCode is every code the bench handler issues, so a benchmark can
// confirm without reading the outbox.
const benchCode = "246810"

// mustCall runs one operation in-process and fails unless it succeeds.
func mustCall(b *testing.B, srv http.Handler, op, body string) string {
	b.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, apiRequest(op, body))
	if rec.Code != 200 {
		b.Fatalf("%s: %d %s", op, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func apiRequest(op, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	return r
}

func between(s, start, end string) string {
	_, rest, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(rest, end)
	return v
}

// BenchmarkForgotPassword measures the hot path in-process (no network):
// protocol, validation, user lookup, attempt count, and the durable commit
// of the code and its outbox message.
func BenchmarkForgotPassword(b *testing.B) { benchForgot(b, 100, 1) }

// BenchmarkForgotPasswordConcurrent is BenchmarkForgotPassword with 32
// goroutines, as many as the load target has clients: concurrent
// commits share an fsync (group commit).
func BenchmarkForgotPasswordConcurrent(b *testing.B) { benchForgot(b, 1000, 16) } // 16 × GOMAXPROCS (2 here)

// benchForgot sends ForgotPassword for users in turn from parallelism ×
// GOMAXPROCS goroutines.
func benchForgot(b *testing.B, users, parallelism int) {
	srv, _, client := benchHandler(b, users)
	benchForgotOn(b, srv, client, users, parallelism)
}

// benchForgotOn is benchForgot on a handler made by benchHandlerOn.
func benchForgotOn(b *testing.B, srv http.Handler, client string, users, parallelism int) {
	var i atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := i.Add(1) % int64(users)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, apiRequest("ForgotPassword", fmt.Sprintf(`{"ClientId":%q,"Username":"user%d"}`, client, n)))
			if rec.Code != 200 {
				b.Errorf("%d %s", rec.Code, rec.Body) // not Fatal: this is not the benchmark's goroutine
				return
			}
		}
	})
}

// BenchmarkForgotPasswordUnknownUser is the LEGACY error path: no write.
func BenchmarkForgotPasswordUnknownUser(b *testing.B) {
	srv, _, client := benchHandler(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, apiRequest("ForgotPassword", fmt.Sprintf(`{"ClientId":%q,"Username":"nobody"}`, client)))
		if rec.Code != 400 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkValidationError is the cheapest rejection: the model check.
func BenchmarkValidationError(b *testing.B) {
	srv, _, _ := benchHandler(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, apiRequest("ForgotPassword", `{"ClientId":"","Username":""}`))
		if rec.Code != 400 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkForgotPasswordEnumeration compares the ENABLED answers for a
// real user, an unknown name, a disabled user and a user without a verified
// contact (spec §2.7): each must cost about the same, since every one
// performs the same writes (attempt row and outbox record).
func BenchmarkForgotPasswordEnumeration(b *testing.B) {
	srv, pool, _ := benchHandler(b, 3)
	client := between(mustCall(b, srv, "CreateUserPoolClient",
		`{"UserPoolId":"`+pool+`","ClientName":"e","PreventUserExistenceErrors":"ENABLED"}`), `"ClientId":"`, `"`)
	mustCall(b, srv, "AdminDisableUser", `{"UserPoolId":"`+pool+`","Username":"user1"}`)
	mustCall(b, srv, "AdminUpdateUserAttributes", `{"UserPoolId":"`+pool+`","Username":"user2",`+
		`"UserAttributes":[{"Name":"email_verified","Value":"false"}]}`)
	for _, c := range []struct{ name, user string }{{"real", "user0"}, {"unknown", "ghost"}, {"disabled", "user1"}, {"unverified", "user2"}} {
		b.Run(c.name, func(b *testing.B) {
			body := fmt.Sprintf(`{"ClientId":%q,"Username":%q}`, client, c.user)
			for b.Loop() {
				mustCall(b, srv, "ForgotPassword", body)
			}
		})
	}
}

// BenchmarkForgotAndConfirm is the recovery round trip in-process: a
// ForgotPassword (code + message committed) and a ConfirmForgotPassword
// (code checked in constant time, consumed once, new password hashed at
// minimum cost and stored), 32 callers on 1,000 users.
func BenchmarkForgotAndConfirm(b *testing.B) {
	srv, _, client := benchHandler(b, 1000)
	var i atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			user := fmt.Sprintf("user%d", i.Add(1)%1000)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, apiRequest("ForgotPassword", fmt.Sprintf(`{"ClientId":%q,"Username":%q}`, client, user)))
			if rec.Code != 200 {
				b.Errorf("ForgotPassword: %d %s", rec.Code, rec.Body)
				return
			}
			rec = httptest.NewRecorder()
			srv.ServeHTTP(rec, apiRequest("ConfirmForgotPassword", fmt.Sprintf(
				`{"ClientId":%q,"Username":%q,"ConfirmationCode":%q,"Password":"Passw0rd!-new"}`, client, user, benchCode)))
			// Two callers may race for one user's code: one wins, the other
			// sees the code gone (ExpiredCodeException), as on Cognito.
			if rec.Code != 200 && !strings.Contains(rec.Body.String(), "ExpiredCodeException") &&
				!strings.Contains(rec.Body.String(), "CodeMismatchException") {
				b.Errorf("ConfirmForgotPassword: %d %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
