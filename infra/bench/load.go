package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// target sends identical requests to one server.
type target struct {
	client *http.Client
	base   string // without trailing slash
	method string
	body   []byte
	header http.Header
	host   string // Host header override, if any
	// gap is the pause before each record request (-gap): a caller who reads between requests,
	// which leaves the runtime idle between them as real traffic does.
	gap time.Duration
	// samples, when set, gets a CSV line per record request sent (-samples).
	samples *sampleLog
}

// newClient returns a keep-alive client that keeps enough idle connections
// for concurrency c and does not follow redirects (a 3xx is a success).
func newClient(c int, timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 2*c + 8
	tr.MaxIdleConnsPerHost = c + 4
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// sample is the outcome of one request. status is 0 for a transport error.
type sample struct {
	status int
	d      time.Duration
	err    error
	// graphqlErrors reports a body holding a GraphQL "errors" list.
	graphqlErrors bool
}

// do sends one request to path, reads the whole body and reports how long
// that took.
func (tg *target) do(ctx context.Context, method, path string, body []byte) sample {
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, tg.base+path, rd)
	if err != nil {
		return sample{err: err}
	}
	req.Header = tg.header.Clone()
	if tg.host != "" {
		req.Host = tg.host
	}
	start := time.Now()
	resp, err := tg.client.Do(req)
	if err != nil {
		return sample{d: time.Since(start), err: err}
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return sample{d: d, err: fmt.Errorf("reading body: %w", err)}
	}
	return sample{status: resp.StatusCode, d: d, graphqlErrors: bytes.Contains(raw, []byte(`"errors":[`))}
}

// pathResult is the measurement of one path.
type pathResult struct {
	path     string
	sent     int
	errors   int
	statuses map[int]int // non-2xx/3xx statuses; 0 = transport error
	firstErr error       // first transport error, if any
	lat      Summary     // over successful requests only
	elapsed  time.Duration
}

// ok reports whether status counts as a success.
func ok(status int) bool { return status >= 200 && status < 400 }

// load sends n requests to path over c workers and summarizes them. It stops
// early when ctx ends.
func (tg *target) load(ctx context.Context, path string, n, c int) pathResult {
	samples := make([]sample, n)
	var next atomic.Int64
	var sent atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range max(1, min(c, n)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				samples[i] = tg.do(ctx, tg.method, path, tg.body)
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	r := pathResult{path: path, sent: int(sent.Load()), elapsed: time.Since(start), statuses: map[int]int{}}
	var good []time.Duration
	for _, s := range samples[:r.sent] {
		switch {
		case s.err != nil:
			r.errors++
			r.statuses[0]++
			if r.firstErr == nil {
				r.firstErr = s.err
			}
		case !ok(s.status):
			r.errors++
			r.statuses[s.status]++
		default:
			good = append(good, s.d)
		}
	}
	r.lat = Summarize(good)
	return r
}

// instanceInfo is the body of GET /__dev/instance.
type instanceInfo struct {
	InstanceID     string `json:"instanceId"`
	RequestsServed int64  `json:"requestsServed"`
	Memory         struct {
		HeapBytes   uint64 `json:"heapBytes"`
		HeapObjects uint64 `json:"heapObjects"`
		GCCycles    uint64 `json:"gcCycles"`
	} `json:"memory"`
}

// instance reads /__dev/instance. It returns an error if the route is
// missing or answers something else.
func (tg *target) instance(ctx context.Context) (instanceInfo, error) {
	return tg.instanceAt(ctx, "/__dev/instance")
}

// instanceAt reads an instance route at path: the gateway's, or a Worker's behind it
// (/__dev/svc/records/instance), with ?gc=1 to collect first.
func (tg *target) instanceAt(ctx context.Context, path string) (instanceInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tg.base+path, nil)
	if err != nil {
		return instanceInfo{}, err
	}
	req.Header = tg.header.Clone()
	if tg.host != "" {
		req.Host = tg.host
	}
	resp, err := tg.client.Do(req)
	if err != nil {
		return instanceInfo{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return instanceInfo{}, fmt.Errorf("reading body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return instanceInfo{}, fmt.Errorf("status %s", resp.Status)
	}
	var info instanceInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return instanceInfo{}, fmt.Errorf("decoding %q: %w", b, err)
	}
	if info.InstanceID == "" {
		return instanceInfo{}, fmt.Errorf("no instanceId in %q", b)
	}
	return info, nil
}
