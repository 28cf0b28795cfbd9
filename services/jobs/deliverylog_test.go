package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// newLogClient serves d's delivery log through the jobs Worker's handler over HTTP.
func newLogClient(t *testing.T, d *deliverer) jobsv1connect.WebhookDeliveryServiceClient {
	srv := httptest.NewServer(newHandler(nil, nil, d.mount))
	t.Cleanup(srv.Close)
	return jobsv1connect.NewWebhookDeliveryServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
}

func TestDeliveryLogPagesAndIsolates(t *testing.T) {
	d, _ := newTestDeliverer(t)
	rc := newReceiver(t)
	insertWebhook(t, d.db, wsA, hook1, rc.URL, `["*.*"]`, "")
	insertWebhook(t, d.db, wsB, hook2, rc.URL, `["*.*"]`, "")
	ctx := context.Background()
	var events []*jobsv1.DatabaseEvent
	for i := range 5 {
		events = append(events, &jobsv1.DatabaseEvent{Id: fmt.Sprintf("e%d", i)})
	}
	if err := d.handleEvents(ctx, personBatch(wsA, "created", events...)); err != nil {
		t.Fatal(err)
	}
	if err := d.handleEvents(ctx, personBatch(wsB, "created", &jobsv1.DatabaseEvent{Id: "b1"})); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, d)

	var seen []string
	after := ""
	for page := 0; ; page++ {
		res, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1, Limit: 2, After: after})
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if res.GetTotalCount() != 5 {
			t.Errorf("total_count = %d, want 5", res.GetTotalCount())
		}
		for _, del := range res.GetDeliveries() {
			seen = append(seen, del.GetEventId())
			if len(del.GetAttemptLog()) != 1 || del.GetAttemptLog()[0].GetStatusCode() != 200 || del.GetStatus() != jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_SUCCEEDED {
				t.Errorf("delivery %s = %v, want succeeded with one attempt", del.GetId(), del)
			}
		}
		if !res.GetHasNextPage() {
			break
		}
		after = res.GetEndCursor()
	}
	if len(seen) != 5 {
		t.Errorf("paged through %v, want the 5 deliveries once each", seen)
	}
	res, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1,
		Status: jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_DEAD})
	if err != nil || len(res.GetDeliveries()) != 0 || res.GetTotalCount() != 0 {
		t.Errorf("dead deliveries = %v, %v; want none", res, err)
	}

	refusals := []struct {
		name string
		call func() error
		want connect.Code
	}{
		{"list another workspace's webhook", func() error {
			_, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook2})
			return err
		}, connect.CodeNotFound},
		{"list an unknown webhook", func() error {
			_, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsB, WebhookId: hook1})
			return err
		}, connect.CodeNotFound},
		{"replay another workspace's delivery through one's own webhook", func() error {
			_, err := client.ReplayWebhookDeliveries(ctx, &jobsv1.ReplayWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1, DeliveryIds: []string{deliveryID("b1", hook2)}})
			return err
		}, connect.CodeNotFound},
		{"replay through another workspace's webhook", func() error {
			_, err := client.ReplayWebhookDeliveries(ctx, &jobsv1.ReplayWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook2})
			return err
		}, connect.CodeNotFound},
		{"a bad cursor", func() error {
			_, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1, After: "%%%"})
			return err
		}, connect.CodeInvalidArgument},
		{"a page too large", func() error {
			_, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1, Limit: 51})
			return err
		}, connect.CodeInvalidArgument},
		{"no workspace", func() error {
			_, err := client.ListWebhookDeliveries(ctx, &jobsv1.ListWebhookDeliveriesRequest{WebhookId: hook1})
			return err
		}, connect.CodeInvalidArgument},
	}
	for _, r := range refusals {
		if got := connect.CodeOf(r.call()); got != r.want {
			t.Errorf("%s: code %v, want %v", r.name, got, r.want)
		}
	}
}

func TestReplayChoosesDeadDeliveries(t *testing.T) {
	d, q := newTestDeliverer(t)
	d.cfg.maxAttempts = 1
	rc := newReceiver(t)
	rc.answer(http.StatusInternalServerError)
	insertWebhook(t, d.db, wsA, hook1, rc.URL, `["*.*"]`, "")
	ctx := context.Background()
	if err := d.handleEvents(ctx, personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"}, &jobsv1.DatabaseEvent{Id: "e2"}, &jobsv1.DatabaseEvent{Id: "e3"})); err != nil {
		t.Fatal(err)
	}
	rc.answer(http.StatusOK)
	if err := d.handleEvents(ctx, personBatch(wsA, "updated", &jobsv1.DatabaseEvent{Id: "e4"})); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, d)
	// Named: e1 is replayed, e4 (succeeded) is left alone.
	res, err := client.ReplayWebhookDeliveries(ctx, &jobsv1.ReplayWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1,
		DeliveryIds: []string{deliveryID("e1", hook1), deliveryID("e4", hook1), deliveryID("e1", hook1)}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"e1"}, eventIDs(res.GetDeliveries())); diff != "" {
		t.Errorf("replayed (-want +got):\n%s", diff)
	}
	// Unnamed: every dead one left (e2, e3).
	res, err = client.ReplayWebhookDeliveries(ctx, &jobsv1.ReplayWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"e2", "e3"}, eventIDs(res.GetDeliveries())); diff != "" {
		t.Errorf("replayed (-want +got):\n%s", diff)
	}
	if errs := runQueued(t, d, q); len(errs) != 3 || errs[0] != nil || errs[1] != nil || errs[2] != nil {
		t.Errorf("replayed attempts: %v", errs)
	}
	for _, e := range []string{"e1", "e2", "e3"} {
		if s := deliveryStatus(t, d.db, deliveryID(e, hook1)); s != "succeeded/2" {
			t.Errorf("delivery of %s = %s, want succeeded/2", e, s)
		}
	}
}

func eventIDs(ds []*jobsv1.WebhookDelivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.GetEventId())
	}
	slices.Sort(out)
	return out
}
