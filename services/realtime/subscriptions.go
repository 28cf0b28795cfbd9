package main

import (
	"context"
	"encoding/json"

	"github.com/twentyworkers/twenty/shared/eventsub"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// ParseSubscription implements realtimev1connect.RealtimeServiceHandler: a room serving
// graphql-ws (room.mjs) has each subscribe message's operation read here, by eventsub as the
// gateway reads graphql-sse's, since the room itself runs no Go.
func (s *server) ParseSubscription(_ context.Context, req *realtimev1.ParseSubscriptionRequest) (*realtimev1.ParseSubscriptionResponse, error) {
	r := graphql.Request{Query: req.GetQuery(), OperationName: req.GetOperationName()}
	if v := req.GetVariablesJson(); v != "" && v != "null" {
		if err := json.Unmarshal([]byte(v), &r.Variables); err != nil {
			return errorResponse(graphql.NewError(graphql.CodeBadRequest, "The variables must be a JSON object."))
		}
	}
	sub, gerr := eventsub.Parse(r)
	if gerr != nil {
		return errorResponse(gerr)
	}
	b, err := json.Marshal(sub)
	if err != nil {
		return nil, err
	}
	return &realtimev1.ParseSubscriptionResponse{SubscriptionJson: string(b)}, nil
}

func errorResponse(e *graphql.Error) (*realtimev1.ParseSubscriptionResponse, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return &realtimev1.ParseSubscriptionResponse{ErrorJson: string(b)}, nil
}
