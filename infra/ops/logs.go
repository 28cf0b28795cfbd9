package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
)

// logFilter keeps the log entries matching every filter set.
type logFilter struct {
	status, workspace, requestID string
}

// statusMatches: "500" exactly, "5xx" a class, "error" any 5xx.
func (f logFilter) statusMatches(status int) bool {
	switch s := strings.ToLower(f.status); {
	case s == "":
		return true
	case s == "error":
		return status >= 500
	case len(s) == 3 && strings.HasSuffix(s, "xx"):
		return strconv.Itoa(status/100) == s[:1]
	default:
		return strconv.Itoa(status) == s
	}
}

// line filters one of our JSON log lines (shared/logging: status, workspace, request_id).
func (f logFilter) line(raw string) bool {
	var l struct {
		Status    int    `json:"status"`
		Workspace string `json:"workspace"`
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal([]byte(raw), &l) != nil {
		return f.status == "" && f.workspace == "" && f.requestID == ""
	}
	if f.status != "" && (l.Status == 0 || !f.statusMatches(l.Status)) {
		return false
	}
	return (f.workspace == "" || l.Workspace == f.workspace) && (f.requestID == "" || l.RequestID == f.requestID)
}

// tailEvent is one event of `wrangler tail --format json`.
type tailEvent struct {
	Outcome string `json:"outcome"`
	Time    int64  `json:"eventTimestamp"`
	Event   struct {
		Request struct {
			URL     string            `json:"url"`
			Method  string            `json:"method"`
			Headers map[string]string `json:"headers"`
		} `json:"request"`
		Response struct {
			Status int `json:"status"`
		} `json:"response"`
	} `json:"event"`
	Logs []struct {
		Message []any  `json:"message"`
		Level   string `json:"level"`
	} `json:"logs"`
	Exceptions []struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"exceptions"`
}

func (f logFilter) event(e tailEvent) bool {
	if f.status != "" && !f.statusMatches(e.Event.Response.Status) && !(f.status == "error" && e.Outcome == "exception") {
		return false
	}
	text := func(s string) bool {
		if s == "" {
			return true
		}
		if e.Event.Request.Headers["x-request-id"] == s {
			return true
		}
		for _, l := range e.Logs {
			if strings.Contains(fmt.Sprint(l.Message...), s) {
				return true
			}
		}
		return false
	}
	return text(f.workspace) && text(f.requestID)
}

// logs tails a Worker's logs with filters. Locally it filters the stack's log lines from stdin
// (`make dev 2>&1 | make logs`).
func (a *app) logs(ctx context.Context, o opts) error {
	f := logFilter{status: o.status, workspace: o.workspace, requestID: o.requestID}
	if o.env == "" {
		s := bufio.NewScanner(a.stdin)
		s.Buffer(make([]byte, 1<<20), 1<<20)
		for s.Scan() {
			if line := s.Text(); f.line(strings.TrimSpace(line)) {
				fmt.Fprintln(a.out, line)
			}
		}
		return s.Err()
	}
	svc := o.service
	if svc == "" {
		svc = "gateway"
	}
	var status []string
	if strings.ToLower(o.status) == "error" {
		status = []string{"error"}
	}
	search := o.requestID
	if search == "" {
		search = o.workspace
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		dec := json.NewDecoder(pr)
		for {
			var e tailEvent
			if err := dec.Decode(&e); err != nil {
				pr.Close()
				close(done)
				return
			}
			if !f.event(e) {
				continue
			}
			fmt.Fprintf(a.out, "%s %d %s %s %s\n", time.UnixMilli(e.Time).UTC().Format(time.RFC3339), e.Event.Response.Status, e.Outcome, e.Event.Request.Method, e.Event.Request.URL)
			for _, l := range e.Logs {
				fmt.Fprintf(a.out, "  %s %s\n", l.Level, fmt.Sprint(l.Message...))
			}
			for _, x := range e.Exceptions {
				fmt.Fprintf(a.out, "  exception %s: %s\n", x.Name, x.Message)
			}
		}
	}()
	err := a.cf.Stream(ctx, cloudflare.Tail(a.worker(svc, o.env), status, search), pw)
	pw.Close()
	<-done
	return err
}

// metricsQuery is the Analytics Engine SQL over dataset for the last window: per route, the
// requests (each point weighs its sample interval), their rate, p50/p99 duration and error rate.
// The gateway writes blob1 Worker, blob2 route, blob3 method, blob4 workspace, double1 status,
// double2 duration in ms (shared/logging, Point).
func metricsQuery(dataset string, window time.Duration) string {
	secs := int(window.Seconds())
	return fmt.Sprintf("SELECT blob2 AS route, SUM(_sample_interval) AS requests, SUM(_sample_interval) / %d AS per_second, "+
		"quantileWeighted(0.5, double2, _sample_interval) AS p50_ms, quantileWeighted(0.99, double2, _sample_interval) AS p99_ms, "+
		"SUM(IF(double1 >= 500, _sample_interval, 0)) / SUM(_sample_interval) AS error_rate "+
		"FROM %s WHERE timestamp > NOW() - INTERVAL '%d' SECOND GROUP BY route ORDER BY requests DESC FORMAT JSON", secs, dataset, secs)
}

// routeMetrics is one row of the metrics table.
type routeMetrics struct {
	Route     string  `json:"route"`
	Requests  float64 `json:"requests"`
	PerSecond float64 `json:"per_second"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	ErrorRate float64 `json:"error_rate"`
}

func printMetrics(w io.Writer, rows []routeMetrics) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Requests > rows[j].Requests })
	fmt.Fprintf(w, "%-40s %10s %8s %9s %9s %7s\n", "route", "requests", "req/s", "p50 ms", "p99 ms", "errors")
	for _, r := range rows {
		fmt.Fprintf(w, "%-40s %10.0f %8.2f %9.2f %9.2f %6.2f%%\n", r.Route, r.Requests, r.PerSecond, r.P50, r.P99, 100*r.ErrorRate)
	}
}

// metrics prints request rate, p50/p99 and error rate per route over the window: from Analytics
// Engine for a deployed environment, from the running local stack's /__dev/metrics locally.
func (a *app) metrics(ctx context.Context, env, since string) error {
	window, err := time.ParseDuration(since)
	if err != nil || window <= 0 {
		return fmt.Errorf("metrics: SINCE=%q is not a duration (1h, 15m)", since)
	}
	var rows []routeMetrics
	if env == "" {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.baseURL+"/__dev/metrics?since="+since, nil)
		if err != nil {
			return err
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("metrics: the local stack (make dev) does not answer: %w", err)
		}
		defer res.Body.Close()
		var body struct {
			Routes []routeMetrics `json:"routes"`
		}
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			return fmt.Errorf("metrics: %s/__dev/metrics: %w", a.baseURL, err)
		}
		rows = body.Routes
	} else {
		dataset, err := a.st.dataset(env)
		if err != nil {
			return err
		}
		out, err := a.cf.Run(ctx, cloudflare.AnalyticsSQL(metricsQuery(dataset, window)))
		if err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		var body struct {
			Data []routeMetrics `json:"data"`
		}
		if err := json.Unmarshal(out, &body); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		rows = body.Data
	}
	a.printf("metrics %s, last %s\n", envName(env), window)
	printMetrics(a.out, rows)
	return nil
}
