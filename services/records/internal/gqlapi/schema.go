package gqlapi

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Action names what a mutation did to records, as record events name it
// ("<object>.<action>", Twenty's DatabaseEventAction).
type Action string

// The actions of the mutations.
const (
	Created   Action = "created"
	Upserted  Action = "upserted"
	Updated   Action = "updated"
	Deleted   Action = "deleted"
	Destroyed Action = "destroyed"
	Restored  Action = "restored"
)

// Request is what one execution runs with.
type Request struct {
	// DB is the workspace's shard. Root query fields run concurrently: it must be safe for
	// concurrent use.
	DB engine.Batcher
	// WorkspaceID is the workspace, from a verified token.
	WorkspaceID string
	// Actor is who writes: createdBy and updatedBy of the records.
	Actor engine.Actor
	// OnChange, when set, is told of every committed mutation's changes (for record events),
	// right after it committed. Mutations run one after another, so it is never called
	// concurrently.
	OnChange func(obj metadata.Object, action Action, changes []engine.Change)
	// ViewFilter, when set, is the filter a group-by's viewId adds on obj: the view's filters
	// (nil for none). Without it viewId is ignored.
	ViewFilter func(ctx context.Context, viewID string, obj metadata.Object) (*recordquery.Filter, error)
}

// Schema is a workspace's GraphQL data API at one version of its metadata: immutable and safe
// for concurrent use. Build it once per version.
type Schema struct {
	m   *model
	gql *graphql.Schema
}

// New builds the API of the workspace whose objects are objects; opts set the executor's limits
// and document cache. It fails when no object can be exposed.
func New(objects []metadata.Object, opts ...graphql.Option) (*Schema, error) {
	return NewSchemas(0, opts...).New(objects)
}

// Schemas builds workspaces' APIs and shares the executable schema (the parsed, validated SDL,
// with its resolvers and its cache of parsed documents) between the workspaces whose objects
// give the same SDL: every workspace that has the standard objects only, say. They are found by
// their objects (sharedKey), without writing the SDL: writing it and the aggregate fields it
// lists was some 3.6 MB of garbage per workspace in the records Worker, a fifth of all it
// allocated under the bench. Only the model (the workspace's objects, ids included) is the
// workspace's own: resolvers find it, and their object type by name, in the request's
// execution, never in what they were built with. Parsing
// and validating the SDL was most of building an API (some 25 of 40 ms natively for the standard
// objects), paid on the first GraphQL request of every workspace.
//
// It keeps up to max schemas (none when max is 0), starting afresh past them. Safe for
// concurrent use.
type Schemas struct {
	opts []graphql.Option
	max  int

	mu    sync.Mutex
	byKey map[string]*shared // by sharedKey of the objects
}

// shared is what the workspaces with one SDL share: the executable schema, and each type's
// aggregate fields (their names, types and descriptions are all in the SDL, so one SDL gives the
// same ones; they were a third of a workspace's model).
type shared struct {
	gql        *graphql.Schema
	aggregates map[string][]aggField
}

// NewSchemas returns a builder keeping up to limit executable schemas built with opts.
func NewSchemas(limit int, opts ...graphql.Option) *Schemas {
	return &Schemas{opts: opts, max: limit}
}

// New builds the API of the workspace whose objects are objects. It fails when no object can be
// exposed.
func (c *Schemas) New(objects []metadata.Object) (*Schema, error) {
	m := newTypes(objects)
	if len(m.types) == 0 {
		return nil, errors.New("gqlapi: the workspace has no object to expose")
	}
	key, share := "", false
	if c.max > 0 {
		var err error
		key, err = sharedKey(objects)
		share = err == nil // objects that do not encode (none read from metadata) are not shared
	}
	if share {
		c.mu.Lock()
		sh, ok := c.byKey[key]
		c.mu.Unlock()
		if ok {
			for _, t := range m.types {
				t.aggregates = sh.aggregates[t.name]
			}
			return &Schema{m: m, gql: sh.gql}, nil
		}
	}
	m.addAggregates()
	sdl := m.sdl()
	resolvers := map[string]graphql.Resolver{"Query.search": searchResolver}
	for _, t := range m.types {
		bind(resolvers, t)
	}
	gql, err := graphql.NewSchema(sdl, resolvers, c.opts...)
	if err != nil {
		return nil, fmt.Errorf("gqlapi: %w", err)
	}
	if share {
		c.mu.Lock()
		if c.byKey == nil || len(c.byKey) >= c.max {
			c.byKey = map[string]*shared{}
		}
		sh := &shared{gql: gql, aggregates: make(map[string][]aggField, len(m.types))}
		for _, t := range m.types {
			sh.aggregates[t.name] = t.aggregates
		}
		c.byKey[key] = sh
		c.mu.Unlock()
	}
	return &Schema{m: m, gql: gql}, nil
}

// Execute runs one GraphQL request of the workspace. It never fails: problems are errors in the
// response, Twenty's for input the API rejects.
func (s *Schema) Execute(ctx context.Context, r Request, req graphql.Request) *graphql.Response {
	return s.gql.Execute(context.WithValue(ctx, executionKey{}, &execution{m: s.m, req: r}), req)
}

type executionKey struct{}

// execution is one request's state, which resolvers find in their context.
type execution struct {
	m   *model
	req Request
	eng engine.Engine
}

// changed reports a committed mutation's changes.
func (x *execution) changed(t *objectType, action Action, changes []engine.Change) {
	if x.req.OnChange != nil && len(changes) > 0 {
		x.req.OnChange(t.obj, action, changes)
	}
}

// operation is what a root field does, given the request's execution and its arguments.
type operation func(x *execution, ctx context.Context, t *objectType, args map[string]any) (any, error)

// resolve adapts an operation on the object named object (its nameSingular), whose selection
// has shape s, to a graphql.Resolver: it finds the request's execution in the context and the
// object's type in the execution's model (the executable schema is shared by workspaces, see
// Schemas), checks the selection's complexity (but for ownShape) and maps the operation's errors
// (gqlError).
func resolve(object string, s shape, op operation) graphql.Resolver {
	return func(ctx context.Context, args map[string]any) (any, error) {
		x, ok := ctx.Value(executionKey{}).(*execution)
		if !ok {
			return nil, errors.New("gqlapi: resolver called outside Schema.Execute")
		}
		t, ok := x.m.byName[object]
		if !ok {
			return nil, fmt.Errorf("gqlapi: object %q is not in the workspace's model", object)
		}
		if s != ownShape {
			if err := x.m.checkSelection(ctx, t, s); err != nil {
				return nil, gqlError(err)
			}
		}
		v, err := op(x, ctx, t, args)
		if err != nil {
			return nil, gqlError(err)
		}
		return v, nil
	}
}

// bind registers the root fields of t.
func bind(res map[string]graphql.Resolver, t *objectType) {
	r := t.roots
	ops := map[string]operation{
		"Query." + r.findMany:       (*execution).findMany,
		"Query." + r.groupBy:        (*execution).groupBy,
		"Query." + r.findOne:        (*execution).findOne,
		"Mutation." + r.createMany:  (*execution).createMany,
		"Mutation." + r.createOne:   (*execution).createOne,
		"Mutation." + r.updateOne:   (*execution).updateOne,
		"Mutation." + r.updateMany:  (*execution).updateMany,
		"Mutation." + r.deleteOne:   (*execution).deleteOne,
		"Mutation." + r.deleteMany:  (*execution).deleteMany,
		"Mutation." + r.restoreOne:  (*execution).restoreOne,
		"Mutation." + r.restoreMany: (*execution).restoreMany,
		"Mutation." + r.destroyOne:  (*execution).destroyOne,
		"Mutation." + r.destroyMany: (*execution).destroyMany,
	}
	if t.duplicates {
		ops["Query."+r.findDuplicates] = (*execution).findDuplicates
		ops["Mutation."+r.mergeMany] = (*execution).merge
	}
	shapes := map[string]shape{"Query." + r.findMany: connectionShape, "Query." + r.findDuplicates: connectionShape, "Query." + r.groupBy: ownShape}
	for name, op := range ops {
		res[name] = resolve(t.obj.NameSingular, shapes[name], op)
	}
}
