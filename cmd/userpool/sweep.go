package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/userpool/userpool/internal/userpool"
)

// sweepInterval is how often the sweep deletes attempt records that left
// every limit window and finished messages older than --message-retention.
// It bounds how much dead data builds up between sweeps: attempt rows
// live at most the limit window plus this long, so under a flood of
// requests for names tried once the table holds about 61 minutes of them
// (with the default one-hour window) rather than 70 with the earlier
// ten-minute interval. A sweep that finds nothing costs a few index probes
// and, on SQLite, one scan of the attempts table on a reader connection.
const sweepInterval = time.Minute

// sweep runs svc.Sweep now and then every interval until ctx ends. With
// several instances on one database each sweeps; the deletes are
// idempotent and batched, so that costs nothing but a few empty scans.
func sweep(ctx context.Context, svc *userpool.Service, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r, err := svc.Sweep(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("sweeping expired attempts and messages failed", "err", err,
				"attempts_deleted", r.Attempts, "messages_deleted", r.Messages, "tokens_deleted", r.Tokens)
		case r != (userpool.SweepResult{}):
			log.Info("swept expired attempts and messages", "attempts_deleted", r.Attempts, "messages_deleted", r.Messages,
				"tokens_deleted", r.Tokens)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
