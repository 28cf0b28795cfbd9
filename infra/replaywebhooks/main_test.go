package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeGateway answers replayWebhookDeliveries with pages of the sizes given, in turn, and keeps
// the variables of each call.
func fakeGateway(t *testing.T, pages []int, calls *[]map[string]any) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metadata" || r.Header.Get("Authorization") != "Bearer key" {
			http.Error(w, "wrong call", http.StatusBadRequest)
			return
		}
		var in struct{ Variables map[string]any }
		_ = json.NewDecoder(r.Body).Decode(&in)
		*calls = append(*calls, in.Variables)
		if in.Variables["webhookId"] == "gone" {
			fmt.Fprint(w, `{"data":null,"errors":[{"message":"Webhook not found","extensions":{"code":"NOT_FOUND"}}]}`)
			return
		}
		n := pages[0]
		pages = pages[1:]
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"id": fmt.Sprintf("d%d", i), "status": "PENDING"}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"replayWebhookDeliveries": out}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReplayAllPages(t *testing.T) {
	var calls []map[string]any
	srv := fakeGateway(t, []int{50, 50, 3}, &calls)
	var out bytes.Buffer
	n, err := replayAll(context.Background(), srv.Client(), srv.URL, "key", "w1", nil, &out)
	if err != nil || n != 103 {
		t.Fatalf("replayAll = %d, %v; want 103 over three pages", n, err)
	}
	if got := strings.Count(out.String(), "\n"); got != 103 {
		t.Errorf("printed %d lines, want 103", got)
	}
	if diff := cmp.Diff([]map[string]any{{"webhookId": "w1"}, {"webhookId": "w1"}, {"webhookId": "w1"}}, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestReplayNamedAndRefused(t *testing.T) {
	var calls []map[string]any
	srv := fakeGateway(t, []int{1}, &calls)
	n, err := replayAll(context.Background(), srv.Client(), srv.URL, "key", "w1", []string{"d0"}, &bytes.Buffer{})
	if err != nil || n != 1 || len(calls) != 1 {
		t.Errorf("named replay = %d, %v after %d calls; want 1 in one call", n, err, len(calls))
	}
	if _, err := replayAll(context.Background(), srv.Client(), srv.URL, "key", "gone", nil, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "NOT_FOUND: Webhook not found") {
		t.Errorf("replay of an unknown webhook = %v, want its GraphQL error", err)
	}
}
