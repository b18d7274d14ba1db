package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/userpool/userpool/internal/loadgen"
)

// bench implements `userpool bench`: a load generator for a running
// server (internal/loadgen does the work). Like every command, its flags
// can also come from USERPOOL_<NAME>; admin credentials fall back to the
// AWS SDK's environment variables.
func bench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, asJSON, err := parseBench(args, getenv, stdout)
	if err != nil {
		return err
	}
	if !asJSON {
		o.Log = stderr // progress; the report itself goes to stdout
	}
	rep, runErr := loadgen.Run(ctx, o)
	if rep != nil && len(rep.Phases) > 0 {
		var err error
		if asJSON {
			err = rep.WriteJSON(stdout)
		} else {
			err = rep.WriteText(stdout)
		}
		if runErr == nil {
			runErr = err
		}
	}
	return runErr
}

func parseBench(args []string, getenv func(string) string, stdout io.Writer) (loadgen.Options, bool, error) {
	var o loadgen.Options
	fs := newFlagSet("userpool bench", stdout)
	fs.StringVar(&o.Endpoint, "endpoint", "http://127.0.0.1:9229", "the server's URL (http or https); nothing else is contacted")
	fs.StringVar(&o.Op, "op", "all", "what to run: "+strings.Join(loadgen.Ops, ", ")+" (all = setup, forgot, flow)")
	fs.IntVar(&o.Users, "users", 100, fmt.Sprintf("users user0..user<N-1> (1 to %d)", loadgen.MaxUsers))
	fs.IntVar(&o.Concurrency, "concurrency", 8, fmt.Sprintf("concurrent workers and connections (1 to %d)", loadgen.MaxConcurrency))
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "how long forgot and flow run each (at most 1h)")
	fs.IntVar(&o.Requests, "requests", 1_000_000, "at most this many requests per phase (flows in the flow phase)")
	fs.StringVar(&o.Pool, "pool", "", "an existing pool ID (from a setup run); setup then only adds users")
	fs.StringVar(&o.Client, "client", "", "an existing app client ID without secret, with USER_PASSWORD_AUTH (from a setup run)")
	fs.StringVar(&o.Password, "password", loadgen.DefaultPassword, "the users' password; flow alternates it with a variant ending in '?'")
	fs.StringVar(&o.AccessKeyID, "access-key-id", "", "key ID to sign admin operations with (default $AWS_ACCESS_KEY_ID; none: unsigned)")
	fs.StringVar(&o.SecretAccessKey, "secret-access-key", "", "secret key to sign admin operations with (default $AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&o.Region, "region", "us-east-1", "region in the signature")
	fs.IntVar(&o.ServerPID, "server-pid", 0, "the server's process ID, for its RSS (default: the local process listening on the endpoint's port)")
	fs.IntVar(&o.SlowBodies, "slow-bodies", 0, fmt.Sprintf("hold this many slow-body connections open during forgot and flow (0 to %d): the server must still serve everyone else", loadgen.MaxSlowBodies))
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return o, false, err
	}
	if o.AccessKeyID == "" && o.SecretAccessKey == "" {
		o.AccessKeyID, o.SecretAccessKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	}
	return o, *asJSON, o.Validate()
}
