package logging

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Point is one request's data point in Workers Analytics Engine: which Worker served which
// route, for which workspace, with which status, in how long. The gateway writes one per request
// (AccessLogWith); `make metrics` reads them back per route (docs/operations.md).
type Point struct {
	Worker, Route, Method, Workspace string
	Status                           int
	DurationMS                       float64
}

// Recorder takes each request's Point. It must not block: Analytics Engine's writeDataPoint
// returns at once and sends in the background.
type Recorder interface {
	Record(Point)
}

// tee records to each recorder.
type tee []Recorder

func (t tee) Record(p Point) {
	for _, r := range t {
		r.Record(p)
	}
}

// Tee records every point to each non-nil recorder.
func Tee(rs ...Recorder) Recorder {
	var t tee
	for _, r := range rs {
		if r != nil {
			t = append(t, r)
		}
	}
	if len(t) == 1 {
		return t[0]
	}
	return t
}

// annotations are what the handlers inside the access log tell it about the request.
type annotations struct{ workspace string }

type annotationsKey struct{}

// SetWorkspace names the workspace of the request ctx belongs to, for its access log line and
// data point. The gateway calls it once the caller's token is verified.
func SetWorkspace(ctx context.Context, workspaceID string) {
	if a, ok := ctx.Value(annotationsKey{}).(*annotations); ok {
		a.workspace = workspaceID
	}
}

// AccessLogWith is AccessLog that also writes each request's Point to rec (nil: none) as worker.
func AccessLogWith(worker string, rec Recorder, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		a := &annotations{}
		rec2 := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec2, r.WithContext(context.WithValue(r.Context(), annotationsKey{}, a)))
		elapsed := time.Since(start)
		route := Route(r.URL.Path)
		ms := float64(elapsed.Microseconds()) / 1000
		if rec != nil {
			rec.Record(Point{Worker: worker, Route: route, Method: r.Method, Workspace: a.workspace, Status: rec2.status, DurationMS: ms})
		}
		level := slog.LevelDebug
		switch {
		case rec2.status >= 500:
			level = slog.LevelError
		case elapsed >= SlowRequest:
			level = slog.LevelWarn
		}
		if !slog.Default().Enabled(r.Context(), level) {
			return
		}
		slog.Log(r.Context(), level, "request",
			"method", r.Method,
			"path", r.URL.Path,
			"route", route,
			"workspace", a.workspace,
			"status", rec2.status,
			"bytes", rec2.bytes,
			"duration_ms", ms)
	})
}

// Route is a request path with its ids and tokens replaced, so that a route's requests group
// together and no credential reaches the metrics: /rest/people/<uuid> is /rest/people/{id}; a
// file URL (it may carry a signed token) is /files/*.
func Route(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 0 && (segs[0] == "file" || segs[0] == "files" || segs[0] == "file-upload") {
		return "/" + segs[0] + "/*"
	}
	if len(segs) > 4 {
		segs = append(segs[:4], "…")
	}
	for i, s := range segs {
		if i > 0 && idLike(s) {
			segs[i] = "{id}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// idLike: a UUID, a number, or a long token with digits.
func idLike(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits > 0 && (digits == len(s) || len(s) >= 16)
}

// Recent keeps the last points in memory: the local stack's stand-in for Analytics Engine
// (wrangler dev's binding stores nothing), summarised by the gateway's /__dev/metrics.
type Recent struct {
	mu     sync.Mutex
	points []timedPoint
	next   int
	now    func() time.Time
}

type timedPoint struct {
	at time.Time
	Point
}

// NewRecent keeps the last n points.
func NewRecent(n int) *Recent {
	return &Recent{points: make([]timedPoint, 0, n), now: time.Now}
}

// Record implements Recorder.
func (r *Recent) Record(p Point) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tp := timedPoint{r.now(), p}
	if len(r.points) < cap(r.points) {
		r.points = append(r.points, tp)
		return
	}
	r.points[r.next] = tp
	r.next = (r.next + 1) % len(r.points)
}

// RouteSummary is one route's figures over a window, as `make metrics` prints them.
type RouteSummary struct {
	Route     string  `json:"route"`
	Requests  float64 `json:"requests"`
	PerSecond float64 `json:"per_second"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	ErrorRate float64 `json:"error_rate"`
}

// Summary answers each route's requests, rate, p50/p99 duration and share of 5xx over the
// points of the last window, busiest route first.
func (r *Recent) Summary(window time.Duration) []RouteSummary {
	r.mu.Lock()
	since := r.now().Add(-window)
	byRoute := map[string][]Point{}
	for _, p := range r.points {
		if p.at.After(since) {
			byRoute[p.Route] = append(byRoute[p.Route], p.Point)
		}
	}
	r.mu.Unlock()
	out := make([]RouteSummary, 0, len(byRoute))
	for route, ps := range byRoute {
		durations := make([]float64, len(ps))
		errors := 0
		for i, p := range ps {
			durations[i] = p.DurationMS
			if p.Status >= 500 {
				errors++
			}
		}
		slices.Sort(durations)
		n := float64(len(ps))
		out = append(out, RouteSummary{Route: route, Requests: n, PerSecond: n / window.Seconds(),
			P50: quantile(durations, 0.5), P99: quantile(durations, 0.99), ErrorRate: float64(errors) / n})
	}
	slices.SortFunc(out, func(a, b RouteSummary) int {
		if a.Requests != b.Requests {
			if a.Requests > b.Requests {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Route, b.Route)
	})
	return out
}

// quantile is the nearest-rank quantile of sorted values.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
