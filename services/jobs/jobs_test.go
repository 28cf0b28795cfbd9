package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// TestDevRoutesDriveTheQueue enqueues through the dev route, delivers what was sent to the
// consumer, and reads the outcome back through the dev routes.
func TestDevRoutesDriveTheQueue(t *testing.T) {
	c := newConsumer(t)
	q := queuemem.New()
	mux := http.NewServeMux()
	devRoutes(mux, c, q, c.prune)
	h := newHandler(nil, mux)

	do := func(method, path, body string) (int, string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set(rpc.DevHeader, "1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}

	code, body := do(http.MethodPost, "/__dev/enqueue", `{"type":"diagnostic.ok","workspaceId":"ws-1","payload":{"n":1}}`)
	if code != http.StatusOK {
		t.Fatalf("enqueue = %d %s", code, body)
	}
	var out struct{ ID string }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("enqueue answer %s: %v", body, err)
	}

	if code, _ := do(http.MethodGet, "/__dev/runs/"+out.ID, ""); code != http.StatusNotFound {
		t.Errorf("run before delivery = %d, want 404", code)
	}
	c.handleBatch(context.Background(), &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{
		cfworker.NewMessage("m1", 1, time.Now(), q.Sent()[0], func() {}, func(time.Duration) {}),
	}})
	code, body = do(http.MethodGet, "/__dev/runs/"+out.ID, "")
	if diff := cmp.Diff(`{"type":"diagnostic.ok","status":"succeeded","attempts":1,"lastError":""}`, strings.TrimSpace(body)); code != http.StatusOK || diff != "" {
		t.Errorf("run = %d, mismatch (-want +got):\n%s", code, diff)
	}
	if code, body := do(http.MethodPost, "/__dev/enqueue", `{"type":""}`); code != http.StatusBadRequest {
		t.Errorf("enqueue without type = %d %s, want 400", code, body)
	}
	if code, _ := do(http.MethodPost, "/__dev/cron?cron=17+3+*+*+*", ""); code != http.StatusOK {
		t.Errorf("cron = %d, want 200", code)
	}
}

func TestDevRoutesNeedTheGatewaysMark(t *testing.T) {
	mux := http.NewServeMux()
	c := newConsumer(t)
	devRoutes(mux, c, queuemem.New(), c.prune)
	rec := httptest.NewRecorder()
	newHandler(nil, mux).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__dev/enqueue", strings.NewReader(`{"type":"diagnostic.ok"}`)))
	if rec.Code != http.StatusNotFound {
		t.Errorf("dev route without %s = %d, want 404", rpc.DevHeader, rec.Code)
	}
}
