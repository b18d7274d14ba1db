package sqlite

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
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
