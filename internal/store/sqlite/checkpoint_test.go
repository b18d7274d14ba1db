package sqlite

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// The writer never checkpoints (wal_autocheckpoint=0); the background
// checkpointer moves committed frames into the database file while the
// store is busy, and Close leaves an empty WAL.
func TestCheckpointsRunInTheBackground(t *testing.T) {
	s, path := openTemp(t)
	ctx := quick(t)
	var auto int
	if err := s.group.w.conn.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	for i := range 200 {
		mustDo(t, s.CreatePool(ctx, &store.Pool{ID: fmt.Sprintf("p%d", i)}))
	}
	// Within a few ticks the committed pools are in the database file
	// itself: a copy of the file alone, without its WAL, holds them all.
	deadline := time.Now().Add(5 * time.Second)
	for n := 0; n != 200; {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the database file holds %d of 200 pools: no background checkpoint", n)
		}
		time.Sleep(checkpointEvery)
		n = poolsInFileAlone(t, path)
	}
	mustDo(t, s.Close())
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Fatalf("WAL is %d bytes after Close, want truncated", fi.Size())
	}
	// Everything is in the database file.
	s2, err := Open(ctx, path)
	mustDo(t, err)
	defer s2.Close()
	if _, err := s2.GetPool(ctx, "p199"); err != nil {
		t.Fatalf("last pool after reopen: %v", err)
	}
}

// poolsInFileAlone counts the pools in a copy of the database file made
// without its WAL (0 if the copy is torn by a checkpoint in progress).
func poolsInFileAlone(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(cp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+cp+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pools").Scan(&n); err != nil {
		return 0
	}
	return n
}

// Under steady reads the WAL still starts over: SQLite reuses the WAL from
// its beginning only when no reader is using it, which PASSIVE checkpoints
// alone never arrange while readers keep coming (it grew to 1.1 GB in a
// 30-second load test). The checkpoint sequence number in the WAL header
// counts those restarts.
func TestWALRestartsUnderSteadyReads(t *testing.T) {
	s, path := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	s.ckpt.restartAt.Store(32)
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "p0"}))
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 * readerConns { // every reader connection always in demand
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.GetPool(ctx, "p0"); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
			}
		})
	}
	defer func() { close(stop); readers.Wait() }()
	first := walCheckpointSeq(t, path)
	// With forced restarts this takes about three checkpoint ticks; without
	// them it took 6 s to forever.
	deadline := time.Now().Add(4 * time.Second)
	for i := 1; walCheckpointSeq(t, path) < first+2; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d commits under steady reads the WAL restarted %d times, want 2",
				i, walCheckpointSeq(t, path)-first)
		}
		mustDo(t, s.CreatePool(ctx, &store.Pool{ID: fmt.Sprintf("p%d", i)}))
	}
}

// walCheckpointSeq reads the checkpoint sequence number from the WAL
// header (bytes 12-15, big-endian), which SQLite increments each time the
// WAL starts over.
func walCheckpointSeq(t *testing.T, path string) uint32 {
	t.Helper()
	f, err := os.Open(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var h [16]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return 0 // no header written yet
	}
	return binary.BigEndian.Uint32(h[12:])
}

// A reader that keeps its snapshot (a long query) delays the WAL's restart
// but not the writers: RESTART waits for it at most restartWait per try,
// holding the writer only that long, and succeeds once the reader is gone.
func TestWALRestartDoesNotWaitForLongReads(t *testing.T) {
	s, path := openTemp(t)
	defer s.Close()
	ctx := quick(t)
	mustDo(t, s.CreatePool(ctx, &store.Pool{ID: "p0"}))
	s.ckpt.restartAt.Store(1)
	long, err := s.reader.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	mustDo(t, err)
	var n int
	mustDo(t, long.QueryRowContext(ctx, "SELECT count(*) FROM pools").Scan(&n)) // the snapshot is taken
	const hold = 3 * time.Second
	end := time.Now().Add(hold)
	var slowest time.Duration
	for i := 1; time.Now().Before(end); i++ {
		start := time.Now()
		mustDo(t, s.CreatePool(ctx, &store.Pool{ID: fmt.Sprintf("p%d", i)}))
		slowest = max(slowest, time.Since(start))
	}
	mustDo(t, long.Rollback())
	// Waiting for the reader would have held writers for the whole hold.
	if slowest > hold/2 {
		t.Errorf("a write took %v while a reader held its snapshot for %v", slowest, hold)
	}
	seq := walCheckpointSeq(t, path)
	deadline := time.Now().Add(4 * time.Second)
	for i := 0; walCheckpointSeq(t, path) == seq; i++ {
		if time.Now().After(deadline) {
			t.Fatal("the WAL did not restart after the long reader ended")
		}
		mustDo(t, s.CreatePool(ctx, &store.Pool{ID: fmt.Sprintf("q%d", i)}))
	}
}
