package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// keyedWorkflows is the jobs Worker with one workflow whose WEBHOOK trigger requires an API key.
type keyedWorkflows struct {
	jobsv1connect.UnimplementedWorkflowServiceHandler
}

func (keyedWorkflows) RunWebhookTrigger(_ context.Context, req *jobsv1.RunWebhookTriggerRequest) (*jobsv1.RunWebhookTriggerResponse, error) {
	if !req.GetApiKeyAuthenticated() {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New("[Webhook trigger] Workflow wf-1 requires an API key in workspace ws-1"))
	}
	return &jobsv1.RunWebhookTriggerResponse{WorkflowName: "Keyed", WorkflowRunId: "r-1"}, nil
}

func TestWorkflowWebhookAPIKey(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle(jobsv1connect.NewWorkflowServiceHandler(keyedWorkflows{}, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// verify knows three tokens: an API key of ws-1, one of ws-2 and a user's access token.
	verify := func(_ context.Context, token string) (*authtoken.Claims, error) {
		switch token {
		case "key-ws-1":
			c := authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour))
			return &c, nil
		case "key-ws-2":
			c := authtoken.APIKeyClaims("k-2", "ws-2", time.Now(), time.Now().Add(time.Hour))
			return &c, nil
		case "access":
			c := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
			return &c, nil
		}
		return nil, errBadSignature
	}
	routes := http.NewServeMux()
	routes.Handle("/webhooks/workflows/{workspaceId}/{workflowId}", workflowWebhook(jobsv1connect.NewWorkflowServiceClient(srv.Client(), srv.URL), verify))
	tests := []struct {
		name, auth string
		want       int
		wantBody   string
	}{
		{"the workspace's API key", "Bearer key-ws-1", 201, `{"workflowName":"Keyed","success":true,"workflowRunId":"r-1"}`},
		{"no token", "", 403, `{"statusCode":403,"error":"FORBIDDEN_EXCEPTION","messages":["Missing authentication token"]}`},
		{"another workspace's key", "Bearer key-ws-2", 401, `{"statusCode":401,"error":"UNAUTHENTICATED","messages":["Token invalid."]}`},
		{"a user's token", "Bearer access", 401, `{"statusCode":401,"error":"UNAUTHENTICATED","messages":["Token invalid."]}`},
		{"a forged token", "Bearer forged", 401, `{"statusCode":401,"error":"UNAUTHENTICATED","messages":["Token invalid."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/webhooks/workflows/ws-1/wf-1", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			routes.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status = %d (%s), want %d", rec.Code, rec.Body, tt.want)
			}
			if d := cmp.Diff(jsonOf(t, tt.wantBody), jsonOf(t, rec.Body.String())); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
		})
	}
}
