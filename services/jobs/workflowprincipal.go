package main

import (
	"context"
	"log/slog"

	"connectrpc.com/connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// asCreator returns ctx whose calls to the records Worker act as the workflow's creator (the
// workspace member in the workflow's createdBy), so a step's record actions have the creator's
// role, and fail with Twenty's permission error where the creator's would. A workflow no member
// created (an API key, an import) runs as the system, as before; so does a run whose workflow
// cannot be read now (the step's own calls then report what is wrong).
func (e *workflowEngine) asCreator(ctx context.Context, ws string, run *workflowRunRecord) context.Context {
	if run.WorkflowID == "" {
		return ctx
	}
	var wf struct {
		CreatedBy struct {
			WorkspaceMemberID string `json:"workspaceMemberId"`
		} `json:"createdBy"`
	}
	if err := e.findOne(ctx, ws, "workflows", run.WorkflowID, &wf); err != nil {
		if connect.CodeOf(err) != connect.CodeNotFound {
			slog.WarnContext(ctx, "workflow creator not read; the step runs as the system", "workspace_id", ws, "workflow_id", run.WorkflowID, "error", err.Error())
		}
		return ctx
	}
	if wf.CreatedBy.WorkspaceMemberID == "" {
		return ctx
	}
	return rpc.WithPrincipal(ctx, &commonv1.Principal{WorkspaceMemberId: wf.CreatedBy.WorkspaceMemberID})
}
