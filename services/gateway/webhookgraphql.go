package main

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file serves Twenty's webhook operations of the metadata API (webhook.resolver.ts): the
// webhooks and webhook queries and the createWebhook, updateWebhook and deleteWebhook mutations,
// through the jobs Worker's WebhookService, with the types of Twenty's client (twenty-client-sdk's
// metadata schema: Webhook, CreateWebhookInput, UpdateWebhookInput, UpdateWebhookInputUpdates).
// Callers are those of the rest of /metadata (metadataWorkspace): a user's access token or an
// API key, each seeing only its workspace's webhooks.

// webhookSDL extends authSDL's Query and Mutation and uses its UUID and DateTime scalars.
const webhookSDL = `
type Webhook {
  id: UUID!
  targetUrl: String!
  operations: [String!]!
  description: String
  secret: String!
  applicationId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  deletedAt: DateTime
}

input CreateWebhookInput {
  id: UUID
  targetUrl: String!
  operations: [String!]!
  description: String
  secret: String
}

input UpdateWebhookInput {
  "The id of the webhook to update"
  id: UUID!
  "The webhook fields to update"
  update: UpdateWebhookInputUpdates!
}

input UpdateWebhookInputUpdates {
  targetUrl: String
  operations: [String!]
  description: String
  secret: String
}

extend type Query {
  webhooks: [Webhook!]!
  webhook(id: UUID!): Webhook
}

extend type Mutation {
  createWebhook(input: CreateWebhookInput!): Webhook!
  updateWebhook(input: UpdateWebhookInput!): Webhook!
  deleteWebhook(id: UUID!): Webhook!
}
`

// webhookResolvers resolve the operations of webhookSDL.
func (g *gateway) webhookResolvers() map[string]graphql.Resolver {
	return map[string]graphql.Resolver{
		"Query.webhooks": func(ctx context.Context, _ map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			res, err := g.webhooks.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{WorkspaceId: ws})
			if err != nil {
				return nil, webhookGQLError(err, "")
			}
			out := make([]any, len(res.GetWebhooks()))
			for i, w := range res.GetWebhooks() {
				out[i] = webhookDTO(w)
			}
			return out, nil
		},
		"Query.webhook": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			id := str(args, "id")
			if !ids.IsUUID(id) {
				return nil, nil // no webhook has such an id
			}
			res, err := g.webhooks.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: ws, Id: id})
			if connect.CodeOf(err) == connect.CodeNotFound {
				return nil, nil // Twenty's findById answers null
			}
			if err != nil {
				return nil, webhookGQLError(err, "")
			}
			return webhookDTO(res.GetWebhook()), nil
		},
		"Mutation.createWebhook": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			req := createWebhookRequest(ws, obj(args, "input"))
			res, err := g.webhooks.CreateWebhook(ctx, req)
			if err != nil {
				return nil, webhookGQLError(err, "creating")
			}
			return webhookDTO(res.GetWebhook()), nil
		},
		"Mutation.updateWebhook": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "input")
			res, err := g.webhooks.UpdateWebhook(ctx, updateWebhookRequest(ws, str(in, "id"), obj(in, "update")))
			if err != nil {
				return nil, webhookGQLError(err, "updating")
			}
			return webhookDTO(res.GetWebhook()), nil
		},
		"Mutation.deleteWebhook": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			res, err := g.webhooks.DeleteWebhook(ctx, &jobsv1.DeleteWebhookRequest{WorkspaceId: ws, Id: str(args, "id")})
			if err != nil {
				return nil, webhookGQLError(err, "deleting")
			}
			return webhookDTO(res.GetWebhook()), nil
		},
	}
}

// createWebhookRequest is a CreateWebhookInput (GraphQL) or a POST body (REST) as the contract's
// request. Absent and null optional fields are both absent.
func createWebhookRequest(workspaceID string, in map[string]any) *jobsv1.CreateWebhookRequest {
	req := &jobsv1.CreateWebhookRequest{WorkspaceId: workspaceID, Id: str(in, "id"), TargetUrl: str(in, "targetUrl"), Operations: strList(in["operations"])}
	if d, ok := in["description"].(string); ok {
		req.Description = &d
	}
	if s, ok := in["secret"].(string); ok {
		req.Secret = &s
	}
	return req
}

// updateWebhookRequest is UpdateWebhookInputUpdates as the contract's request: a field given
// changes, a description given as null is cleared, the other fields given as null stay.
func updateWebhookRequest(workspaceID, id string, update map[string]any) *jobsv1.UpdateWebhookRequest {
	req := &jobsv1.UpdateWebhookRequest{WorkspaceId: workspaceID, Id: id}
	if u, ok := update["targetUrl"].(string); ok {
		req.TargetUrl = &u
	}
	if ops, ok := update["operations"].([]any); ok {
		req.Operations = &jobsv1.WebhookOperations{Values: strList(ops)}
	}
	if d, present := update["description"]; present {
		if s, ok := d.(string); ok {
			req.Description = &s
		} else if d == nil {
			req.ClearDescription = true
		}
	}
	if s, ok := update["secret"].(string); ok {
		req.Secret = &s
	}
	return req
}

// strList is a list of strings (GraphQL's coerced [String!], or a JSON array), non-strings left out.
func strList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// webhookDTO is Twenty's WebhookDTO of a webhook.
func webhookDTO(w *jobsv1.Webhook) map[string]any {
	ops := w.GetOperations()
	if ops == nil {
		ops = []string{}
	}
	dto := map[string]any{
		"id": w.GetId(), "targetUrl": w.GetTargetUrl(), "operations": ops, "description": nil,
		"secret": w.GetSecret(), "applicationId": w.GetApplicationId(),
		"createdAt": w.GetCreatedAt(), "updatedAt": w.GetUpdatedAt(), "deletedAt": nil,
	}
	if w.Description != nil {
		dto["description"] = w.GetDescription()
	}
	if w.GetDeletedAt() != "" {
		dto["deletedAt"] = w.GetDeletedAt()
	}
	return dto
}

// webhookErrors answers the WebhookError details of a WebhookService refusal.
func webhookErrors(ce *connect.Error) []*jobsv1.WebhookError {
	var out []*jobsv1.WebhookError
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if we, ok := v.(*jobsv1.WebhookError); ok {
				out = append(out, we)
			}
		}
	}
	return out
}

// webhookGQLError is Twenty's GraphQL error for a WebhookService refusal: a refused input is the
// METADATA_VALIDATION_FAILED error its workspace migration validation raises (message "Multiple
// validation errors occurred while <verb> webhook", the failed validation in extensions.errors,
// workspace-migration-builder-exception-formatter.ts); a missing webhook is NOT_FOUND and a taken
// id CONFLICT, each with the exception code as subCode (webhook-graphql-api-exception-handler.ts).
// verb is "creating", "updating" or "deleting". Other errors stay internal.
func webhookGQLError(err error, verb string) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("webhooks: %w", err)
	}
	details := webhookErrors(ce)
	first := &jobsv1.WebhookError{Message: ce.Message(), UserFriendlyMessage: ce.Message()}
	if len(details) > 0 {
		first = details[0]
	}
	switch ce.Code() {
	case connect.CodeNotFound:
		return graphql.NewError(graphql.CodeNotFound, first.GetMessage()).
			WithExtension("subCode", first.GetCode()).WithExtension("userFriendlyMessage", first.GetUserFriendlyMessage())
	case connect.CodeAlreadyExists:
		return graphql.NewError(graphql.CodeConflict, first.GetMessage()).
			WithExtension("subCode", first.GetCode()).WithExtension("userFriendlyMessage", first.GetUserFriendlyMessage())
	case connect.CodeInvalidArgument:
		if verb == "" {
			return graphql.NewError(graphql.CodeBadUserInput, first.GetMessage())
		}
		errs := make([]any, len(details))
		for i, d := range details {
			errs[i] = map[string]any{"code": d.GetCode(), "message": d.GetMessage(), "userFriendlyMessage": d.GetUserFriendlyMessage()}
		}
		kind := map[string]string{"creating": "create", "updating": "update", "deleting": "delete"}[verb]
		failed := map[string]any{"errors": errs, "metadataName": "webhook", "type": kind, "flatEntityMinimalInformation": map[string]any{}}
		return graphql.NewError(codeMetadataValidationFailed, "Multiple validation errors occurred while "+verb+" webhook").
			WithExtension("errors", map[string]any{"webhook": []any{failed}}).
			WithExtension("summary", map[string]any{"webhook": 1, "totalErrors": 1}).
			WithExtension("message", "Validation failed for 1 webhook").
			WithExtension("userFriendlyMessage", first.GetUserFriendlyMessage())
	}
	return metadataGQLError(err)
}

// codeMetadataValidationFailed is Twenty's ErrorCode.METADATA_VALIDATION_FAILED, the code of a
// metadata change its validation refused.
const codeMetadataValidationFailed = "METADATA_VALIDATION_FAILED"
