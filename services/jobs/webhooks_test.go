package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

const (
	hooksWS1 = "20202020-0000-4000-8000-00000000000a"
	hooksWS2 = "20202020-0000-4000-8000-00000000000b"
)

// webhookClient serves a webhookServer on SQLite through the Worker's real handler, and answers
// the generated client and the server (whose clock the test moves).
func webhookClient(t *testing.T, policy webhookurl.Policy) (jobsv1connect.WebhookServiceClient, *webhookServer) {
	t.Helper()
	clock := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	s := &webhookServer{db: sqltest.Open(t), listeners: &fakeListeners{}, targets: policy, now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}}
	mux := http.NewServeMux()
	s.mount(mux)
	srv := httptest.NewServer(rpc.Middleware(mux))
	t.Cleanup(srv.Close)
	return jobsv1connect.NewWebhookServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...), s
}

// refusalOf answers a call's Connect code and its WebhookError details.
func refusalOf(t *testing.T, err error) (connect.Code, []*jobsv1.WebhookError) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a Connect error", err)
	}
	var out []*jobsv1.WebhookError
	for _, d := range ce.Details() {
		v, err := d.Value()
		if err != nil {
			t.Fatalf("detail: %v", err)
		}
		if we, ok := v.(*jobsv1.WebhookError); ok {
			out = append(out, we)
		}
	}
	return ce.Code(), out
}

// fakeListeners is the records Worker's SetEventListener: the calls it took, and whether it
// fails; each call also notes whether the webhook row existed then.
type fakeListeners struct {
	db    *d1.DB
	fail  bool
	calls []string
}

func (f *fakeListeners) SetEventListener(_ context.Context, req *recordsv1.SetEventListenerRequest) (*recordsv1.SetEventListenerResponse, error) {
	if f.fail {
		return nil, errors.New("records Worker unreachable")
	}
	stored := 0
	if f.db != nil {
		_ = f.db.QueryRow(`SELECT count(*) FROM webhooks WHERE id = ? AND deleted_at IS NULL`, req.GetKey()).Scan(&stored)
	}
	f.calls = append(f.calls, fmt.Sprintf("%s %s %s listening=%v stored=%d", req.GetWorkspaceId(), req.GetKind(), req.GetKey(), req.GetListening(), stored))
	return &recordsv1.SetEventListenerResponse{}, nil
}

// TestWebhookIsAnEventListener: a webhook is recorded as its workspace's event listener before it
// is stored, and removed after it is deleted; a creation whose listener cannot be recorded stores
// nothing.
func TestWebhookIsAnEventListener(t *testing.T) {
	c, s := webhookClient(t, webhookurl.Policy{})
	f := s.listeners.(*fakeListeners)
	f.db = s.db
	ctx := context.Background()
	created, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "https://hooks.example.com", Operations: []string{"*.*"}})
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetWebhook().GetId()
	if _, err := c.DeleteWebhook(ctx, &jobsv1.DeleteWebhookRequest{WorkspaceId: hooksWS1, Id: id}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		hooksWS1 + " EVENT_LISTENER_KIND_WEBHOOK " + id + " listening=true stored=0",
		hooksWS1 + " EVENT_LISTENER_KIND_WEBHOOK " + id + " listening=false stored=0",
	}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("listener calls (-want +got):\n%s", diff)
	}
	f.fail = true
	if _, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "https://hooks.example.com", Operations: []string{"*.*"}}); err == nil {
		t.Fatal("CreateWebhook with the records Worker down succeeded; its events would not reach it")
	}
	listed, err := c.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{WorkspaceId: hooksWS1})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(listed.GetWebhooks()); n != 0 {
		t.Errorf("webhooks after a refused creation = %d, want 0", n)
	}
}

func TestWebhookCRUD(t *testing.T) {
	c, _ := webhookClient(t, webhookurl.Policy{})
	ctx := context.Background()
	created, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{
		WorkspaceId: hooksWS1, TargetUrl: "  HTTPS://Hooks.Example.com ", Operations: []string{"person.created", "*.updated"},
		Description: proto.String("  CRM   sync "),
	})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	w := created.GetWebhook()
	if len(w.GetSecret()) != 64 || len(w.GetId()) != 36 || len(w.GetApplicationId()) != 36 {
		t.Errorf("created webhook has id %q, secret %q, application %q; want a UUID, 64 hex characters, a UUID", w.GetId(), w.GetSecret(), w.GetApplicationId())
	}
	want := &jobsv1.Webhook{
		Id: w.GetId(), TargetUrl: "https://hooks.example.com/", Operations: []string{"person.created", "*.updated"},
		Description: proto.String("CRM sync"), Secret: w.GetSecret(), ApplicationId: workspaceApplicationID(hooksWS1),
		CreatedAt: "2026-12-06T10:00:01.000Z", UpdatedAt: "2026-12-06T10:00:01.000Z",
	}
	if diff := cmp.Diff(want, w, protocmp.Transform()); diff != "" {
		t.Errorf("CreateWebhook (-want +got):\n%s", diff)
	}

	got, err := c.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: hooksWS1, Id: strings.ToUpper(w.GetId())})
	if err != nil {
		t.Fatalf("GetWebhook: %v", err)
	}
	if diff := cmp.Diff(want, got.GetWebhook(), protocmp.Transform()); diff != "" {
		t.Errorf("GetWebhook (-want +got):\n%s", diff)
	}

	updated, err := c.UpdateWebhook(ctx, &jobsv1.UpdateWebhookRequest{
		WorkspaceId: hooksWS1, Id: w.GetId(), TargetUrl: proto.String("http://93.184.216.34:8080/in"),
		Operations: &jobsv1.WebhookOperations{Values: []string{"*.*"}}, ClearDescription: true, Secret: proto.String("s3cret"),
	})
	if err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	want.TargetUrl, want.Operations, want.Description, want.Secret, want.UpdatedAt = "http://93.184.216.34:8080/in", []string{"*.*"}, nil, "s3cret", "2026-12-06T10:00:02.000Z"
	if diff := cmp.Diff(want, updated.GetWebhook(), protocmp.Transform()); diff != "" {
		t.Errorf("UpdateWebhook (-want +got):\n%s", diff)
	}

	// An update naming no field only touches updated_at; an empty operations list is allowed.
	if _, err := c.UpdateWebhook(ctx, &jobsv1.UpdateWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetId(), Operations: &jobsv1.WebhookOperations{}}); err != nil {
		t.Fatalf("UpdateWebhook(no operations): %v", err)
	}

	second, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "https://b.example/", Operations: []string{"company.*"}, Secret: proto.String("")})
	if err != nil {
		t.Fatalf("CreateWebhook(second): %v", err)
	}
	if s := second.GetWebhook().GetSecret(); s != "" {
		t.Errorf("an empty secret given = %q, want it kept empty", s)
	}
	list, err := c.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{WorkspaceId: hooksWS1})
	if err != nil {
		t.Fatalf("ListWebhooks: %v", err)
	}
	var order []string
	for _, l := range list.GetWebhooks() {
		order = append(order, l.GetId())
	}
	if diff := cmp.Diff([]string{w.GetId(), second.GetWebhook().GetId()}, order); diff != "" {
		t.Errorf("ListWebhooks order, oldest first (-want +got):\n%s", diff)
	}

	deleted, err := c.DeleteWebhook(ctx, &jobsv1.DeleteWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetId()})
	if err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if d := deleted.GetWebhook().GetDeletedAt(); d == "" {
		t.Errorf("DeleteWebhook answered deletedAt %q, want it set", d)
	}
	for name, call := range map[string]func() error{
		"get": func() error {
			_, err := c.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetId()})
			return err
		},
		"update": func() error {
			_, err := c.UpdateWebhook(ctx, &jobsv1.UpdateWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetId()})
			return err
		},
		"delete": func() error {
			_, err := c.DeleteWebhook(ctx, &jobsv1.DeleteWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetId()})
			return err
		},
	} {
		code, details := refusalOf(t, call())
		if code != connect.CodeNotFound || len(details) != 1 || details[0].GetCode() != codeNotFound {
			t.Errorf("%s after delete: %v %v, want NOT_FOUND with WEBHOOK_NOT_FOUND", name, code, details)
		}
	}
	list, err = c.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{WorkspaceId: hooksWS1})
	if err != nil || len(list.GetWebhooks()) != 1 {
		t.Errorf("ListWebhooks after delete = %d webhooks, %v; want 1", len(list.GetWebhooks()), err)
	}
}

// TestWebhookWorkspaceIsolation: another workspace's webhook is not found by any RPC, and a
// workspace's list holds only its own.
func TestWebhookWorkspaceIsolation(t *testing.T) {
	c, _ := webhookClient(t, webhookurl.Policy{})
	ctx := context.Background()
	a, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "https://a.example/", Operations: []string{"*.*"}})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	id := a.GetWebhook().GetId()
	calls := map[string]func() error{
		"get": func() error {
			_, err := c.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: hooksWS2, Id: id})
			return err
		},
		"update": func() error {
			_, err := c.UpdateWebhook(ctx, &jobsv1.UpdateWebhookRequest{WorkspaceId: hooksWS2, Id: id, Secret: proto.String("x")})
			return err
		},
		"delete": func() error {
			_, err := c.DeleteWebhook(ctx, &jobsv1.DeleteWebhookRequest{WorkspaceId: hooksWS2, Id: id})
			return err
		},
	}
	for name, call := range calls {
		if code, _ := refusalOf(t, call()); code != connect.CodeNotFound {
			t.Errorf("%s from another workspace: %v, want NOT_FOUND", name, code)
		}
	}
	list, err := c.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{WorkspaceId: hooksWS2})
	if err != nil || len(list.GetWebhooks()) != 0 {
		t.Errorf("ListWebhooks(other workspace) = %v, %v; want none", list.GetWebhooks(), err)
	}
	// Its id cannot be taken over from the other workspace either.
	if code, _ := refusalOf(t, func() error {
		_, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS2, Id: id, TargetUrl: "https://b.example/", Operations: []string{"*.*"}})
		return err
	}()); code != connect.CodeAlreadyExists {
		t.Errorf("CreateWebhook with a taken id: %v, want ALREADY_EXISTS", code)
	}
	got, err := c.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: hooksWS1, Id: id})
	if err != nil || got.GetWebhook().GetTargetUrl() != "https://a.example/" || got.GetWebhook().GetSecret() == "x" {
		t.Errorf("workspace A's webhook after B's attempts = %v, %v; want it unchanged", got.GetWebhook(), err)
	}
	if code, _ := refusalOf(t, func() error { _, err := c.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{}); return err }()); code != connect.CodeInvalidArgument {
		t.Errorf("ListWebhooks without a workspace: %v, want INVALID_ARGUMENT", code)
	}
}

func TestWebhookValidation(t *testing.T) {
	c, _ := webhookClient(t, webhookurl.Policy{})
	ctx := context.Background()
	tests := []struct {
		name  string
		req   *jobsv1.CreateWebhookRequest
		codes []string
	}{
		{"no target", &jobsv1.CreateWebhookRequest{Operations: []string{"*.*"}}, []string{codeInvalidInput, codeInvalidURL}},
		{"not a URL", &jobsv1.CreateWebhookRequest{TargetUrl: "invalid-url", Operations: []string{"*.*"}}, []string{codeInvalidURL}},
		{"ftp", &jobsv1.CreateWebhookRequest{TargetUrl: "ftp://example.com/", Operations: []string{"*.*"}}, []string{codeInvalidURL}},
		{"loopback", &jobsv1.CreateWebhookRequest{TargetUrl: "http://127.0.0.1:8080/", Operations: []string{"*.*"}}, []string{codeInvalidURL}},
		{"decimal loopback", &jobsv1.CreateWebhookRequest{TargetUrl: "http://2130706433/", Operations: []string{"*.*"}}, []string{codeInvalidURL}},
		{"metadata", &jobsv1.CreateWebhookRequest{TargetUrl: "http://169.254.169.254/latest", Operations: []string{"*.*"}}, []string{codeInvalidURL}},
		{"bad operations", &jobsv1.CreateWebhookRequest{TargetUrl: "https://a.example/", Operations: []string{"person", "person.created.now", "*.*", ".x", "per son.created"}},
			[]string{codeInvalidInput, codeInvalidInput, codeInvalidInput, codeInvalidInput}},
		{"bad id", &jobsv1.CreateWebhookRequest{Id: "42", TargetUrl: "https://a.example/", Operations: []string{"*.*"}}, []string{codeInvalidInput}},
		{"long description", &jobsv1.CreateWebhookRequest{TargetUrl: "https://a.example/", Description: proto.String(strings.Repeat("d", maxDescription+1))}, []string{codeInvalidInput}},
	}
	for _, tt := range tests {
		tt.req.WorkspaceId = hooksWS1
		_, err := c.CreateWebhook(ctx, tt.req)
		code, details := refusalOf(t, err)
		var codes []string
		for _, d := range details {
			codes = append(codes, d.GetCode())
		}
		if code != connect.CodeInvalidArgument || !cmp.Equal(codes, tt.codes) {
			t.Errorf("%s: %v %v, want INVALID_ARGUMENT %v", tt.name, code, codes, tt.codes)
		}
	}
	for _, op := range []string{"person.created", "*.updated", "company.*", "*.*", "metadata.workflow.updated", "metadata.*.*", "myCustom_obj2.destroyed"} {
		if !validOperation(op) {
			t.Errorf("validOperation(%q) = false, want true", op)
		}
	}
	// An update is held to the same rules, and changes nothing when refused.
	w, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "https://a.example/", Operations: []string{"*.*"}})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	_, err = c.UpdateWebhook(ctx, &jobsv1.UpdateWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetWebhook().GetId(), TargetUrl: proto.String("http://[::ffff:10.0.0.1]/"), Secret: proto.String("new")})
	if code, details := refusalOf(t, err); code != connect.CodeInvalidArgument || len(details) != 1 || details[0].GetCode() != codeInvalidURL {
		t.Errorf("UpdateWebhook(private target): %v %v, want INVALID_ARGUMENT INVALID_TARGET_URL", code, details)
	}
	got, err := c.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: hooksWS1, Id: w.GetWebhook().GetId()})
	if err != nil || got.GetWebhook().GetSecret() == "new" {
		t.Errorf("a refused update changed the webhook: %v, %v", got.GetWebhook(), err)
	}
}

// TestWebhookAllowLoopback: the local stack's setting admits loopback receivers, nothing more.
func TestWebhookAllowLoopback(t *testing.T) {
	c, _ := webhookClient(t, webhookurl.Policy{AllowLoopback: true})
	ctx := context.Background()
	if _, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "http://127.0.0.1:9999/hook", Operations: []string{"*.*"}}); err != nil {
		t.Errorf("CreateWebhook(loopback, allowed): %v", err)
	}
	_, err := c.CreateWebhook(ctx, &jobsv1.CreateWebhookRequest{WorkspaceId: hooksWS1, TargetUrl: "http://192.168.0.10/", Operations: []string{"*.*"}})
	if code, _ := refusalOf(t, err); code != connect.CodeInvalidArgument {
		t.Errorf("CreateWebhook(private, loopback allowed): %v, want INVALID_ARGUMENT", code)
	}
}

// TestWebhookStorageErrorIsOpaque: a storage failure reaches the caller as an internal error
// without its details.
func TestWebhookStorageErrorIsOpaque(t *testing.T) {
	c, s := webhookClient(t, webhookurl.Policy{})
	if _, err := s.db.ExecContext(context.Background(), `DROP TABLE webhooks`); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListWebhooks(context.Background(), &jobsv1.ListWebhooksRequest{WorkspaceId: hooksWS1})
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeInternal || strings.Contains(ce.Message(), "webhooks") {
		t.Errorf("ListWebhooks on a broken store = %v, want an opaque internal error", err)
	}
}
