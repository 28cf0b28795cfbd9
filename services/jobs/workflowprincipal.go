package main

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// asCreator returns ctx whose calls to the records Worker act as the workflow's creator (the
// workspace member in the workflow's createdBy), so a step's record actions have the creator's
// role, and fail with Twenty's permission error where the creator's would. A workflow no member
// created (an API key, an import) runs as the system, as before; so does a run whose workflow is
// gone. A workflow that cannot be read now is an error, so that the step is retried: it never
// runs with the system's rights in place of its creator's.
func (e *workflowEngine) asCreator(ctx context.Context, ws string, run *workflowRunRecord) (context.Context, error) {
	if run.WorkflowID == "" {
		return ctx, nil
	}
	var wf struct {
		CreatedBy struct {
			WorkspaceMemberID string `json:"workspaceMemberId"`
		} `json:"createdBy"`
	}
	if err := e.findOne(ctx, ws, "workflows", run.WorkflowID, &wf); err != nil {
		if connect.CodeOf(err) == connect.CodeNotFound {
			return ctx, nil
		}
		return nil, fmt.Errorf("read the creator of workflow %s: %w", run.WorkflowID, err)
	}
	if wf.CreatedBy.WorkspaceMemberID == "" {
		return ctx, nil
	}
	return rpc.WithPrincipal(ctx, &commonv1.Principal{WorkspaceMemberId: wf.CreatedBy.WorkspaceMemberID}), nil
}
