package main

import (
	"context"
	"encoding/json"
	"errors"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/eventsub"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// This file serves Twenty's event streams on /metadata (event-stream.resolver.ts), with the
// types of Twenty's newest client (twenty-client-sdk's metadata schema: EventSubscription,
// ObjectRecordEventWithQueryIds, MetadataEvent, AddQuerySubscriptionInput, …): the
// addQueryToEventStream and removeQueryFromEventStream mutations through the realtime Worker,
// and the Subscription type, whose operations eventstream.go serves over graphql-sse.

// realtimeSDL extends authSDL's Mutation and uses metadataSDL's JSON scalar.
const realtimeSDL = eventsub.SDL

// streamCaller is who acts on an event stream: a member's access token (its membership) or an
// API key, as Twenty's EventStreamService.isAuthorized compares them.
func streamCaller(c *authtoken.Claims) *realtimev1.Caller {
	if c.Type == authtoken.TypeAPIKey {
		return &realtimev1.Caller{ApiKeyId: c.ID}
	}
	return &realtimev1.Caller{UserWorkspaceId: c.UserWorkspaceID}
}

func (g *gateway) realtimeResolvers() map[string]graphql.Resolver {
	return map[string]graphql.Resolver{
		"Mutation.addQueryToEventStream": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "input")
			sig, err := json.Marshal(in["operationSignature"])
			if err != nil {
				return nil, graphql.NewError(graphql.CodeBadUserInput, "operationSignature must be JSON")
			}
			view, err := g.streamViewJSON(ctx, ws) // the caller's permissions read again (eventstreamview.go)
			if err != nil {
				return nil, err
			}
			if gerr := g.listenRealtime(ctx, ws); gerr != nil { // eventstreamlistener.go
				return nil, gerr
			}
			res, err := g.realtime.AddQuery(ctx, &realtimev1.AddQueryRequest{
				WorkspaceId: ws, EventStreamId: str(in, "eventStreamId"), QueryId: str(in, "queryId"),
				OperationSignatureJson: sig, Caller: streamCaller(principalFrom(ctx)), ViewJson: view,
			})
			if err != nil {
				return nil, realtimeGQLError(err)
			}
			return res.GetOk(), nil
		},
		"Mutation.removeQueryFromEventStream": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "input")
			res, err := g.realtime.RemoveQuery(ctx, &realtimev1.RemoveQueryRequest{
				WorkspaceId: ws, EventStreamId: str(in, "eventStreamId"), QueryId: str(in, "queryId"),
				Caller: streamCaller(principalFrom(ctx)),
			})
			if err != nil {
				return nil, realtimeGQLError(err)
			}
			return res.GetOk(), nil
		},
	}
}

// realtimeGQLError maps the realtime Worker's refusals to Twenty's event stream errors
// (event-stream-exception.filter.ts: NOT_AUTHORIZED is FORBIDDEN); others stay internal.
func realtimeGQLError(err error) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return err
	}
	switch ce.Code() {
	case connect.CodePermissionDenied:
		return graphql.NewError(graphql.CodeForbidden, ce.Message()).
			WithExtension("subCode", "NOT_AUTHORIZED").
			WithExtension("userFriendlyMessage", "You are not authorized to perform this action.")
	case connect.CodeInvalidArgument:
		return graphql.NewError(graphql.CodeBadUserInput, ce.Message())
	case connect.CodeResourceExhausted:
		return graphql.NewError("TOO_MANY_REQUESTS", ce.Message())
	}
	return err
}
