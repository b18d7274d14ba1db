package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// BenchmarkForgotWrite measures the whole store side of a ForgotPassword
// that issues a code: TakeAttemptTx counting the request and, in fn,
// storing the code and enqueueing its message, in a pool of benchUsers
// users. The clock advances 1ms per call, as in BenchmarkTakeAttempt.
func BenchmarkForgotWrite(b *testing.B, s store.Store) {
	ctx := b.Context()
	seedUsers(b, ctx, s, "p1", benchUsers)
	i := 0
	for b.Loop() {
		benchMust(b, forgotWrite(ctx, s, i))
		i++
	}
}

// BenchmarkForgotWriteParallel is BenchmarkForgotWrite from 8 × GOMAXPROCS
// goroutines, as under concurrent requests for different users.
func BenchmarkForgotWriteParallel(b *testing.B, s store.Store) {
	ctx := b.Context()
	seedUsers(b, ctx, s, "p1", benchUsers)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := forgotWrite(ctx, s, int(n.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// forgotWrite is call i of the ForgotPassword write benchmarks.
func forgotWrite(ctx context.Context, s store.Store, i int) error {
	name := fmt.Sprintf("user-%05d", (i*7919)%benchUsers)
	now := t0.Add(time.Duration(i) * time.Millisecond)
	ok, err := s.TakeAttemptTx(ctx, "p1", name, "request:RESET", now, time.Hour, 1<<30, func(tx store.Store) error {
		if err := tx.PutCode(ctx, newCode("p1", name, "RESET", fmt.Sprint(i))); err != nil {
			return err
		}
		return tx.EnqueueMessage(ctx, newMessage("p1", name, name+"@example.com", i))
	})
	if err == nil && !ok {
		err = fmt.Errorf("attempt %d refused", i)
	}
	return err
}
