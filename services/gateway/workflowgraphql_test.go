package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// fakeWorkflows is the jobs Worker's WorkflowService: version "v-1" of workspace ws-1 exists
// (and is a draft), every other is not found; it keeps the last run request.
type fakeWorkflows struct {
	jobsv1connect.UnimplementedWorkflowServiceHandler
	lastRun *jobsv1.RunVersionRequest
}

func (f *fakeWorkflows) ActivateVersion(_ context.Context, req *jobsv1.ActivateVersionRequest) (*jobsv1.ActivateVersionResponse, error) {
	if req.GetWorkspaceId() != "ws-1" || req.GetWorkflowVersionId() != "v-1" {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("Workflow version not found"))
	}
	return &jobsv1.ActivateVersionResponse{Ok: true}, nil
}

func (f *fakeWorkflows) DeactivateVersion(context.Context, *jobsv1.DeactivateVersionRequest) (*jobsv1.DeactivateVersionResponse, error) {
	return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("Cannot deactivate non-active version"))
}

func (f *fakeWorkflows) RunVersion(_ context.Context, req *jobsv1.RunVersionRequest) (*jobsv1.RunVersionResponse, error) {
	f.lastRun = req
	return &jobsv1.RunVersionResponse{WorkflowRunId: "r-1"}, nil
}

func TestWorkflowMutations(t *testing.T) {
	fake := &fakeWorkflows{}
	mux := http.NewServeMux()
	mux.Handle(jobsv1connect.NewWorkflowServiceHandler(fake, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	resolvers := workflowResolvers(jobsv1connect.NewWorkflowServiceClient(srv.Client(), srv.URL))
	user := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
	apiKey := authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour))
	tests := []struct {
		name, field string
		claims      authtoken.Claims
		args        map[string]any
		want        any
		wantCode    string
	}{
		{"activate", "Mutation.activateWorkflowVersion", user, map[string]any{"workflowVersionId": "v-1"}, true, ""},
		{"activate another's", "Mutation.activateWorkflowVersion", user, map[string]any{"workflowVersionId": "v-2"}, nil, graphql.CodeNotFound},
		{"deactivate a draft", "Mutation.deactivateWorkflowVersion", user, map[string]any{"workflowVersionId": "v-1"}, nil, graphql.CodeBadUserInput},
		{"an API key", "Mutation.activateWorkflowVersion", apiKey, map[string]any{"workflowVersionId": "v-1"}, nil, graphql.CodeForbidden},
		{"run", "Mutation.runWorkflowVersion", user, map[string]any{"input": map[string]any{"workflowVersionId": "v-1", "payload": map[string]any{"a": 1.0}}},
			map[string]any{"workflowRunId": "r-1"}, ""},
		{"run with a list payload", "Mutation.runWorkflowVersion", user, map[string]any{"input": map[string]any{"workflowVersionId": "v-1", "payload": []any{1.0}}},
			nil, graphql.CodeBadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.WithValue(context.Background(), principalKey{}, &tt.claims)
			got, err := resolvers[tt.field](ctx, tt.args)
			if tt.wantCode != "" {
				ge, ok := errors.AsType[*graphql.Error](err)
				if !ok || ge.Extensions["code"] != tt.wantCode {
					t.Fatalf("error = %v, want %s", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if r := fake.lastRun; r.GetWorkspaceId() != "ws-1" || r.GetWorkspaceMemberId() != "m-1" || r.GetUserId() != "u-1" || string(r.GetPayloadJson()) != `{"a":1}` {
		t.Errorf("run request = %v, want the caller's workspace, member and payload", r)
	}
}

func (f *fakeWorkflows) RunWebhookTrigger(_ context.Context, req *jobsv1.RunWebhookTriggerRequest) (*jobsv1.RunWebhookTriggerResponse, error) {
	switch req.GetWorkflowId() {
	case "wf-1":
		return &jobsv1.RunWebhookTriggerResponse{WorkflowName: "Intake", WorkflowRunId: "r-" + string(req.GetPayloadJson())}, nil
	case "wf-draft":
		return nil, connect.NewError(connect.CodeFailedPrecondition, errors.New("[Webhook trigger] Workflow wf-draft has not been activated in workspace ws-1"))
	}
	return nil, connect.NewError(connect.CodeNotFound, errors.New("[Webhook trigger] Workflow x not found in workspace ws-1"))
}

func TestWorkflowWebhookRoute(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle(jobsv1connect.NewWorkflowServiceHandler(&fakeWorkflows{}, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	routes := http.NewServeMux()
	routes.Handle("/webhooks/workflows/{workspaceId}/{workflowId}", workflowWebhook(jobsv1connect.NewWorkflowServiceClient(srv.Client(), srv.URL), nil))
	tests := []struct {
		method, path, body string
		want               int
		wantBody           string
	}{
		{"POST", "/webhooks/workflows/ws-1/wf-1", `{"a":1}`, 201, `{"workflowName":"Intake","success":true,"workflowRunId":"r-{\"a\":1}"}`},
		{"GET", "/webhooks/workflows/ws-1/wf-1", "", 200, `{"workflowName":"Intake","success":true,"workflowRunId":"r-"}`},
		{"POST", "/webhooks/workflows/ws-1/wf-draft", "", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["[Webhook trigger] Workflow wf-draft has not been activated in workspace ws-1"]}`},
		{"GET", "/webhooks/workflows/ws-1/other", "", 404,
			`{"statusCode":404,"error":"NotFoundException","messages":["[Webhook trigger] Workflow x not found in workspace ws-1"]}`},
		{"POST", "/webhooks/workflows/ws-1/wf-1", `{"a":`, 400, `{"statusCode":400,"error":"BadRequestException","messages":["Invalid JSON body"]}`},
		{"PUT", "/webhooks/workflows/ws-1/wf-1", "", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			routes.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
			if rec.Code != tt.want {
				t.Fatalf("status = %d (%s), want %d", rec.Code, rec.Body, tt.want)
			}
			if tt.wantBody != "" {
				if diff := cmp.Diff(jsonOf(t, tt.wantBody), jsonOf(t, rec.Body.String())); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			}
		})
	}
}
