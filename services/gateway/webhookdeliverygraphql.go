package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// This file serves the webhook delivery log on /metadata, through the jobs Worker's
// WebhookDeliveryService: webhookDeliveries (a webhook's deliveries, newest first, each with its
// attempts, as a cursor connection) and replayWebhookDeliveries (send dead deliveries again).
// Twenty has no such API (its deliveries leave only audit events); the names follow its metadata
// API's style. Callers are those of the rest of /metadata (metadataWorkspace), each seeing only
// its workspace's webhooks.

// webhookDeliverySDL extends authSDL's Query and Mutation and uses its scalars and metadataSDL's
// PageInfo and ConnectionCursor.
const webhookDeliverySDL = `
enum WebhookDeliveryStatus { PENDING SUCCEEDED RETRYING DEAD }

type WebhookDeliveryAttempt {
  attempt: Int!
  "The HTTP status the target answered; null when it did not answer"
  statusCode: Int
  latencyMs: Int!
  "Why the attempt failed; null when it succeeded"
  error: String
  attemptedAt: DateTime!
}

type WebhookDelivery {
  id: UUID!
  webhookId: UUID!
  eventId: String!
  eventName: String!
  status: WebhookDeliveryStatus!
  attempts: Int!
  lastStatusCode: Int
  lastError: String
  nextAttemptAt: DateTime
  createdAt: DateTime!
  updatedAt: DateTime!
  attemptLog: [WebhookDeliveryAttempt!]!
}

type WebhookDeliveryEdge {
  node: WebhookDelivery!
  cursor: ConnectionCursor!
}

type WebhookDeliveryConnection {
  edges: [WebhookDeliveryEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

extend type Query {
  webhookDeliveries(webhookId: UUID!, status: WebhookDeliveryStatus, first: Int = 20, after: ConnectionCursor): WebhookDeliveryConnection!
}

extend type Mutation {
  "Sends dead deliveries of the webhook again (all of them when deliveryIds is not given); answers those replayed"
  replayWebhookDeliveries(webhookId: UUID!, deliveryIds: [UUID!]): [WebhookDelivery!]!
}
`

// webhookDeliveryResolvers resolve the operations of webhookDeliverySDL over jobs, the jobs
// Worker's binding.
func webhookDeliveryResolvers(jobs connect.HTTPClient) map[string]graphql.Resolver {
	c := jobsv1connect.NewWebhookDeliveryServiceClient(jobs, baseURL, rpc.ClientOptions()...)
	return map[string]graphql.Resolver{
		"Query.webhookDeliveries": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			first, _ := args["first"].(int64)
			if first < 1 || first > 50 {
				return nil, graphql.NewError(graphql.CodeBadUserInput, "first must be between 1 and 50")
			}
			req := &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: ws, WebhookId: str(args, "webhookId"), Limit: int32(first), After: str(args, "after")}
			if s, ok := args["status"].(string); ok {
				req.Status = jobsv1.WebhookDeliveryStatus(jobsv1.WebhookDeliveryStatus_value["WEBHOOK_DELIVERY_STATUS_"+s])
			}
			res, err := c.ListWebhookDeliveries(ctx, req)
			if err != nil {
				return nil, deliveryGQLError(err)
			}
			edges := make([]any, len(res.GetDeliveries()))
			for i, d := range res.GetDeliveries() {
				edges[i] = map[string]any{"node": deliveryDTO(d), "cursor": d.GetCursor()}
			}
			var start, end any
			if len(edges) > 0 {
				start, end = res.GetDeliveries()[0].GetCursor(), res.GetEndCursor()
			}
			return map[string]any{
				"edges":      edges,
				"totalCount": res.GetTotalCount(),
				"pageInfo":   map[string]any{"hasNextPage": res.GetHasNextPage(), "hasPreviousPage": str(args, "after") != "", "startCursor": start, "endCursor": end},
			}, nil
		},
		"Mutation.replayWebhookDeliveries": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			res, err := c.ReplayWebhookDeliveries(ctx, &jobsv1.ReplayWebhookDeliveriesRequest{
				WorkspaceId: ws, WebhookId: str(args, "webhookId"), DeliveryIds: strList(args["deliveryIds"]),
			})
			if err != nil {
				return nil, deliveryGQLError(err)
			}
			out := make([]any, len(res.GetDeliveries()))
			for i, d := range res.GetDeliveries() {
				out[i] = deliveryDTO(d)
			}
			return out, nil
		},
	}
}

// deliveryDTO is a delivery as webhookDeliverySDL's WebhookDelivery.
func deliveryDTO(d *jobsv1.WebhookDelivery) map[string]any {
	log := make([]any, len(d.GetAttemptLog()))
	for i, a := range d.GetAttemptLog() {
		log[i] = map[string]any{
			"attempt": a.GetAttempt(), "statusCode": nonZero(a.GetStatusCode()), "latencyMs": a.GetLatencyMs(),
			"error": nonEmptyString(a.GetError()), "attemptedAt": a.GetAttemptedAt(),
		}
	}
	return map[string]any{
		"id": d.GetId(), "webhookId": d.GetWebhookId(), "eventId": d.GetEventId(), "eventName": d.GetEventName(),
		"status": strings.TrimPrefix(d.GetStatus().String(), "WEBHOOK_DELIVERY_STATUS_"), "attempts": d.GetAttempts(),
		"lastStatusCode": nonZero(d.GetLastStatusCode()), "lastError": nonEmptyString(d.GetLastError()),
		"nextAttemptAt": nonEmptyString(d.GetNextAttemptAt()), "createdAt": d.GetCreatedAt(), "updatedAt": d.GetUpdatedAt(),
		"attemptLog": log,
	}
}

func nonZero(n int32) any {
	if n == 0 {
		return nil
	}
	return n
}

func nonEmptyString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// deliveryGQLError is the GraphQL error of a WebhookDeliveryService refusal: a webhook or
// delivery that is not the workspace's is NOT_FOUND ("Webhook not found", as Twenty says it), a
// bad request BAD_USER_INPUT; other errors stay internal.
func deliveryGQLError(err error) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("webhook deliveries: %w", err)
	}
	msg := ce.Message()
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	switch ce.Code() {
	case connect.CodeNotFound:
		return graphql.NewError(graphql.CodeNotFound, msg).WithExtension("userFriendlyMessage", msg+".")
	case connect.CodeInvalidArgument:
		return graphql.NewError(graphql.CodeBadUserInput, msg)
	}
	return fmt.Errorf("webhook deliveries: %w", err)
}
