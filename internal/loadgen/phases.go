package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// worker is one goroutine's view of a phase: its own recorders (merged
// when the phase ends, so recording takes no lock) and body buffer.
type worker struct {
	id   int
	unit *recorder
	ops  []*recorder // parallel to the phase's op names
	buf  []byte
}

// runWorkers runs fn on n workers and merges their recorders.
func runWorkers(n, capHint int, opNames []string, fn func(w *worker)) (*recorder, []opRecorder) {
	ws := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range ws {
		w := &worker{id: i, unit: newRecorder(capHint), buf: make([]byte, 0, 512)}
		for range opNames {
			w.ops = append(w.ops, newRecorder(capHint))
		}
		ws[i] = w
		wg.Go(func() { fn(w) })
	}
	wg.Wait()
	units := make([]*recorder, n)
	ops := make([]opRecorder, len(opNames))
	for i, name := range opNames {
		ops[i].op = name
		for _, w := range ws {
			ops[i].rec = mergeInto(ops[i].rec, w.ops[i])
		}
	}
	for i, w := range ws {
		units[i] = w.unit
	}
	return mergeAll(units), ops
}

// perWorker is the sample capacity preallocated for a worker's share of
// total, capped so a huge --requests does not reserve memory up front.
func (r *runner) perWorker(total int) int {
	return min(total/r.opts.Concurrency+1, 1<<16)
}

// setup creates the pool and client when not given, then the users.
// It is not bounded by --duration or --requests (later phases need every
// user), only by MaxDuration.
func (r *runner) setup(ctx context.Context) (*recorder, []opRecorder, error) {
	ctx, cancel := context.WithTimeout(ctx, MaxDuration)
	defer cancel()
	var once []opRecorder
	if r.rep.UserPoolID == "" {
		rec := newRecorder(1)
		once = append(once, opRecorder{opCreatePool, rec})
		id, err := r.c.createPool(ctx, rec)
		if err != nil {
			return newRecorder(0), once, setupError(opCreatePool, err)
		}
		r.rep.UserPoolID = id
		r.logf("setup: created pool %s", id)
	}
	if r.rep.ClientID == "" {
		rec := newRecorder(1)
		once = append(once, opRecorder{opCreateClient, rec})
		id, err := r.c.createClient(ctx, r.rep.UserPoolID, rec)
		if err != nil {
			return newRecorder(0), once, setupError(opCreateClient, err)
		}
		r.rep.ClientID = id
		r.logf("setup: created app client %s", id)
	}
	unit, ops, err := r.createUsers(ctx)
	return unit, append(once, ops...), err
}

func setupError(op string, e *callErr) error {
	hint := ""
	if authErrors[e.Type] {
		hint = " (admin operations need credentials the server knows: --access-key-id/--secret-access-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"
	}
	return fmt.Errorf("setup: %s failed: %s: %s%s", op, e.Type, e.Message, hint)
}

// createUsers creates user0..user<N-1>, each with AdminCreateUser then a
// permanent AdminSetUserPassword. A user that exists already only gets
// its password set, so setup can be repeated on a pool.
func (r *runner) createUsers(ctx context.Context) (*recorder, []opRecorder, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var stop atomic.Pointer[callErr] // the first authorisation error, which ends the phase
	pool, n := r.rep.UserPoolID, r.opts.Users
	unit, ops := runWorkers(r.opts.Concurrency, r.perWorker(n), []string{opCreateUser, opSetPassword}, func(w *worker) {
		for ctx.Err() == nil {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			start := time.Now()
			w.buf = createUserBody(w.buf[:0], pool, i)
			_, err := r.c.call(ctx, opCreateUser, w.buf, true, false)
			if ctx.Err() != nil {
				return // stopped by another worker's refusal: this one's answer is moot
			}
			w.ops[0].add(time.Since(start), err)
			if err == nil || err.Type == "UsernameExistsException" {
				t := time.Now()
				w.buf = setPasswordBody(w.buf[:0], pool, i, r.opts.Password)
				if _, err = r.c.call(ctx, opSetPassword, w.buf, true, false); ctx.Err() != nil {
					return
				}
				w.ops[1].add(time.Since(t), err)
			}
			w.unit.add(time.Since(start), err)
			if err != nil && authErrors[err.Type] && stop.CompareAndSwap(nil, err) {
				cancel()
			}
		}
	})
	if e := stop.Load(); e != nil {
		return unit, ops, setupError("creating users", e)
	}
	if unit.errCount == int64(len(unit.lat)) && len(unit.lat) > 0 {
		return unit, ops, fmt.Errorf("setup: no user could be created; first error: %s", unit.first)
	}
	return unit, ops, ctx.Err()
}

// bound hands out at most max requests before the deadline, across
// workers.
type bound struct {
	deadline time.Time
	left     atomic.Int64
}

func (r *runner) newBound() *bound {
	b := &bound{deadline: time.Now().Add(r.opts.Duration)}
	b.left.Store(int64(r.opts.Requests))
	return b
}

func (b *bound) next(ctx context.Context) bool {
	return ctx.Err() == nil && time.Now().Before(b.deadline) && b.left.Add(-1) >= 0
}

// forgot sends ForgotPassword for random users until the time or request
// bound.
func (r *runner) forgot(ctx context.Context) (*recorder, []opRecorder, error) {
	b, client, n := r.newBound(), r.rep.ClientID, r.opts.Users
	seed := uint64(time.Now().UnixNano())
	unit, _ := runWorkers(r.opts.Concurrency, r.perWorker(r.opts.Requests), nil, func(w *worker) {
		rng := rand.New(rand.NewPCG(seed, uint64(w.id)))
		for b.next(ctx) {
			w.buf = forgotBody(w.buf[:0], client, rng.IntN(n))
			start := time.Now()
			_, err := r.c.call(ctx, opForgot, w.buf, false, false)
			if ctx.Err() != nil {
				return // interrupted: not a server error
			}
			w.unit.add(time.Since(start), err)
		}
	})
	return unit, []opRecorder{{opForgot, unit}}, nil
}

// flow runs ForgotPassword, the inbox read, ConfirmForgotPassword and
// InitiateAuth with the new password, as one user would. Worker w owns
// users w, w+C, w+2C, ... so no two workers race on a user's codes or
// password; the flow's concurrency is therefore at most --users.
func (r *runner) flow(ctx context.Context) (*recorder, []opRecorder, error) {
	b := r.newBound()
	c := min(r.opts.Concurrency, r.opts.Users)
	names := []string{opForgot, opMessages, opConfirm, opAuth}
	unit, ops := runWorkers(c, r.perWorker(r.opts.Requests), names, func(w *worker) {
		var users []int
		for u := w.id; u < r.opts.Users; u += c {
			users = append(users, u)
		}
		alt := make([]bool, len(users)) // true: the user's password is AltPassword now
		for i := 0; b.next(ctx); i = (i + 1) % len(users) {
			start := time.Now()
			err := r.oneFlow(ctx, w, users[i], &alt[i])
			if ctx.Err() != nil {
				return
			}
			w.unit.add(time.Since(start), err)
		}
	})
	return unit, ops, nil
}

// oneFlow resets user's password and signs in with the new one, flipping
// *alt once the reset succeeded. It returns the first step's error.
func (r *runner) oneFlow(ctx context.Context, w *worker, user int, alt *bool) *callErr {
	client := r.rep.ClientID
	step := func(op int, name string, body []byte) *callErr {
		start := time.Now()
		_, err := r.c.call(ctx, name, body, false, false)
		w.ops[op].add(time.Since(start), err)
		return err
	}
	w.buf = forgotBody(w.buf[:0], client, user)
	if err := step(0, opForgot, w.buf); err != nil {
		return err
	}
	start := time.Now()
	code, err := r.c.latestCode(ctx, r.rep.UserPoolID, "user"+strconv.Itoa(user))
	w.ops[1].add(time.Since(start), err)
	if err != nil {
		return err
	}
	newPassword := r.opts.Password
	if !*alt {
		newPassword = AltPassword(r.opts.Password)
	}
	w.buf = confirmBody(w.buf[:0], client, user, code, newPassword)
	if err := step(2, opConfirm, w.buf); err != nil {
		return err
	}
	*alt = !*alt
	w.buf = authBody(w.buf[:0], client, user, newPassword)
	return step(3, opAuth, w.buf)
}
