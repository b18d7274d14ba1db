package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/userpool/userpool/internal/store"
)

// crashChildEnv, when set to a database path, turns the test binary into the
// writer process of TestAcknowledgedWritesSurviveKill.
const crashChildEnv = "USERPOOL_SQLITE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	if path := os.Getenv(claimChildEnv); path != "" {
		claimChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashChild creates pools until it is killed, printing each ID once
// CreatePool has returned, that is once the write is acknowledged.
func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("pool-%07d", i)
		if err := s.CreatePool(ctx, &store.Pool{ID: id}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(id) // os.Stdout is unbuffered
	}
}

// TestAcknowledgedWritesSurviveKill kills a writing process with SIGKILL
// mid-stream and checks that every write it acknowledged is in the database
// when it is reopened. (Power loss is what synchronous=FULL is for; that
// cannot be simulated here, but a kill exercises the WAL recovery path.)
func TestAcknowledgedWritesSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	lines := bufio.NewScanner(out)
	for len(acked) < 300 && lines.Scan() {
		acked = append(acked, lines.Text())
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	for lines.Scan() { // writes acknowledged between the last read and the kill
		acked = append(acked, lines.Text())
	}
	_ = cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("child acknowledged only %d writes before it stopped", len(acked))
	}

	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	for _, id := range acked {
		if _, err := s.GetPool(t.Context(), id); err != nil {
			t.Fatalf("acknowledged pool %s lost after kill -9: %v", id, err)
		}
	}
	t.Logf("%d acknowledged writes survived", len(acked))
}
