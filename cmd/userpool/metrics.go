package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/userpool/userpool/internal/store"
)

// metrics are the Prometheus collectors served at /metrics, on a registry
// of their own (no package globals). Label values are bounded: operations
// come from the model, error types from the server's own table.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	messages *prometheus.CounterVec
}

func newMetrics(st store.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "userpool_requests_total",
			Help: "AWS JSON requests by operation, error type (empty on success) and HTTP status.",
		}, []string{"operation", "error", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "userpool_request_duration_seconds",
			Help:    "AWS JSON request latency by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"operation"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "userpool_outbox_messages_total",
			Help: "Outbox message events by medium: queued, sent, inbox (no channel: kept for the development inbox), retried, dead. " +
				"Simulated answers to unknown users (PreventUserExistenceErrors=ENABLED) count as queued and sent (or inbox), like real ones.",
		}, []string{"medium", "event"}),
	}
	stats := outboxStats(st)
	m.reg.MustRegister(m.requests, m.latency, m.messages,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "userpool_outbox_pending",
			Help: "Messages waiting for delivery."}, func() float64 { return float64(stats().Pending) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "userpool_outbox_dead",
			Help: "Messages given up after the maximum number of attempts."}, func() float64 { return float64(stats().Dead) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "userpool_outbox_oldest_pending_age_seconds",
			Help: "Age of the oldest message waiting for delivery (0 when none)."}, func() float64 {
			if s := stats(); !s.OldestPending.IsZero() {
				return time.Since(s.OldestPending).Seconds()
			}
			return 0
		}))
	return m
}

// outboxStats reads the outbox statistics at most once per scrape: the three
// gauges share one query made within a short time window.
func outboxStats(st store.Store) func() store.OutboxStats {
	var mu sync.Mutex
	var last store.OutboxStats
	var at time.Time
	return func() store.OutboxStats {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < time.Second {
			return last
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if s, err := st.GetOutboxStats(ctx); err == nil {
			last, at = s, time.Now()
		}
		return last
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) observeRequest(op, errType string, status int, d time.Duration) {
	m.requests.WithLabelValues(op, errType, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(op).Observe(d.Seconds())
}

func (m *metrics) messageEvent(medium, event string) {
	m.messages.WithLabelValues(medium, event).Inc()
}

// serveMetrics serves /metrics on its own listener (--metrics-addr, loopback
// by default), never on the API's: the counters are for operators, and on
// a public port they could tell an outsider more than the API does.
func serveMetrics(cfg *config, m *metrics, log *slog.Logger, stdout io.Writer) (*http.Server, error) {
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener failed", "err", err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/metrics"
	announce(cfg, stdout, "userpool metrics on "+url, "userpool metrics", "url", url)
	return srv, nil
}
