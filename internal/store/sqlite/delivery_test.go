package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Behaviour of the delivery side of the outbox that the contract leaves to
// the backend, or that only this backend can show: the 0003 upgrade,
// claims across processes, and what the guarded updates do in edge cases.

// tClaim is the clock of these tests.
var tClaim = time.UnixMilli(1_750_000_000_000).UTC()

func enqueueN(t *testing.T, ctx context.Context, s *Store, n int) []*store.Message {
	t.Helper()
	var out []*store.Message
	mustDo(t, s.Tx(ctx, func(tx store.Store) error {
		for i := range n {
			m := &store.Message{PoolID: "p1", Username: fmt.Sprintf("u%04d", i), Medium: "EMAIL",
				Destination: "x@example.com", Body: "code " + strconv.Itoa(i), Code: strconv.Itoa(i),
				Status: store.MessagePending, CreatedAt: tClaim}
			if err := tx.EnqueueMessage(ctx, m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	}))
	return out
}

func oneMessage(t *testing.T, ctx context.Context, s *Store, id int64) *store.Message {
	t.Helper()
	ms, err := s.ListMessages(ctx, store.MessageFilter{AfterID: id - 1, Limit: 1 << 20})
	mustDo(t, err)
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("message %d not found", id)
	return nil
}

// TestMigration0003UpgradesExistingDatabase opens a database with the 0001
// and 0002 schemas and messages in it, as the previous release left it. The
// messages get the state of new ones: no sender addresses, never tried, due
// at once, not leased, so the pending one is claimed.
func TestMigration0003UpgradesExistingDatabase(t *testing.T) {
	ctx := quick(t)
	if zeroMS != -62135596800000 {
		t.Fatalf("zeroMS = %d, but 0003_delivery.sql stores the zero time as -62135596800000", zeroMS)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	migs, err := loadMigrations()
	mustDo(t, err)
	if len(migs) < 3 || migs[2].version != 3 {
		t.Fatalf("embedded migrations = %v, want 0003 third", migs)
	}
	base, err := fileURI(path)
	mustDo(t, err)
	old, err := openDB(ctx, base, connParams, 1)
	mustDo(t, err)
	for _, q := range []string{
		"CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)",
		migs[0].sql,
		migs[1].sql,
		"INSERT INTO schema_migrations VALUES (1, 1), (2, 2)",
		`INSERT INTO messages VALUES (NULL, 'p1', 'alice', 'ForgotPassword', 'EMAIL', 'a@x', 'Subj', 'Body 1', '1', '', 'pending', 1000)`,
		`INSERT INTO messages VALUES (NULL, 'p1', 'ghost', 'ForgotPassword', '', '', '', '', '', 'user not found', 'suppressed', 2000)`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("building the 0002 database: %v", err)
		}
	}
	mustDo(t, old.Close())

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a 0002 database: %v", err)
	}
	defer s.Close()
	if got := appliedMigrations(t, s); len(got) != len(migs) {
		t.Errorf("schema_migrations after the upgrade = %v, want %d versions", got, len(migs))
	}
	for _, id := range []int64{1, 2} {
		m := oneMessage(t, ctx, s, id)
		if m.From != "" || m.ReplyTo != "" || m.Attempts != 0 || m.LastError != "" ||
			m.NextAttemptAt != (time.Time{}) || m.LockedUntil != (time.Time{}) || m.SentAt != (time.Time{}) {
			t.Errorf("message %d after the upgrade = %+v, want zero delivery state", id, m)
		}
	}
	st, err := s.GetOutboxStats(ctx)
	mustDo(t, err)
	if st.Pending != 1 || st.Dead != 0 || !st.OldestPending.Equal(time.UnixMilli(1000)) {
		t.Errorf("stats after the upgrade = %+v", st)
	}
	token, ms, err := s.ClaimMessages(ctx, tClaim, time.Minute, 10)
	mustDo(t, err)
	if len(ms) != 1 || ms[0].ID != 1 || ms[0].Body != "Body 1" {
		t.Fatalf("claim after the upgrade = %+v, want the pending message 1", ms)
	}
	mustDo(t, s.MarkMessageSent(ctx, 1, token, tClaim, false, true))
	atts, err := s.ListMessageAttempts(ctx, 1)
	mustDo(t, err)
	if len(atts) != 1 || atts[0].Number != 1 {
		t.Errorf("attempts after the upgrade = %+v", atts)
	}
}

// claimChildEnv, when set to a database path, turns the test binary into a
// claiming process of TestClaimAcrossProcesses.
const claimChildEnv = "USERPOOL_SQLITE_CLAIM_CHILD"

// claimChildMaxClaims bounds the claims of one child.
const claimChildMaxClaims = 1000

// claimChild opens the store, says "ready", waits for a line on stdin and
// then claims in batches of 3 until nothing is left, printing "id token"
// for every message it claimed once the claim has returned. It pauses
// after each claim, as a worker sending the batch would; without a pause
// SQLite's busy handler, which sleeps with growing delays, tends to leave
// the lock to whichever process holds it, and the claims hardly interleave.
func claimChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// A store that hands out leased messages again would never run dry:
	// no child needs more claims than there are messages.
	for range claimChildMaxClaims {
		token, ms, err := s.ClaimMessages(ctx, tClaim, time.Hour, 3)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			fmt.Println(m.ID, token)
		}
		time.Sleep(time.Millisecond) // "sending": lets the other processes at the lock
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

// TestClaimAcrossProcesses runs claimers in separate processes on one
// database file, released at once: every message must be claimed exactly
// once. Within a process the single writer connection serialises claims;
// between processes only SQLite's file locking does.
func TestClaimAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	const procs, messages = 4, 300
	// On timeout the children are killed, and the test fails instead of
	// waiting for them.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	s, path := openTemp(t)
	in := enqueueN(t, ctx, s, messages)
	mustDo(t, s.Close())

	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Scanner
	}
	var children []child
	for range procs {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), claimChildEnv+"="+path)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		mustDo(t, err)
		stdout, err := cmd.StdoutPipe()
		mustDo(t, err)
		mustDo(t, cmd.Start())
		children = append(children, child{cmd, stdin, bufio.NewScanner(stdout)})
	}
	for i, c := range children {
		if !c.out.Scan() || c.out.Text() != "ready" {
			t.Fatalf("child %d did not get ready: %q %v", i, c.out.Text(), c.out.Err())
		}
	}
	for _, c := range children {
		fmt.Fprintln(c.stdin, "go")
	}
	claims := make([][]string, procs)
	var wg sync.WaitGroup
	for i, c := range children {
		wg.Go(func() {
			for c.out.Scan() {
				claims[i] = append(claims[i], c.out.Text())
			}
		})
	}
	wg.Wait()
	for i, c := range children {
		if err := c.cmd.Wait(); err != nil {
			t.Errorf("child %d: %v", i, err)
		}
	}

	count := map[int64]int{}
	tokenOwner := map[string]int{}
	for i, lines := range claims {
		for _, line := range lines {
			idText, token, ok := strings.Cut(line, " ")
			id, err := strconv.ParseInt(idText, 10, 64)
			if !ok || err != nil {
				t.Fatalf("child %d printed %q", i, line)
			}
			count[id]++
			if owner, seen := tokenOwner[token]; seen && owner != i {
				t.Errorf("token %q returned to children %d and %d", token, owner, i)
			}
			tokenOwner[token] = i
		}
	}
	for _, m := range in {
		if count[m.ID] != 1 {
			t.Errorf("message %d claimed %d times across processes, want once", m.ID, count[m.ID])
		}
	}
	if len(count) != len(in) {
		t.Errorf("%d distinct messages claimed, want %d", len(count), len(in))
	}
	per := make([]int, procs)
	for i := range claims {
		per[i] = len(claims[i])
	}
	t.Logf("messages claimed per process: %v", per)
}

// TestClaimAcrossStores is TestClaimAcrossProcesses within one process:
// goroutines on two Stores (two writer connections) on the same file.
func TestClaimAcrossStores(t *testing.T) {
	ctx := quick(t)
	a, path := openTemp(t)
	defer a.Close()
	b, err := Open(ctx, path)
	mustDo(t, err)
	defer b.Close()
	in := enqueueN(t, ctx, a, 200)
	var mu sync.Mutex
	count := map[int64]int{}
	var wg sync.WaitGroup
	for g := range 8 {
		s := a
		if g%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for range len(in) + 1 { // a store that reclaims leased messages never runs dry
				_, ms, err := s.ClaimMessages(ctx, tClaim, time.Hour, 5)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					count[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, m := range in {
		if count[m.ID] != 1 {
			t.Errorf("message %d claimed %d times, want once", m.ID, count[m.ID])
		}
	}
}

// A worker that finishes after its lease expired, but before any other
// worker claimed the message, still holds it: its token was not replaced,
// and it records its attempt.
func TestLateMarkWithUnclaimedExpiredLease(t *testing.T) {
	ctx := quick(t)
	s, _ := openTemp(t)
	defer s.Close()
	m := enqueueN(t, ctx, s, 1)[0]
	token, _, err := s.ClaimMessages(ctx, tClaim, time.Second, 1)
	mustDo(t, err)
	late := tClaim.Add(time.Hour)
	mustDo(t, s.MarkMessageSent(ctx, m.ID, token, late, false, false))
	got := oneMessage(t, ctx, s, m.ID)
	if got.Status != store.MessageSent || !got.SentAt.Equal(late) {
		t.Errorf("message after a late mark = %+v", got)
	}
}

// EnqueueMessage takes no delivery state from its argument: the state
// belongs to ClaimMessages and the Mark* methods.
func TestEnqueueIgnoresDeliveryState(t *testing.T) {
	ctx := quick(t)
	s, _ := openTemp(t)
	defer s.Close()
	m := &store.Message{PoolID: "p1", Status: store.MessagePending, CreatedAt: tClaim,
		Attempts: 3, NextAttemptAt: tClaim.Add(time.Hour), LockedUntil: tClaim.Add(time.Hour),
		LastError: "old", SentAt: tClaim}
	mustDo(t, s.EnqueueMessage(ctx, m))
	got := oneMessage(t, ctx, s, m.ID)
	if got.Attempts != 0 || got.LastError != "" || !got.NextAttemptAt.IsZero() ||
		!got.LockedUntil.IsZero() || !got.SentAt.IsZero() {
		t.Errorf("stored message = %+v, want zero delivery state", got)
	}
	_, ms, err := s.ClaimMessages(ctx, tClaim, time.Minute, 1)
	mustDo(t, err)
	if len(ms) != 1 {
		t.Errorf("the new message was not claimable at once")
	}
}

// A success keeps the LastError of the failed attempts before it.
func TestMarkSentKeepsLastError(t *testing.T) {
	ctx := quick(t)
	s, _ := openTemp(t)
	defer s.Close()
	m := enqueueN(t, ctx, s, 1)[0]
	token, _, err := s.ClaimMessages(ctx, tClaim, time.Minute, 1)
	mustDo(t, err)
	mustDo(t, s.RetryMessage(ctx, m.ID, token, tClaim, tClaim, "421 busy"))
	token, _, err = s.ClaimMessages(ctx, tClaim, time.Minute, 1)
	mustDo(t, err)
	mustDo(t, s.MarkMessageSent(ctx, m.ID, token, tClaim, false, false))
	if got := oneMessage(t, ctx, s, m.ID); got.LastError != "421 busy" || got.Attempts != 2 {
		t.Errorf("sent message = %+v, want LastError kept and 2 attempts", got)
	}
}

// A claim that finds nothing returns no token, and ListMessageAttempts of a
// message that does not exist returns nothing, without an error.
func TestEmptyResults(t *testing.T) {
	ctx := quick(t)
	s, _ := openTemp(t)
	defer s.Close()
	token, ms, err := s.ClaimMessages(ctx, tClaim, time.Minute, 10)
	if token != "" || ms != nil || err != nil {
		t.Errorf("claim of an empty outbox = %q, %v, %v", token, ms, err)
	}
	atts, err := s.ListMessageAttempts(ctx, 42)
	if atts != nil || err != nil {
		t.Errorf("ListMessageAttempts of a missing message = %v, %v", atts, err)
	}
}

// The two statements of a Mark* call commit together or not at all, also
// inside a Tx that goes on and commits. A stray attempt row makes the
// second statement fail after the first succeeded.
func TestFailedMarkLeavesNoTrace(t *testing.T) {
	ctx := quick(t)
	s, _ := openTemp(t)
	defer s.Close()
	ms := enqueueN(t, ctx, s, 2)
	token, _, err := s.ClaimMessages(ctx, tClaim, time.Minute, 2)
	mustDo(t, err)
	for _, m := range ms {
		_, err := s.writes().ExecContext(ctx,
			"INSERT INTO message_attempts (message_id, number, at, error) VALUES (?, 1, 0, 'stray')", m.ID)
		mustDo(t, err)
	}
	before := oneMessage(t, ctx, s, ms[0].ID)
	check := func(what string, id int64) {
		t.Helper()
		got := oneMessage(t, ctx, s, id)
		if got.Status != store.MessagePending || got.Attempts != 0 || got.LockedUntil != before.LockedUntil {
			t.Errorf("%s: message = %+v, want it untouched and still leased", what, got)
		}
	}
	err = s.MarkMessageSent(ctx, ms[0].ID, token, tClaim, false, true)
	if !errors.Is(err, store.ErrConflict) { // the stray row's primary key
		t.Errorf("MarkMessageSent = %v, want the attempt row's conflict", err)
	}
	check("after a failed MarkMessageSent", ms[0].ID)
	mustDo(t, s.Tx(ctx, func(tx store.Store) error {
		if err := tx.KillMessage(ctx, ms[1].ID, token, tClaim, "x"); err == nil {
			t.Error("KillMessage inside the Tx succeeded despite the stray row")
		}
		return tx.CreatePool(ctx, &store.Pool{ID: "p2"}) // the Tx goes on and commits
	}))
	check("after a failed KillMessage in a committed Tx", ms[1].ID)
	// The leases still hold: with the stray rows gone, the same token works.
	_, err = s.writes().ExecContext(ctx, "DELETE FROM message_attempts")
	mustDo(t, err)
	mustDo(t, s.MarkMessageSent(ctx, ms[0].ID, token, tClaim, false, true))
	mustDo(t, s.KillMessage(ctx, ms[1].ID, token, tClaim, "x"))
}

// The delivery and retention queries read an index, never the whole table.
func TestDeliveryQueriesUseIndexes(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	for _, tc := range []struct {
		query string
		args  []any
		uses  []string
	}{
		{claimQuery, []any{1, "tok", store.MessagePending, zeroMS, 0, 7}, []string{
			// Messages never retried: read in id order, not sorted.
			"SEARCH messages USING INDEX messages_claim (status=? AND next_attempt_at=?)\nSCAN (subquery",
			// Retries come due: a range.
			"SEARCH messages USING INDEX messages_claim (status=? AND next_attempt_at>? AND next_attempt_at<?)",
		}},
		// Counting by status: any covering index that starts with status
		// (messages_claim, or the narrower messages_retention).
		{outboxStatsQuery, []any{store.MessagePending, store.MessageDead}, []string{"USING COVERING INDEX messages_", " (status=?)"}},
		{listMessageAttemptsQuery, []any{1}, []string{"PRIMARY KEY (message_id=?)"}},
		// Retention reads only the finished messages it deletes.
		{pruneMessagesQuery, []any{store.MessageSent, store.MessageDead, store.MessageInbox, store.MessageSuppressed, 0, 200},
			[]string{"USING COVERING INDEX messages_retention (status=? AND created_at<?)"}},
	} {
		plan := queryPlan(t, s.reader.db, tc.query, tc.args...)
		for _, want := range tc.uses {
			if !strings.Contains(plan, want) {
				t.Errorf("plan of %q lacks %q:\n%s", tc.query, want, plan)
			}
		}
		if strings.Contains(plan, "SCAN messages") || strings.Contains(plan, "SCAN message_attempts") {
			t.Errorf("plan of %q scans a table:\n%s", tc.query, plan)
		}
		t.Logf("%s\n%s", tc.query, plan)
	}
}

// A next before the zero time is stored as the zero time: due at once.
func TestRetryBeforeZeroTime(t *testing.T) {
	ctx := quick(t)
	s, _ := openTemp(t)
	defer s.Close()
	m := enqueueN(t, ctx, s, 1)[0]
	token, _, err := s.ClaimMessages(ctx, tClaim, time.Minute, 1)
	mustDo(t, err)
	mustDo(t, s.RetryMessage(ctx, m.ID, token, tClaim, time.Time{}.Add(-time.Hour), "x"))
	if got := oneMessage(t, ctx, s, m.ID); got.NextAttemptAt != (time.Time{}) {
		t.Errorf("NextAttemptAt = %v, want the zero time", got.NextAttemptAt)
	}
	_, ms, err := s.ClaimMessages(ctx, tClaim, time.Minute, 1)
	mustDo(t, err)
	if len(ms) != 1 {
		t.Errorf("the retried message is not due at once")
	}
}
