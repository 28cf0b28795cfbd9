package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// This file serves Twenty's WorkflowTriggerResolver: activateWorkflowVersion,
// deactivateWorkflowVersion and runWorkflowVersion, through the jobs Worker's WorkflowService,
// which runs the workflows. Twenty serves them on /graphql, beside the workspace's data; here
// they join the schema /graphql routes to the gateway (the one of /metadata and of Twenty's
// other core resolvers), so the records Worker's generated data schema stays the workspace's
// objects only. Like Twenty's resolver they need a user (an access token, not an API key).

// workflowSDL extends authSDL's Mutation and uses its UUID and metadataSDL's JSON scalars.
const workflowSDL = `
type WorkflowRun {
  workflowRunId: UUID!
}

input RunWorkflowVersionInput {
  "Workflow version ID"
  workflowVersionId: UUID!
  "Workflow run ID"
  workflowRunId: UUID
  "Execution result in JSON format"
  payload: JSON
}

extend type Mutation {
  activateWorkflowVersion(workflowVersionId: UUID!): Boolean!
  deactivateWorkflowVersion(workflowVersionId: UUID!): Boolean!
  runWorkflowVersion(input: RunWorkflowVersionInput!): WorkflowRun!
}
`

// workflowResolvers resolve the operations of workflowSDL.
func workflowResolvers(workflows jobsv1connect.WorkflowServiceClient) map[string]graphql.Resolver {
	return map[string]graphql.Resolver{
		"Mutation.activateWorkflowVersion": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := workflowCaller(ctx)
			if err != nil {
				return nil, err
			}
			id, _ := args["workflowVersionId"].(string)
			res, err := workflows.ActivateVersion(ctx, &jobsv1.ActivateVersionRequest{WorkspaceId: ws, WorkflowVersionId: id})
			if err != nil {
				return nil, workflowGQLError(err)
			}
			return res.GetOk(), nil
		},
		"Mutation.deactivateWorkflowVersion": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := workflowCaller(ctx)
			if err != nil {
				return nil, err
			}
			id, _ := args["workflowVersionId"].(string)
			res, err := workflows.DeactivateVersion(ctx, &jobsv1.DeactivateVersionRequest{WorkspaceId: ws, WorkflowVersionId: id})
			if err != nil {
				return nil, workflowGQLError(err)
			}
			return res.GetOk(), nil
		},
		"Mutation.runWorkflowVersion": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := workflowCaller(ctx)
			if err != nil {
				return nil, err
			}
			in, _ := args["input"].(map[string]any)
			req := &jobsv1.RunVersionRequest{WorkspaceId: ws}
			req.WorkflowVersionId, _ = in["workflowVersionId"].(string)
			req.WorkflowRunId, _ = in["workflowRunId"].(string)
			if p, ok := in["payload"]; ok && p != nil {
				if _, isObject := p.(map[string]any); !isObject {
					return nil, graphql.NewError(graphql.CodeBadUserInput, "payload must be a JSON object")
				}
				if req.PayloadJson, err = json.Marshal(p); err != nil {
					return nil, fmt.Errorf("encode payload: %w", err)
				}
			}
			if c := principalFrom(ctx); c != nil {
				req.WorkspaceMemberId, req.UserId = c.WorkspaceMemberID, c.UserID
			}
			res, err := workflows.RunVersion(ctx, req)
			if err != nil {
				return nil, workflowGQLError(err)
			}
			return map[string]any{"workflowRunId": res.GetWorkflowRunId()}, nil
		},
	}
}

// workflowCaller is the workspace of a user's access token: Twenty's UserAuthGuard refuses API
// keys on these mutations.
func workflowCaller(ctx context.Context) (string, error) {
	ws, err := metadataWorkspace(ctx)
	if err != nil {
		return "", err
	}
	if c := principalFrom(ctx); c == nil || c.Type != authtoken.TypeAccess {
		return "", graphql.NewError(graphql.CodeForbidden, "This endpoint requires a user context")
	}
	return ws, nil
}

// workflowGQLError maps the WorkflowService's refusals to Twenty's GraphQL errors.
func workflowGQLError(err error) error {
	ce, ok := errors.AsType[*connect.Error](err)
	if !ok {
		return fmt.Errorf("workflows: %w", err)
	}
	switch ce.Code() {
	case connect.CodeNotFound:
		return graphql.NewError(graphql.CodeNotFound, ce.Message())
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition:
		return graphql.NewError(graphql.CodeBadUserInput, ce.Message())
	}
	return fmt.Errorf("workflows: %w", err)
}
