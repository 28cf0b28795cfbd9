package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// fakeWebhooks is a jobs Worker's WebhookService over a map, keyed by workspace then id, with the
// refusals of the real one: "invalid-url" is an INVALID_TARGET_URL, an id the workspace does not
// have is WEBHOOK_NOT_FOUND, webhook 666 a storage failure. Ids are numbered from 1 in creation order.
type fakeWebhooks struct {
	jobsv1connect.UnimplementedWebhookServiceHandler
	mu   sync.Mutex
	next int
	byWS map[string][]*jobsv1.Webhook
	seen []string // the workspace of every call
}

// webhookStack is a gateway whose jobs Worker serves fakeWebhooks.
func webhookStack(t *testing.T) (*stack, *fakeWebhooks) {
	t.Helper()
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	fake := &fakeWebhooks{byWS: map[string][]*jobsv1.Webhook{}}
	mux := http.NewServeMux()
	mux.Handle(jobsv1connect.NewWebhookServiceHandler(fake, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.gw.webhooks = jobsv1connect.NewWebhookServiceClient(srv.Client(), srv.URL)
	return s, fake
}

func fakeWebhookID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func refused(code connect.Code, details ...*jobsv1.WebhookError) error {
	msgs := make([]string, len(details))
	for i, d := range details {
		msgs[i] = d.GetMessage()
	}
	ce := connect.NewError(code, errors.New(strings.Join(msgs, "; ")))
	for _, d := range details {
		if ed, err := connect.NewErrorDetail(d); err == nil {
			ce.AddDetail(ed)
		}
	}
	return ce
}

var (
	errFakeNotFound = refused(connect.CodeNotFound, &jobsv1.WebhookError{Code: "WEBHOOK_NOT_FOUND", Message: "Webhook not found", UserFriendlyMessage: "Webhook not found."})
	errFakeBadURL   = refused(connect.CodeInvalidArgument, &jobsv1.WebhookError{Code: "INVALID_TARGET_URL", Message: "Invalid target URL provided", UserFriendlyMessage: "Please provide a valid HTTP or HTTPS URL"})
)

func (f *fakeWebhooks) find(ws, id string) (int, error) {
	f.seen = append(f.seen, ws)
	if id == fakeWebhookID(666) {
		return 0, errors.New("the control database is on fire")
	}
	for i, w := range f.byWS[ws] {
		if w.GetId() == strings.ToLower(id) && w.GetDeletedAt() == "" {
			return i, nil
		}
	}
	return 0, errFakeNotFound
}

func (f *fakeWebhooks) ListWebhooks(_ context.Context, req *jobsv1.ListWebhooksRequest) (*jobsv1.ListWebhooksResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, req.GetWorkspaceId())
	res := &jobsv1.ListWebhooksResponse{}
	for _, w := range f.byWS[req.GetWorkspaceId()] {
		if w.GetDeletedAt() == "" {
			res.Webhooks = append(res.Webhooks, w)
		}
	}
	return res, nil
}

func (f *fakeWebhooks) GetWebhook(_ context.Context, req *jobsv1.GetWebhookRequest) (*jobsv1.GetWebhookResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.find(req.GetWorkspaceId(), req.GetId())
	if err != nil {
		return nil, err
	}
	return &jobsv1.GetWebhookResponse{Webhook: f.byWS[req.GetWorkspaceId()][i]}, nil
}

func (f *fakeWebhooks) CreateWebhook(_ context.Context, req *jobsv1.CreateWebhookRequest) (*jobsv1.CreateWebhookResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, req.GetWorkspaceId())
	if req.GetTargetUrl() == "invalid-url" {
		return nil, errFakeBadURL
	}
	f.next++
	w := &jobsv1.Webhook{
		Id: fakeWebhookID(f.next), TargetUrl: req.GetTargetUrl(), Operations: req.GetOperations(), Description: req.Description,
		Secret: "generated", ApplicationId: "a0000000-0000-4000-8000-000000000000",
		CreatedAt: "2026-12-06T10:00:00.000Z", UpdatedAt: "2026-12-06T10:00:00.000Z",
	}
	if req.Secret != nil {
		w.Secret = req.GetSecret()
	}
	f.byWS[req.GetWorkspaceId()] = append(f.byWS[req.GetWorkspaceId()], w)
	return &jobsv1.CreateWebhookResponse{Webhook: w}, nil
}

func (f *fakeWebhooks) UpdateWebhook(_ context.Context, req *jobsv1.UpdateWebhookRequest) (*jobsv1.UpdateWebhookResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.find(req.GetWorkspaceId(), req.GetId())
	if err != nil {
		return nil, err
	}
	if req.GetTargetUrl() == "invalid-url" {
		return nil, errFakeBadURL
	}
	w := proto.Clone(f.byWS[req.GetWorkspaceId()][i]).(*jobsv1.Webhook)
	if req.TargetUrl != nil {
		w.TargetUrl = req.GetTargetUrl()
	}
	if req.Operations != nil {
		w.Operations = req.GetOperations().GetValues()
	}
	if req.Description != nil {
		w.Description = req.Description
	}
	if req.GetClearDescription() {
		w.Description = nil
	}
	if req.Secret != nil {
		w.Secret = req.GetSecret()
	}
	w.UpdatedAt = "2026-12-06T11:00:00.000Z"
	f.byWS[req.GetWorkspaceId()][i] = w
	return &jobsv1.UpdateWebhookResponse{Webhook: w}, nil
}

func (f *fakeWebhooks) DeleteWebhook(_ context.Context, req *jobsv1.DeleteWebhookRequest) (*jobsv1.DeleteWebhookResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.find(req.GetWorkspaceId(), req.GetId())
	if err != nil {
		return nil, err
	}
	w := proto.Clone(f.byWS[req.GetWorkspaceId()][i]).(*jobsv1.Webhook)
	w.DeletedAt = "2026-12-06T12:00:00.000Z"
	f.byWS[req.GetWorkspaceId()][i] = w
	return &jobsv1.DeleteWebhookResponse{Webhook: w}, nil
}
