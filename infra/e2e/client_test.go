//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var client = &http.Client{Timeout: 30 * time.Second}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request to the stack; headers come in name/value pairs.
func call(t *testing.T, method, path string, body io.Reader, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, need(t).BaseURL+path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	// Each test is its own client address, so rate limit budgets never leak between tests.
	req.Header.Set("CF-Connecting-IP", testAddress(t))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{res.StatusCode, res.Header, b}
}

func get(t *testing.T, path string, headers ...string) reply {
	t.Helper()
	return call(t, http.MethodGet, path, nil, headers...)
}

func post(t *testing.T, path, body string, headers ...string) reply {
	t.Helper()
	return call(t, http.MethodPost, path, strings.NewReader(body), headers...)
}

// decode parses r's JSON body into a T, failing the test with the body when it cannot.
func decode[T any](t *testing.T, r reply) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("status %d, body %q: not the expected JSON: %v", r.status, r.body, err)
	}
	return v
}

// eventually polls check every 200 ms until it returns true or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type envelope struct {
	StatusCode int      `json:"statusCode"`
	Error      string   `json:"error"`
	Messages   []string `json:"messages"`
}

// testAddress is a stable documentation-range address (RFC 5737) per top-level test.
func testAddress(t *testing.T) string {
	h := fnv.New32a()
	h.Write([]byte(strings.SplitN(t.Name(), "/", 2)[0]))
	n := h.Sum32()
	return fmt.Sprintf("192.0.2.%d", 1+n%250)
}

// sender returns send, which sends one request with a body and headers (name/value pairs), and
// expect, which stops the test when a reply's status is not the one wanted.
func sender(t *testing.T, headers []string) (send func(method, path, body string) reply, expect func(r reply, status int, what string)) {
	send = func(method, path, body string) reply {
		t.Helper()
		return call(t, method, path, strings.NewReader(body), headers...)
	}
	expect = func(r reply, status int, what string) {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s = %d %s, want %d", what, r.status, r.body, status)
		}
	}
	return send, expect
}
