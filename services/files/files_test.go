package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/blob/blobmem"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/rpc"
)

func TestObjectRoutes(t *testing.T) {
	store := blobmem.New()
	dev := http.NewServeMux()
	objectRoutes(dev, store)
	h := newHandler(newTestServer(t, nil), parseCORS(""), dev)
	do := func(method, path string, body []byte, contentType string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set(rpc.DevHeader, "1")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	body := bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000)
	if rec := do(http.MethodPut, "/__dev/objects/a/b%20c.bin", body, "application/x-test"); rec.Code != http.StatusNoContent {
		t.Fatalf("PUT = %d %s", rec.Code, rec.Body)
	}
	rec := do(http.MethodGet, "/__dev/objects/a/b%20c.bin", nil, "")
	got := []any{rec.Code, rec.Header().Get("Content-Type"), bytes.Equal(rec.Body.Bytes(), body)}
	if diff := cmp.Diff([]any{200, "application/x-test", true}, got); diff != "" {
		t.Errorf("GET (-want +got):\n%s", diff)
	}
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodDelete, "/__dev/objects/a/b%20c.bin", http.StatusNoContent},
		{http.MethodGet, "/__dev/objects/a/b%20c.bin", http.StatusNotFound},
		{http.MethodDelete, "/__dev/objects/never-there", http.StatusNoContent},
	}
	for _, tt := range tests {
		if rec := do(tt.method, tt.path, nil, ""); rec.Code != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.status)
		}
	}
}

func TestHealthProbesTheBucket(t *testing.T) {
	fs := newTestServer(t, nil)
	fs.Checker = &health.Checker{Service: "files", Probes: []health.Probe{health.Blob("FILES_BUCKET", blobmem.New())}}
	srv := httptest.NewServer(newHandler(fs, parseCORS(""), nil))
	defer srv.Close()
	res, err := filesv1connect.NewFilesServiceClient(srv.Client(), srv.URL).Health(context.Background(), &commonv1.HealthRequest{Deep: true})
	if err != nil || !res.GetHealth().GetOk() || res.GetHealth().GetBindings()[0].GetKind() != "r2" {
		t.Errorf("Health = %v, %v", res, err)
	}
}
