package loadgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Report is the result of a run; its JSON form is `userpool bench --json`.
type Report struct {
	Endpoint    string  `json:"endpoint"`
	UserPoolID  string  `json:"userPoolId,omitempty"`
	ClientID    string  `json:"clientId,omitempty"`
	Users       int     `json:"users"`
	Concurrency int     `json:"concurrency"`
	ServerPID   int     `json:"serverPid,omitempty"` // 0: not found, RSS unknown
	Phases      []Phase `json:"phases"`
}

// Phase is one phase's section. Count and the latencies are of its unit:
// a created user (setup), a request (forgot) or a whole flow (flow); Ops
// break it down per operation. Latencies include failed attempts.
type Phase struct {
	Name            string           `json:"name"`
	Unit            string           `json:"unit"`
	Count           int64            `json:"count"`
	Errors          int64            `json:"errors"`
	DurationSeconds float64          `json:"durationSeconds"`
	PerSecond       float64          `json:"perSecond"`
	Latency         Latency          `json:"latencyMs"`
	ErrorTypes      map[string]int64 `json:"errorTypes"`
	FirstError      string           `json:"firstError,omitempty"`
	RSSBeforeKiB    *int64           `json:"rssBeforeKiB"` // null: unknown
	RSSAfterKiB     *int64           `json:"rssAfterKiB"`
	Ops             []OpStats        `json:"ops"`
}

// OpStats is one operation's share of a phase.
type OpStats struct {
	Op         string           `json:"op"`
	Requests   int64            `json:"requests"`
	Errors     int64            `json:"errors"`
	PerSecond  float64          `json:"perSecond"`
	Latency    Latency          `json:"latencyMs"`
	ErrorTypes map[string]int64 `json:"errorTypes"`
}

// Latency holds exact percentiles of the recorded samples, in
// milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// recorder keeps every sample, not a histogram, so percentiles are exact;
// one belongs to one worker until the phase ends.
type recorder struct {
	lat      []time.Duration
	errs     map[string]int64
	errCount int64
	first    string // the first error, for a message a person can act on
}

type opRecorder struct {
	op  string
	rec *recorder
}

func newRecorder(capacity int) *recorder {
	return &recorder{lat: make([]time.Duration, 0, capacity), errs: map[string]int64{}}
}

func (r *recorder) add(d time.Duration, err *callErr) {
	r.lat = append(r.lat, d)
	if err != nil {
		r.errs[err.Type]++
		r.errCount++
		if r.first == "" {
			r.first = err.Error()
		}
	}
}

// mergeInto adds src to dst (a new recorder when dst is nil).
func mergeInto(dst, src *recorder) *recorder {
	if dst == nil {
		dst = newRecorder(len(src.lat))
	}
	dst.lat = append(dst.lat, src.lat...)
	for k, v := range src.errs {
		dst.errs[k] += v
	}
	dst.errCount += src.errCount
	if dst.first == "" {
		dst.first = src.first
	}
	return dst
}

func mergeAll(rs []*recorder) *recorder {
	total := 0
	for _, r := range rs {
		total += len(r.lat)
	}
	out := newRecorder(total)
	for _, r := range rs {
		mergeInto(out, r)
	}
	return out
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted samples: the smallest sample with at least p% of samples at or
// below it. It is 0 for no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999999) // ceil without float error at whole ranks
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func latencyOf(samples []time.Duration) Latency {
	slices.Sort(samples)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Latency{P50: ms(Percentile(samples, 50)), P90: ms(Percentile(samples, 90)),
		P99: ms(Percentile(samples, 99)), Max: ms(Percentile(samples, 100))}
}

func newPhase(name, unit string, elapsed time.Duration, u *recorder, ops []opRecorder) Phase {
	secs := elapsed.Seconds()
	rate := func(n int) float64 {
		if secs <= 0 {
			return 0
		}
		return float64(n) / secs
	}
	p := Phase{Name: name, Unit: unit, Count: int64(len(u.lat)), Errors: u.errCount, DurationSeconds: secs,
		PerSecond: rate(len(u.lat)), Latency: latencyOf(u.lat), ErrorTypes: u.errs, FirstError: u.first, Ops: []OpStats{}}
	for _, o := range ops {
		if p.FirstError == "" {
			p.FirstError = o.rec.first // e.g. CreateUserPool refused before any user
		}
		p.Ops = append(p.Ops, OpStats{Op: o.op, Requests: int64(len(o.rec.lat)), Errors: o.rec.errCount,
			PerSecond: rate(len(o.rec.lat)), Latency: latencyOf(o.rec.lat), ErrorTypes: o.rec.errs})
	}
	return p
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a person: a header with the IDs to
// reuse, then a table per phase.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "endpoint %s, %d users, concurrency %d, server pid %s\n", r.Endpoint, r.Users, r.Concurrency, pidText(r.ServerPID))
	if r.UserPoolID != "" {
		fmt.Fprintf(bw, "pool %s, client %s (reuse with --pool %s --client %s)\n", r.UserPoolID, r.ClientID, r.UserPoolID, r.ClientID)
	}
	const row = "%-26s %9v %7v %9v %8v %8v %8v %8v\n"
	for _, p := range r.Phases {
		fmt.Fprintf(bw, "\n%s: %d %ss in %.2fs, server RSS %s -> %s\n", p.Name, p.Count, p.Unit, p.DurationSeconds,
			kibText(p.RSSBeforeKiB), kibText(p.RSSAfterKiB))
		fmt.Fprintf(bw, row, "", "count", "errors", "per s", "p50 ms", "p90 ms", "p99 ms", "max ms")
		line := func(name string, n, errs int64, rate float64, l Latency) {
			f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
			fmt.Fprintf(bw, row, name, n, errs, strconv.FormatFloat(rate, 'f', 1, 64), f(l.P50), f(l.P90), f(l.P99), f(l.Max))
		}
		line(p.Unit+"s", p.Count, p.Errors, p.PerSecond, p.Latency)
		for _, o := range p.Ops {
			line("  "+o.Op, o.Requests, o.Errors, o.PerSecond, o.Latency)
		}
		writeErrors(bw, p)
	}
	return bw.Flush()
}

// writeErrors lists the phase's error types by operation, then the first
// error's message.
func writeErrors(w io.Writer, p Phase) {
	var parts []string
	for _, o := range p.Ops {
		for _, k := range slices.Sorted(maps.Keys(o.ErrorTypes)) {
			parts = append(parts, fmt.Sprintf("%s %s=%d", o.Op, k, o.ErrorTypes[k]))
		}
	}
	if len(parts) == 0 && p.Errors == 0 {
		fmt.Fprintln(w, "errors: none")
		return
	}
	fmt.Fprintf(w, "errors: %s\nfirst error: %s\n", strings.Join(parts, ", "), p.FirstError)
}

func pidText(pid int) string {
	if pid == 0 {
		return "unknown"
	}
	return fmt.Sprint(pid)
}

func kibText(k *int64) string {
	if k == nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(*k)/1024)
}
