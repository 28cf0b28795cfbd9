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
	Setup("gateway", &buf, "debug")
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
		"level": "DEBUG", "msg": "request", "service": "gateway", "request_id": "req-1",
		"method": "GET", "path": "/rest/people", "status": float64(418), "bytes": float64(5),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access log line mismatch (-want +got):\n%s", diff)
	}
}

func TestAccessLogLevels(t *testing.T) {
	tests := []struct {
		name   string
		level  string
		status int
		want   string // the logged level, "" for no line
	}{
		{"success is debug: hidden at info", "info", 200, ""},
		{"success shown at debug", "debug", 200, "DEBUG"},
		{"client error hidden at info", "", 404, ""},
		{"server error always", "info", 503, "ERROR"},
		{"server error hidden only above error", "bogus-level-means-info", 500, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			prev := slog.Default()
			Setup("auth", &buf, tt.level)
			t.Cleanup(func() { slog.SetDefault(prev) })
			h := AccessLog(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tt.status) }))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
			got := ""
			if buf.Len() > 0 {
				var line map[string]any
				if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
					t.Fatalf("not JSON: %s", buf.String())
				}
				got, _ = line["level"].(string)
			}
			if got != tt.want {
				t.Errorf("logged level %q, want %q", got, tt.want)
			}
		})
	}
}
