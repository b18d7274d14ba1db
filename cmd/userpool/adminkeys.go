package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
)

// errNoAdminKeys is the refusal to start an open server. It says how to fix
// it, since this is the first thing a new production deployment meets.
const errNoAdminKeys = `admin operations (Admin*, CreateUserPool, ...) need SigV4 credentials:
  set --admin-keys AKID:SECRET[,AKID:SECRET...] (or USERPOOL_ADMIN_KEYS),
  or --admin-keys-file FILE with one AKID:SECRET per line;
  for local development only, --dev on a loopback --addr accepts unsigned admin calls`

// errDevNotLoopback refuses the development API on the network by
// accident: its live reset codes give the same power as
// AdminSetUserPassword, to anyone who can reach the address.
const errDevNotLoopback = `--dev on %s would serve live reset codes and the movable clock to the network;
  use a loopback --addr (127.0.0.1:9229), or add --dev-listen-public (with admin keys,
  which the development API then requires) if other machines must reach it`

// adminKeys collects --admin-keys and --admin-keys-file into one map of
// access key ID → secret. Errors name the key ID or line, never a secret.
func adminKeys(list, file string) (map[string]string, error) {
	keys := map[string]string{}
	for i, pair := range strings.Split(list, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		if err := addKey(keys, pair); err != nil {
			return nil, fmt.Errorf("--admin-keys entry %d: %w", i+1, err)
		}
	}
	if file == "" {
		return keys, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--admin-keys-file: %w", err)
	}
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := addKey(keys, line); err != nil {
			return nil, fmt.Errorf("--admin-keys-file %s line %d: %w", file, n+1, err)
		}
	}
	return keys, nil
}

// addKey adds one "AKID:SECRET". An access key ID is 1 to 128 word
// characters (AWS's own are 16 to 128; shorter ones such as AKIDEXAMPLE are
// common in test set-ups). The secret must have at least 16 characters and
// no whitespace: one captured signature lets an attacker guess the secret
// offline, so a short one would not protect anything.
func addKey(keys map[string]string, pair string) error {
	id, secret, ok := strings.Cut(strings.TrimSpace(pair), ":")
	switch {
	case !ok:
		return fmt.Errorf("want AKID:SECRET")
	case id == "" || len(id) > 128 || strings.IndexFunc(id, notWord) >= 0:
		return fmt.Errorf("access key ID %q: want 1 to 128 letters, digits or underscores", id)
	case len(secret) < 16:
		return fmt.Errorf("secret of %s is shorter than 16 characters", id)
	case strings.ContainsAny(secret, " \t\r\n"):
		return fmt.Errorf("secret of %s contains whitespace", id)
	case keys[id] != "" && keys[id] != secret:
		return fmt.Errorf("access key ID %s given twice with different secrets", id)
	}
	keys[id] = secret
	return nil
}

func notWord(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
}

// loopback reports whether addr (host:port) listens only on this machine.
// An empty host (":9229") listens everywhere.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// logAdminAuth says at start how admin calls are authenticated (key IDs
// only; secrets are never logged).
func logAdminAuth(log *slog.Logger, keys map[string]string) {
	if len(keys) == 0 {
		log.Warn("admin operations accept unsigned calls: --dev on a loopback address without --admin-keys")
		return
	}
	ids := make([]string, 0, len(keys))
	for id := range keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	log.Info("admin operations need SigV4", "service", "cognito-idp", "access_key_ids", strings.Join(ids, ","))
}
