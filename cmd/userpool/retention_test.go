package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

// --message-retention defaults to a week, comes from the environment like
// every flag, and refuses a retention so short that the development inbox
// would lose messages while a test reads them.
func TestMessageRetentionFlag(t *testing.T) {
	parse := func(args []string, env map[string]string) (*config, error) {
		env["USERPOOL_ADMIN_KEYS"] = adminKeyArg
		return parseServe(args, func(k string) string { return env[k] }, io.Discard)
	}
	c, err := parse(nil, map[string]string{})
	if err != nil || c.MessageRetention != 7*24*time.Hour {
		t.Fatalf("default retention = %v, %v; want 168h", c.MessageRetention, err)
	}
	c, err = parse(nil, map[string]string{"USERPOOL_MESSAGE_RETENTION": "48h"})
	if err != nil || c.MessageRetention != 48*time.Hour {
		t.Fatalf("retention from the environment = %v, %v; want 48h", c.MessageRetention, err)
	}
	if _, err := parse([]string{"--message-retention", "30s"}, map[string]string{}); err == nil ||
		!strings.Contains(err.Error(), "--message-retention must be at least 1m") {
		t.Fatalf("--message-retention 30s: %v, want refused", err)
	}
}
