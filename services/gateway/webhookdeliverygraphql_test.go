package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// fakeDeliveries is the jobs Worker's WebhookDeliveryService for one webhook of ws-1: it keeps
// the requests and answers one dead delivery; any other webhook or workspace is not found.
type fakeDeliveries struct {
	jobsv1connect.UnimplementedWebhookDeliveryServiceHandler
	mu   sync.Mutex
	seen []proto.Message
}

const (
	fakeDeliveryHook = "00000000-0000-4000-8000-0000000000aa"
	fakeDeliveryID   = "00000000-0000-4000-8000-0000000000dd"
)

var fakeDelivery = &jobsv1.WebhookDelivery{
	Id: fakeDeliveryID, WebhookId: fakeDeliveryHook, EventId: "ev-1", EventName: "person.created",
	Status: jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_DEAD, Attempts: 2, LastStatusCode: 500, LastError: "the target answered 500",
	CreatedAt: "2026-12-06T10:00:00.000Z", UpdatedAt: "2026-12-06T10:01:00.000Z", Cursor: "c1",
	AttemptLog: []*jobsv1.WebhookDeliveryAttempt{
		{Attempt: 1, LatencyMs: 5000, Error: "no answer within 5s", AttemptedAt: "2026-12-06T10:00:00.000Z"},
		{Attempt: 2, StatusCode: 500, LatencyMs: 12, Error: "the target answered 500", AttemptedAt: "2026-12-06T10:01:00.000Z"},
	},
}

func (f *fakeDeliveries) check(req proto.Message, ws, hook string) error {
	f.mu.Lock()
	f.seen = append(f.seen, req)
	f.mu.Unlock()
	if ws != "ws-1" || hook != fakeDeliveryHook {
		return connect.NewError(connect.CodeNotFound, errors.New("webhook not found"))
	}
	return nil
}

func (f *fakeDeliveries) ListWebhookDeliveries(_ context.Context, req *jobsv1.ListWebhookDeliveriesRequest) (*jobsv1.ListWebhookDeliveriesResponse, error) {
	if err := f.check(req, req.GetWorkspaceId(), req.GetWebhookId()); err != nil {
		return nil, err
	}
	if req.GetAfter() == "bad" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("invalid webhook delivery request: invalid cursor"))
	}
	return &jobsv1.ListWebhookDeliveriesResponse{Deliveries: []*jobsv1.WebhookDelivery{fakeDelivery}, TotalCount: 3, HasNextPage: true, EndCursor: "c1"}, nil
}

func (f *fakeDeliveries) ReplayWebhookDeliveries(_ context.Context, req *jobsv1.ReplayWebhookDeliveriesRequest) (*jobsv1.ReplayWebhookDeliveriesResponse, error) {
	if err := f.check(req, req.GetWorkspaceId(), req.GetWebhookId()); err != nil {
		return nil, err
	}
	d := proto.Clone(fakeDelivery).(*jobsv1.WebhookDelivery)
	d.Status = jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_PENDING
	return &jobsv1.ReplayWebhookDeliveriesResponse{Deliveries: []*jobsv1.WebhookDelivery{d}}, nil
}

// deliveryStack is a gateway whose jobs Worker serves fakeDeliveries.
func deliveryStack(t *testing.T) (*stack, *fakeDeliveries) {
	t.Helper()
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	fake := &fakeDeliveries{}
	mux := http.NewServeMux()
	mux.Handle(jobsv1connect.NewWebhookDeliveryServiceHandler(fake, rpc.HandlerOptions()...))
	srv := httptest.NewServer(rpc.Middleware(mux))
	t.Cleanup(srv.Close)
	clients := map[string]connect.HTTPClient{}
	for k, v := range s.clients {
		clients[k] = v
	}
	clients["jobs"] = rewriteHost{srv.URL, srv.Client()}
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache})
	return s, fake
}

func TestWebhookDeliveriesGraphQL(t *testing.T) {
	s, fake := deliveryStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	got := s.gqlPost(t, token, `query($id: UUID!) { webhookDeliveries(webhookId: $id, status: DEAD, first: 5, after: "c0") {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id webhookId eventId eventName status attempts lastStatusCode lastError nextAttemptAt createdAt
    attemptLog { attempt statusCode latencyMs error attemptedAt } } } } }`, map[string]any{"id": fakeDeliveryHook})
	if len(got.Errors) > 0 {
		t.Fatalf("errors %+v", got.Errors)
	}
	want := `{"webhookDeliveries":{"totalCount":3,"pageInfo":{"hasNextPage":true,"hasPreviousPage":true,"startCursor":"c1","endCursor":"c1"},
  "edges":[{"cursor":"c1","node":{"id":"` + fakeDeliveryID + `","webhookId":"` + fakeDeliveryHook + `","eventId":"ev-1","eventName":"person.created",
    "status":"DEAD","attempts":2,"lastStatusCode":500,"lastError":"the target answered 500","nextAttemptAt":null,"createdAt":"2026-12-06T10:00:00.000Z",
    "attemptLog":[{"attempt":1,"statusCode":null,"latencyMs":5000,"error":"no answer within 5s","attemptedAt":"2026-12-06T10:00:00.000Z"},
      {"attempt":2,"statusCode":500,"latencyMs":12,"error":"the target answered 500","attemptedAt":"2026-12-06T10:01:00.000Z"}]}}]}}`
	if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, string(got.Data))); diff != "" {
		t.Errorf("webhookDeliveries (-want +got):\n%s", diff)
	}

	got = s.gqlPost(t, token, `mutation($id: UUID!, $ids: [UUID!]) { replayWebhookDeliveries(webhookId: $id, deliveryIds: $ids) { id status } }`,
		map[string]any{"id": fakeDeliveryHook, "ids": []string{fakeDeliveryID}})
	if len(got.Errors) > 0 {
		t.Fatalf("errors %+v", got.Errors)
	}
	if diff := cmp.Diff(jsonOf(t, `{"replayWebhookDeliveries":[{"id":"`+fakeDeliveryID+`","status":"PENDING"}]}`), jsonOf(t, string(got.Data))); diff != "" {
		t.Errorf("replayWebhookDeliveries (-want +got):\n%s", diff)
	}
	wantSeen := []proto.Message{
		&jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: "ws-1", WebhookId: fakeDeliveryHook, Status: jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_DEAD, Limit: 5, After: "c0"},
		&jobsv1.ReplayWebhookDeliveriesRequest{WorkspaceId: "ws-1", WebhookId: fakeDeliveryHook, DeliveryIds: []string{fakeDeliveryID}},
	}
	if diff := cmp.Diff(wantSeen, fake.seen, protocmp.Transform()); diff != "" {
		t.Errorf("requests to the jobs Worker (-want +got):\n%s", diff)
	}
}

func TestWebhookDeliveriesGraphQLErrors(t *testing.T) {
	s, _ := deliveryStack(t)
	token := sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour)))
	other := sign(t, authtoken.AccessClaims("u-2", "ws-2", "m-2", "uw-2", "password", time.Now(), 0))
	tests := []struct {
		name, token, query string
		wantCode, wantMsg  string
	}{
		{"no token", "", `{ webhookDeliveries(webhookId: "` + fakeDeliveryHook + `") { totalCount } }`, "UNAUTHENTICATED", "Missing authentication token"},
		{"another workspace's webhook", other, `{ webhookDeliveries(webhookId: "` + fakeDeliveryHook + `") { totalCount } }`, "NOT_FOUND", "Webhook not found"},
		{"replay through another workspace", other, `mutation { replayWebhookDeliveries(webhookId: "` + fakeDeliveryHook + `") { id } }`, "NOT_FOUND", "Webhook not found"},
		{"a bad cursor", token, `{ webhookDeliveries(webhookId: "` + fakeDeliveryHook + `", after: "bad") { totalCount } }`, "BAD_USER_INPUT", "Invalid webhook delivery request: invalid cursor"},
		{"a page too large", token, `{ webhookDeliveries(webhookId: "` + fakeDeliveryHook + `", first: 500) { totalCount } }`, "BAD_USER_INPUT", "first must be between 1 and 50"},
	}
	for _, tt := range tests {
		got := s.gqlPost(t, tt.token, tt.query, nil)
		if len(got.Errors) != 1 {
			t.Errorf("%s: errors %+v, want one", tt.name, got.Errors)
			continue
		}
		if e := got.Errors[0]; e.Extensions["code"] != tt.wantCode || e.Message != tt.wantMsg {
			t.Errorf("%s: error %q %v, want %q %s", tt.name, e.Message, e.Extensions["code"], tt.wantMsg, tt.wantCode)
		}
	}
}
