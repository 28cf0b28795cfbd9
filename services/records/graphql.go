package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/gqlapi"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// GraphQL implements recordsv1connect.RecordsServiceHandler: one request of the workspace's
// GraphQL data API (/graphql), executed here next to the engine. The workspace's API is built
// from its schema once per metadata version and kept in the isolate (s.gql). As record
// calls do (withTarget), a request answered from a cached schema that turns out stale (the
// shard's stamp says so, or the document names what the cached schema lacks, say an object
// created since) runs once more on the schema read from the control database: the stamp's guard
// opens the request's first batch and fails it whole when stale, so the first run changed
// nothing. Mutations record their events in the shard's outbox as REST's do.
//
// The response is the GraphQL response, errors included; the call itself fails only when the
// workspace cannot be served (no schema, no shard).
func (s *server) GraphQL(ctx context.Context, req *recordsv1.GraphQLRequest) (*recordsv1.GraphQLResponse, error) {
	ws := req.GetWorkspaceId()
	if err := workspaceFor(ws); err != nil {
		return nil, err
	}
	var body graphql.Request
	if err := json.Unmarshal(req.GetBodyJson(), &body); err != nil {
		return responseOf(&graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeBadRequest,
			`The request body must be a JSON object with a string "query", and optionally "operationName" and an object "variables".`)}})
	}
	actor := actorOf(req.GetActor())
	var resp *graphql.Response
	var events *outbox.Writer
	var eventsShard *d1.DB
	err := s.withSchema(ctx, ws, func(sc *schema) (bool, error) {
		api, shard, err := s.graphQLOf(ws, sc)
		if err != nil {
			return false, err
		}
		db, err := newStampedShard(shard, ws, sc.Version)
		if err != nil {
			return false, err
		}
		var t target
		t, events = s.recordingEvents(target{shard: shard, db: db, objects: sc.Objects}, ws, req.GetActor())
		eventsShard = shard
		resp = api.Execute(ctx, gqlapi.Request{DB: t.db, WorkspaceID: ws, Actor: actor, ViewFilter: s.graphQLViewFilter(ws)}, body)
		return db.isStale() || failedValidation(resp) || deniedOnCache(resp), nil
	})
	s.relayEvents(ctx, eventsShard, events)
	if err != nil {
		return nil, err
	}
	if resp.Unavailable() { // a binding down for now: the gateway answers 503 with Retry-After
		return nil, connect.NewError(connect.CodeUnavailable, errors.New(graphql.UnavailableError().Message))
	}
	return responseOf(resp)
}

// responseOf encodes a GraphQL response.
func responseOf(resp *graphql.Response) (*recordsv1.GraphQLResponse, error) {
	b, err := resp.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode GraphQL response: %w", err)
	}
	return &recordsv1.GraphQLResponse{BodyJson: b}, nil
}

// failedValidation reports a request refused before execution because of the schema: a document
// that does not validate, or variables that do not fit their types, which a stale schema
// explains when they name an object, a field or an option created since.
func failedValidation(resp *graphql.Response) bool {
	if resp.Data != nil || len(resp.Errors) == 0 {
		return false
	}
	code := resp.Errors[0].Code()
	return code == graphql.CodeValidationFailed || code == graphql.CodeBadUserInput
}

// graphQLOf answers the workspace's API at sc's version, built once per version, and its shard.
func (s *server) graphQLOf(ws string, sc *schema) (*gqlapi.Schema, *d1.DB, error) {
	if sc.Shard == "" {
		return nil, nil, notFound("workspace not found")
	}
	shard, ok := s.shards[sc.Shard]
	if !ok {
		return nil, nil, fmt.Errorf("no binding for shard %s of workspace %s", sc.Shard, ws)
	}
	api, err := s.gql.get(ws, sc)
	if err != nil {
		return nil, nil, err
	}
	return api, shard, nil
}

// maxCachedGraphQL bounds the isolate's workspace APIs, maxSharedGraphQL the executable schemas
// they share (gqlapi.Schemas: one for all the workspaces whose objects give the same SDL); past
// them a cache starts afresh. An executable schema holds its parsed SDL (about 2 MB for the
// standard objects, their connections' aggregate fields and group-by inputs included) and a cache
// of parsed documents (gqlDocumentCache of them); a workspace's API adds only its model, about
// 85 KB for the standard objects (its aggregate fields are the shared schema's). So the caches
// stay within some 15 MB of the isolate's 128 MB.
const (
	maxCachedGraphQL = 64
	maxSharedGraphQL = 4
	gqlDocumentCache = 32
)

// graphQLCache keeps the workspaces' GraphQL APIs in the isolate, each at the metadata version it
// was built from.
type graphQLCache struct {
	mu      sync.Mutex
	byWS    map[string]cachedGraphQL
	schemas *gqlapi.Schemas
}

type cachedGraphQL struct {
	version int64
	api     *gqlapi.Schema
}

// get answers the API of workspace ws at sc's version, building it when the cache has another
// version or none.
func (c *graphQLCache) get(ws string, sc *schema) (*gqlapi.Schema, error) {
	c.mu.Lock()
	e, ok := c.byWS[ws]
	if c.schemas == nil {
		c.schemas = gqlapi.NewSchemas(maxSharedGraphQL, graphql.WithCacheSize(gqlDocumentCache))
	}
	schemas := c.schemas
	c.mu.Unlock()
	if ok && e.version == sc.Version {
		return e.api, nil
	}
	api, err := schemas.New(sc.Objects)
	if err != nil {
		slog.Error("GraphQL schema not built", "workspace_id", ws, "version", sc.Version, "error", err.Error())
		return nil, fmt.Errorf("GraphQL schema of %s at version %d: %w", ws, sc.Version, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byWS == nil || len(c.byWS) >= maxCachedGraphQL {
		c.byWS = map[string]cachedGraphQL{}
	}
	c.byWS[ws] = cachedGraphQL{version: sc.Version, api: api}
	return api, nil
}
