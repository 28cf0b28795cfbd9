//go:build e2e

package e2e

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// The abuse checks of issue #22, item 5, that hardening_test.go does not make: slow clients
// trickling a body and a flood of concurrent requests. Both get 4xx or 429, never a 5xx, a hang
// or a new Go instance, and other callers are served meanwhile.

// trickle sends a POST with a Content-Length body over a raw connection, a chunk every gap, and
// answers the status line's code (0 when the connection ended without one) and how long it took.
func trickle(t *testing.T, path, token string, body string, chunk int, gap time.Duration, stopAfter int) (int, time.Duration) {
	t.Helper()
	u, err := url.Parse(need(t).BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nCF-Connecting-IP: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		path, u.Host, token, testAddress(t), len(body))
	sent := 0
	for i := 0; i < len(body) && (stopAfter < 0 || sent < stopAfter); i += chunk {
		end := min(i+chunk, len(body))
		if _, err := conn.Write([]byte(body[i:end])); err != nil {
			break // the server answered and closed early
		}
		sent += end - i
		time.Sleep(gap)
	}
	if stopAfter >= 0 && sent < len(body) {
		// A client that goes away mid-body: nobody is left to answer. (Locally, a client that
		// only half-closes gets a 500 from wrangler's proxy in front of the Workers, "Network
		// connection lost", not from a Worker; the edge answers no departed client.)
		return 0, time.Since(start)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, time.Since(start)
	}
	res.Body.Close()
	return res.StatusCode, time.Since(start)
}

// TestSlowClientsTricklingBodies: clients sending their bodies a few bytes at a time (a valid
// one, an invalid one, one that gives up mid-body) are answered as their bodies deserve once
// they end, never with a 5xx; meanwhile another workspace's requests are served as usual, and
// the gateway's Go instance is the same afterwards.
func TestSlowClientsTricklingBodies(t *testing.T) {
	a, victim := onboard(t, "/metadata"), onboard(t, "/metadata")
	before := decode[instance](t, get(t, "/__dev/instance"))
	valid := `{"query":"{ people(first: 1) { totalCount } }"}`
	invalid := `{"query":"{ people(first: 1) { totalCount } "` + strings.Repeat(" ", 30)
	type result struct {
		name   string
		status int
		took   time.Duration
	}
	var mu sync.Mutex
	var results []result
	var wg sync.WaitGroup
	cases := []struct {
		name, path, body string
		stopAfter        int
		want             func(int) bool
	}{
		{"valid GraphQL, trickled", "/graphql", valid, -1, func(s int) bool { return s == http.StatusOK }},
		{"invalid GraphQL, trickled", "/graphql", invalid, -1, func(s int) bool { return s >= 400 && s < 500 }},
		{"REST body, trickled", "/rest/people", `{"city":"Trickle"}`, -1, func(s int) bool { return s == http.StatusCreated }},
		{"gives up mid-body", "/rest/people", `{"city":"Never finished"}`, 5, func(s int) bool { return s == 0 }},
	}
	for _, c := range cases {
		for range 2 {
			wg.Go(func() {
				status, took := trickle(t, c.path, a.access, c.body, 3, 150*time.Millisecond, c.stopAfter)
				mu.Lock()
				results = append(results, result{c.name, status, took})
				mu.Unlock()
				if !c.want(status) {
					t.Errorf("%s: status %d after %v", c.name, status, took)
				}
			})
		}
	}
	statuses := map[int]int{}
	time.Sleep(200 * time.Millisecond)
	during := latencies(20, func() int {
		return get(t, "/rest/people?limit=1", "Authorization", "Bearer "+victim.access).status
	}, statuses)
	wg.Wait()
	for _, r := range results {
		t.Logf("%s: %d in %v", r.name, r.status, r.took.Round(time.Millisecond))
	}
	t.Logf("another workspace during the trickles: p50 %v, max %v", quantile(during, .5), quantile(during, 1))
	if statuses[http.StatusOK] != 20 {
		t.Errorf("another workspace's statuses during the trickles %v, want 20 × 200", statuses)
	}
	if p := quantile(during, 1); p > 2*time.Second {
		t.Errorf("another workspace waited up to %v during the trickles", p)
	}
	if after := decode[instance](t, get(t, "/__dev/instance")); after.InstanceID != before.InstanceID {
		t.Errorf("the gateway's Go instance was replaced during the trickles")
	}
	if n := peopleIn(t, a, "Never%20finished"); n != 0 {
		t.Errorf("%d people from bodies never finished, want 0", n)
	}
}

// TestFloodGets429NeverA5xx sends one workspace's requests 24 at a time, far past its budget: every
// answer is a 200 or Twenty's 429 with Retry-After, none is a 5xx, none hangs, and another
// workspace is still served.
func TestFloodGets429NeverA5xx(t *testing.T) {
	a, other := onboard(t, "/metadata"), onboard(t, "/metadata")
	const workers, each = 24, 15
	statuses := map[int]int{}
	var mu sync.Mutex
	var slowest time.Duration
	var retryAfter string
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				start := time.Now()
				r := get(t, "/rest/people?limit=1", "Authorization", "Bearer "+a.access)
				took := time.Since(start)
				mu.Lock()
				statuses[r.status]++
				slowest = max(slowest, took)
				if r.status == http.StatusTooManyRequests {
					retryAfter = r.header.Get("Retry-After")
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("flood of %d requests: statuses %v, slowest %v", workers*each, statuses, slowest.Round(time.Millisecond))
	for s := range statuses {
		if s != http.StatusOK && s != http.StatusTooManyRequests {
			t.Errorf("flood statuses %v: want only 200 and 429", statuses)
		}
	}
	if statuses[http.StatusTooManyRequests] == 0 || retryAfter == "" {
		t.Errorf("flood statuses %v, Retry-After %q: want 429s with Retry-After", statuses, retryAfter)
	}
	if slowest > 10*time.Second {
		t.Errorf("a flood request took %v", slowest)
	}
	if r := get(t, "/rest/people?limit=1", "Authorization", "Bearer "+other.access); r.status != http.StatusOK {
		t.Errorf("another workspace during the flood's window = %d, want 200", r.status)
	}
}
