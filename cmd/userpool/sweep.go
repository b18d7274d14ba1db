package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/userpool/userpool/internal/userpool"
)

// sweepInterval is how often expired attempt records are deleted. Rows
// older than the limit window no longer count, so the interval only bounds
// how much dead data can build up between sweeps.
const sweepInterval = 10 * time.Minute

// sweep runs svc.SweepAttempts now and then every interval until ctx ends.
// With several instances on one database each sweeps; the deletes are
// idempotent and batched, so that costs nothing but a few empty scans.
func sweep(ctx context.Context, svc *userpool.Service, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := svc.SweepAttempts(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("sweeping expired attempt records failed", "err", err)
		case n > 0:
			log.Info("swept expired attempt records", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
