package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/eventsub"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// An event stream shows its subscriber only what its role may read (the realtime Worker's
// eventviews.go): the gateway reads the subscriber's permissions once when the stream opens and
// sends them with it (streamInfo.View), and reads them again on each addQueryToEventStream, so
// that a role changed since reaches the stream with the client's next query. Role changes emit
// no metadata event, and the realtime Worker has no binding to the records Worker to read them
// itself.

// streamView reads c's permissions in workspace ws as an eventsub.View (nil: nothing hidden).
func (g *gateway) streamView(ctx context.Context, c *authtoken.Claims, ws string) (*eventsub.View, *graphql.Error) {
	res, err := g.roles.GetPermissions(withClaims(ctx, c), &recordsv1.GetPermissionsRequest{WorkspaceId: ws})
	if isUnavailable(err) {
		return nil, graphql.UnavailableError() // the records Worker down for now: the client retries
	}
	if err != nil {
		var gerr *graphql.Error
		if errors.As(roleGQLError(err), &gerr) {
			return nil, gerr
		}
		return nil, graphql.NewError("INTERNAL_SERVER_ERROR", "Internal server error")
	}
	return eventsub.ViewOf(res), nil
}

// streamViewJSON is the caller's view as AddQueryRequest.view_json carries it (JSON null for
// nothing hidden).
func (g *gateway) streamViewJSON(ctx context.Context, ws string) ([]byte, error) {
	c := principalFrom(ctx)
	if c == nil {
		return nil, nil
	}
	v, gerr := g.streamView(ctx, c, ws)
	if gerr != nil {
		return nil, gerr
	}
	return json.Marshal(v)
}
