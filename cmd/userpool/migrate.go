package main

import (
	"context"
	"fmt"
	"io"
)

// migrate implements `userpool migrate`: apply the database's pending
// migrations and exit, as a deploy step before servers start with
// --db-migrate=false. It talks to the database only, never to the API, so
// it needs neither admin keys nor any other serve flag.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("userpool migrate", stdout)
	cfg := &config{DBMigrate: true}
	fs.StringVar(&cfg.DB, "db", "sqlite:userpool.db", "database: sqlite:<file> or postgres://user:pass@host:port/db?sslmode=...")
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return err
	}
	if err := checkDB(cfg.DB); err != nil {
		return err
	}
	cfg.DBMaxConns = 2
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied to %s\n", redactDSN(cfg.DB))
	return st.Close()
}
