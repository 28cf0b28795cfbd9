package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
)

// maxWorkflowWebhookBody bounds a WEBHOOK trigger's body, the run's trigger output.
const maxWorkflowWebhookBody = 1 << 20

// workflowWebhook serves Twenty's public WEBHOOK trigger, GET|POST
// /webhooks/workflows/{workspaceId}/{workflowId} (WorkflowTriggerController): no token, rate
// limited by address like the other anonymous routes; a POST's JSON body is the trigger's
// output. It answers {"workflowName","success":true,"workflowRunId"} (201 to a POST, as Nest
// answers one), 404 for a workflow the workspace does not have, 400 for one not runnable.
//
// A trigger whose settings.authentication is API_KEY answers only a request carrying an API key
// of the workspace (Authorization: Bearer, checked by verify as the REST API checks it); without
// one it is the REST API's refusal of the token it carried, or of none (403 "Missing
// authentication token"). A nil verify takes no request for keyed.
func workflowWebhook(workflows jobsv1connect.WorkflowServiceClient, verify func(context.Context, string) (*authtoken.Claims, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowedException", "Cannot "+r.Method+" "+r.URL.Path)
			return
		}
		req := &jobsv1.RunWebhookTriggerRequest{WorkspaceId: r.PathValue("workspaceId"), WorkflowId: r.PathValue("workflowId")}
		var authErr error = errNoToken
		if token, ok := bearer(r); ok && verify != nil {
			c, err := verify(r.Context(), token)
			switch {
			case err != nil:
				authErr = err
			case c.Type == authtoken.TypeAPIKey && c.WorkspaceID == req.GetWorkspaceId():
				req.ApiKeyAuthenticated = true
			default:
				authErr = errNotAPIToken
			}
		}
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWorkflowWebhookBody))
			if err != nil {
				writeError(w, http.StatusRequestEntityTooLarge, "PayloadTooLargeError", "request entity too large")
				return
			}
			if len(body) > 0 && !json.Valid(body) {
				writeError(w, http.StatusBadRequest, "BadRequestException", "Invalid JSON body")
				return
			}
			req.PayloadJson = body
		}
		res, err := workflows.RunWebhookTrigger(r.Context(), req)
		if err != nil {
			ce, _ := errors.AsType[*connect.Error](err)
			switch connect.CodeOf(err) {
			case connect.CodeNotFound:
				writeError(w, http.StatusNotFound, "NotFoundException", ce.Message())
			case connect.CodeUnauthenticated:
				writeAuthFailure(w, authErr)
			case connect.CodeFailedPrecondition, connect.CodeInvalidArgument:
				writeError(w, http.StatusBadRequest, "BadRequestException", ce.Message())
			default:
				slog.ErrorContext(r.Context(), "workflow webhook trigger", "error", err.Error())
				writeError(w, http.StatusInternalServerError, "InternalServerErrorException", "Internal server error")
			}
			return
		}
		status := http.StatusOK
		if r.Method == http.MethodPost {
			status = http.StatusCreated
		}
		writeJSON(w, status, struct {
			WorkflowName  string `json:"workflowName"`
			Success       bool   `json:"success"`
			WorkflowRunID string `json:"workflowRunId"`
		}{res.GetWorkflowName(), true, res.GetWorkflowRunId()})
	})
}
