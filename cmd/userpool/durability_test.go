package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// buildBinary compiles userpool once per test binary run.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "userpool-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "userpool")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// startProcess runs the userpool binary on db and returns its URL and process.
func startProcess(t *testing.T, db string, extra ...string) (string, *exec.Cmd) {
	t.Helper()
	return startProcessArgs(t, append([]string{"--db", "sqlite:" + db}, extra...)...)
}

// startProcessArgs runs the userpool binary with serve args and returns its
// URL and process; the process is killed when the test ends.
func startProcessArgs(t *testing.T, args ...string) (string, *exec.Cmd) {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0",
		"--argon2-memory", "8", "--argon2-iterations", "1", "--log-level", "error", "--admin-keys", adminKeyArg,
		"--metrics-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return waitListening(t, stdout), cmd
}

var testCredentials = credentials.NewStaticCredentialsProvider(testKeyID, testSecret, "")

// sdkFor is an SDK client for url signing with the test admin key.
func sdkFor(url string) *cip.Client {
	return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: testCredentials, Retryer: aws.NopRetryer{}})
}

// TestKill9LosesNoAcknowledgedWrite creates users from 8 concurrent writers,
// kills the server with SIGKILL while they run, restarts it on the same
// file, and checks that every user whose creation was acknowledged exists.
func TestKill9LosesNoAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills a server process")
	}
	db := filepath.Join(t.TempDir(), "durable.db")
	url, proc := startProcess(t, db)
	sdk := sdkFor(url)
	ctx := t.Context()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("durable")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("w%d-u%d", w, i)
				_, err := sdk.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{UserPoolId: poolID,
					Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	_ = proc.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d writes acknowledged before the kill; the test proves nothing", len(acked))
	}

	url2, _ := startProcess(t, db)
	sdk2 := sdkFor(url2)
	for _, name := range acked {
		if _, err := sdk2.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: poolID, Username: aws.String(name)}); err != nil {
			t.Fatalf("acknowledged user %s lost after kill -9: %v", name, err)
		}
	}
	t.Logf("%d acknowledged writes all survived SIGKILL", len(acked))
}
