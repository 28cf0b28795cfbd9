//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestFilesRoutesRateLimitedWithRequestID: the file routes, whose bodies stream past Go, still
// pass the gateway's rate limit (a caller with only the URL's file token counts per client
// address, 100 a minute, Twenty's 429) and carry one request id from the gateway to the files
// Worker and back to the client.
func TestFilesRoutesRateLimitedWithRequestID(t *testing.T) {
	a := onboard(t, "/metadata")
	body := randomBytes(t, 64<<10)
	f := directUpload(t, a.access, "gate.bin", body)
	download := requestURI(t, f.URL)

	r := get(t, download, "X-Request-Id", "e2e-file-gate-1")
	if r.status != http.StatusOK || !bytes.Equal(r.body, body) || r.header.Get("X-Request-Id") != "e2e-file-gate-1" {
		t.Fatalf("download = %d, %d bytes, X-Request-Id %q", r.status, len(r.body), r.header.Get("X-Request-Id"))
	}
	if id := get(t, download).header.Get("X-Request-Id"); len(id) != 32 {
		t.Errorf("a download's own request id = %q, want one drawn by the gateway", id)
	}

	ip := fmt.Sprintf("198.51.100.%d", 1+time.Now().UnixNano()%200)
	passed, r := countUntil429(t, 201, func() reply { return get(t, download, "CF-Connecting-IP", ip) })
	if passed < 90 {
		t.Errorf("address throttled on downloads after %d requests, want about 100 a minute", passed)
	}
	if diff := cmp.Diff(envelope{429, "ThrottlerException", []string{"ThrottlerException: Too Many Requests"}}, decode[envelope](t, r)); diff != "" || r.header.Get("Retry-After") != "60" {
		t.Errorf("429 (-want +got):\n%s\nRetry-After = %q, want 60", diff, r.header.Get("Retry-After"))
	}
	// The address's budget covers uploads too, refused before the body reaches the files Worker.
	if put := call(t, http.MethodPut, "/file-upload/"+newUUID(t)+"?token=x", bytes.NewReader(body), "CF-Connecting-IP", ip); put.status != http.StatusTooManyRequests {
		t.Errorf("PUT from a spent address = %d %s, want 429", put.status, put.body)
	}
	if other := get(t, download, "CF-Connecting-IP", "203.0.113.251"); other.status != http.StatusOK {
		t.Errorf("another address = %d, want 200", other.status)
	}
}
