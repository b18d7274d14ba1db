package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// benchUsers is the size of the pool the user benchmarks run against, so
// lookups walk realistic indexes rather than a handful of rows.
const benchUsers = 10_000

// Benchmark runs the benchmarks of the hot store calls. open must return a
// new, empty store; Benchmark closes it.
func Benchmark(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("GetClient", func(b *testing.B) { BenchmarkGetClient(b, openB(b, open)) })
	b.Run("GetUserByKey", func(b *testing.B) { BenchmarkGetUserByKey(b, openB(b, open)) })
	b.Run("GetUserByKeyParallel", func(b *testing.B) { BenchmarkGetUserByKeyParallel(b, openB(b, open)) })
	b.Run("CreateUser", func(b *testing.B) { BenchmarkCreateUser(b, openB(b, open)) })
	b.Run("UpdateUser", func(b *testing.B) { BenchmarkUpdateUser(b, openB(b, open)) })
	b.Run("TakeAttempt", func(b *testing.B) { BenchmarkTakeAttempt(b, openB(b, open)) })
	b.Run("TakeAttemptParallel", func(b *testing.B) { BenchmarkTakeAttemptParallel(b, openB(b, open)) })
	b.Run("CodeAndMessageTx", func(b *testing.B) { BenchmarkCodeAndMessageTx(b, openB(b, open)) })
	b.Run("ForgotWrite", func(b *testing.B) { BenchmarkForgotWrite(b, openB(b, open)) })
	b.Run("ForgotWriteParallel", func(b *testing.B) { BenchmarkForgotWriteParallel(b, openB(b, open)) })
	b.Run("ClaimMessages", func(b *testing.B) { BenchmarkClaimMessages(b, openB(b, open)) })
	b.Run("MarkMessageSent", func(b *testing.B) { BenchmarkMarkMessageSent(b, openB(b, open)) })
}

func openB(b *testing.B, open func(b *testing.B) store.Store) store.Store {
	s := open(b)
	b.Cleanup(func() {
		if err := s.Close(); err != nil {
			b.Errorf("Close: %v", err)
		}
	})
	return s
}

// BenchmarkGetClient measures GetClient, called on every token request.
func BenchmarkGetClient(b *testing.B, s store.Store) {
	ctx := b.Context()
	benchMust(b, s.CreatePool(ctx, newPool("p1")))
	for i := range 100 {
		benchMust(b, s.CreateClient(ctx, newClient("p1", fmt.Sprintf("client-%03d", i))))
	}
	i := 0
	for b.Loop() {
		if _, err := s.GetClient(ctx, fmt.Sprintf("client-%03d", i%100)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkGetUserByKey measures a sign-in lookup by email in a pool of
// benchUsers users, alternating with lookups by username.
func BenchmarkGetUserByKey(b *testing.B, s store.Store) {
	ctx := b.Context()
	seedUsers(b, ctx, s, "p1", benchUsers)
	i := 0
	for b.Loop() {
		n := (i * 7919) % benchUsers // spread over the whole key space
		k := email(fmt.Sprintf("user-%05d@example.com", n))
		if i%2 == 1 {
			k = key("username", fmt.Sprintf("user-%05d", n))
		}
		if _, err := s.GetUserByKey(ctx, "p1", k.Kind, k.Value); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkGetUserByKeyParallel is BenchmarkGetUserByKey from GOMAXPROCS
// goroutines at once, which is how a server calls it.
func BenchmarkGetUserByKeyParallel(b *testing.B, s store.Store) {
	ctx := b.Context()
	seedUsers(b, ctx, s, "p1", benchUsers)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			n := (i * 7919) % benchUsers
			if _, err := s.GetUserByKey(ctx, "p1", "username", fmt.Sprintf("user-%05d", n)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkCreateUser measures sign-up: one durable commit per user.
func BenchmarkCreateUser(b *testing.B, s store.Store) {
	ctx := b.Context()
	benchMust(b, s.CreatePool(ctx, newPool("p1")))
	i := 0
	for b.Loop() {
		name := fmt.Sprintf("user-%07d", i)
		if err := s.CreateUser(ctx, newUser("p1", name, email(name+"@example.com"))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkUpdateUser measures an attribute update that also changes one
// lookup key (a new email), in a pool of benchUsers users.
func BenchmarkUpdateUser(b *testing.B, s store.Store) {
	ctx := b.Context()
	seedUsers(b, ctx, s, "p1", benchUsers)
	i := 0
	for b.Loop() {
		n := (i * 7919) % benchUsers
		name := fmt.Sprintf("user-%05d", n)
		u := newUser("p1", name, email(fmt.Sprintf("%s.%d@example.com", name, i)))
		u.Attributes = append(u.Attributes, store.Attribute{Name: "custom:n", Value: fmt.Sprint(i)})
		if err := s.UpdateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchSubjects is how many subjects the attempt benchmarks spread over.
const benchSubjects = 1000

// BenchmarkTakeAttempt measures the attempt count taken before every code
// request and code entry: one durable commit that prunes, counts and
// inserts. The clock advances 1ms per call over benchSubjects subjects, so
// every subject keeps a few attempts in its one-hour window, as under a
// steady stream of requests.
func BenchmarkTakeAttempt(b *testing.B, s store.Store) {
	ctx := b.Context()
	benchMust(b, s.CreatePool(ctx, newPool("p1")))
	i := 0
	for b.Loop() {
		subject := fmt.Sprintf("user-%05d", (i*7919)%benchSubjects)
		now := t0.Add(time.Duration(i) * time.Millisecond)
		if _, err := s.TakeAttempt(ctx, "p1", subject, "confirm:RESET", now, time.Hour, 5); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTakeAttemptParallel is BenchmarkTakeAttempt from GOMAXPROCS
// goroutines, as during a burst of guesses: the calls serialise on the
// single writer, so this shows the cost of queueing for it.
func BenchmarkTakeAttemptParallel(b *testing.B, s store.Store) {
	ctx := b.Context()
	benchMust(b, s.CreatePool(ctx, newPool("p1")))
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			subject := fmt.Sprintf("user-%05d", (i*7919)%benchSubjects)
			now := t0.Add(time.Duration(i) * time.Millisecond)
			if _, err := s.TakeAttempt(ctx, "p1", subject, "confirm:RESET", now, time.Hour, 5); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCodeAndMessageTx measures the write of ForgotPassword: one
// transaction that stores the user's new code and enqueues the message
// carrying it, in a pool of benchUsers users.
func BenchmarkCodeAndMessageTx(b *testing.B, s store.Store) {
	ctx := b.Context()
	seedUsers(b, ctx, s, "p1", benchUsers)
	i := 0
	for b.Loop() {
		n := (i * 7919) % benchUsers
		name := fmt.Sprintf("user-%05d", n)
		err := s.Tx(ctx, func(tx store.Store) error {
			c := newCode("p1", name, "RESET", fmt.Sprint(i))
			if err := tx.PutCode(ctx, c); err != nil {
				return err
			}
			return tx.EnqueueMessage(ctx, newMessage("p1", name, name+"@example.com", i))
		})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchClaimBatch is the batch a delivery worker claims at a time, and
// benchBacklog the number of due messages the delivery benchmarks keep in
// the outbox: a worker that has fallen behind.
const (
	benchClaimBatch = 32
	benchBacklog    = 1000
)

// enqueueBacklog enqueues n pending messages in one transaction.
func enqueueBacklog(b *testing.B, ctx context.Context, s store.Store, n, from int) {
	b.Helper()
	benchMust(b, s.Tx(ctx, func(tx store.Store) error {
		for i := from; i < from+n; i++ {
			name := fmt.Sprintf("user-%07d", i)
			if err := tx.EnqueueMessage(ctx, newMessage("p1", name, name+"@example.com", i)); err != nil {
				return err
			}
		}
		return nil
	}))
}

// BenchmarkClaimMessages measures one claim of benchClaimBatch messages
// from a backlog of benchBacklog due messages: one durable commit that
// leases the batch. The clock advances by the lease on every call, so the
// batch leased by the previous call has expired and the backlog never
// shrinks: each call re-leases the oldest messages.
func BenchmarkClaimMessages(b *testing.B, s store.Store) {
	ctx := b.Context()
	enqueueBacklog(b, ctx, s, benchBacklog, 0)
	const lease = time.Minute
	i := 0
	for b.Loop() {
		_, msgs, err := s.ClaimMessages(ctx, tNow.Add(time.Duration(i)*lease), lease, benchClaimBatch)
		if err != nil {
			b.Fatal(err)
		}
		if len(msgs) != benchClaimBatch {
			b.Fatalf("claimed %d messages, want %d", len(msgs), benchClaimBatch)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchClaimBatch), "ns/msg")
}

// BenchmarkMarkMessageSent measures the record of one successful delivery,
// redacted: one durable commit that updates the message and appends its
// attempt. Claimed messages are enqueued and claimed benchBacklog at a
// time, outside the timer.
func BenchmarkMarkMessageSent(b *testing.B, s store.Store) {
	ctx := b.Context()
	var (
		token   string
		claimed []*store.Message
		n       int
	)
	for b.Loop() {
		if len(claimed) == 0 {
			b.StopTimer()
			enqueueBacklog(b, ctx, s, benchBacklog, n)
			n += benchBacklog
			var err error
			token, claimed, err = s.ClaimMessages(ctx, tNow, time.Hour, benchBacklog)
			benchMust(b, err)
			b.StartTimer()
		}
		m := claimed[0]
		claimed = claimed[1:]
		if err := s.MarkMessageSent(ctx, m.ID, token, tNow, false, true); err != nil {
			b.Fatal(err)
		}
	}
}

// seedUsers creates n users, each with a username, sub and email key, in
// one transaction (one commit instead of n).
func seedUsers(b *testing.B, ctx context.Context, s store.Store, poolID string, n int) {
	b.Helper()
	benchMust(b, s.CreatePool(ctx, newPool(poolID)))
	err := s.Tx(ctx, func(tx store.Store) error {
		for i := range n {
			name := fmt.Sprintf("user-%05d", i)
			if err := tx.CreateUser(ctx, newUser(poolID, name, email(name+"@example.com"))); err != nil {
				return err
			}
		}
		return nil
	})
	benchMust(b, err)
}

func benchMust(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
