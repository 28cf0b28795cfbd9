package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/requestid"
)

func TestAccessLogLine(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	Setup("gateway", &buf)
	t.Cleanup(func() { slog.SetDefault(prev) })

	h := requestid.Middleware(AccessLog(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("short"))
	})))
	req := httptest.NewRequest(http.MethodGet, "/rest/people?token=secret-token", nil)
	req.Header.Set("Authorization", "Bearer secret-token")
	req.Header.Set(requestid.Header, "req-1")
	h.ServeHTTP(httptest.NewRecorder(), req)

	if strings.Contains(buf.String(), "secret-token") {
		t.Fatalf("log line leaks the token: %s", buf.String())
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("log line is not one JSON object: %v\n%s", err, buf.String())
	}
	delete(got, "time")
	delete(got, "duration_ms")
	want := map[string]any{
		"level": "INFO", "msg": "request", "service": "gateway", "request_id": "req-1",
		"method": "GET", "path": "/rest/people", "status": float64(418), "bytes": float64(5),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access log line mismatch (-want +got):\n%s", diff)
	}
}
