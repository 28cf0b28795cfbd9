package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// This file serves Twenty's metadata GraphQL API on objects and fields (/metadata): the objects,
// object, fields and field queries and the createOne…, updateOne… and deleteOne… mutations, through
// the records Worker's metadata RPCs that REST /rest/metadata shares (metadatacall.go).
//
// Lists are Twenty's cursor connections (metadata-modules/pagination: cursor-paging.input.ts,
// parse-graphql-metadata-pagination.util.ts, paginate-metadata-items-by-id.util.ts,
// apply-metadata-filter-to-items.util.ts): ids descending, cursors the base64 of {"id":…}, filters
// on ids and flags. FindObjects answers every object, each with its fields inline, so a list
// reads them once and filters and pages them here (metadatapaging.go); a workspace's data model
// is small. An object's fields connection pages its inline fields, with no further call.

// mergeResolvers returns the resolvers of all the sets, for a schema that is their SDLs joined.
func mergeResolvers(sets ...map[string]graphql.Resolver) map[string]graphql.Resolver {
	out := map[string]graphql.Resolver{}
	for _, s := range sets {
		maps.Copy(out, s)
	}
	return out
}

// metadataResolvers resolve the operations of metadataSDL, for each kind of metadataNouns
// ("objects" → objects, object, createOneObject, updateOneObject, deleteOneObject; "fields" alike).
func (g *gateway) metadataResolvers() map[string]graphql.Resolver {
	out := map[string]graphql.Resolver{}
	for kind, noun := range metadataNouns {
		one := strings.ToLower(noun) // object, field: the query and the create input's key
		out["Query."+kind] = func(ctx context.Context, args map[string]any) (any, error) {
			return g.metadataConnection(ctx, kind, obj(args, "paging"), obj(args, "filter"))
		}
		out["Query."+one] = func(ctx context.Context, args map[string]any) (any, error) {
			return g.gqlMetadataOne(ctx, kind, findOne, str(args, "id"), nil)
		}
		out["Mutation.createOne"+noun] = func(ctx context.Context, args map[string]any) (any, error) {
			return g.gqlMetadataOne(ctx, kind, createOne, "", obj(obj(args, "input"), one))
		}
		out["Mutation.updateOne"+noun] = func(ctx context.Context, args map[string]any) (any, error) {
			in := obj(args, "input")
			return g.gqlMetadataOne(ctx, kind, updateOne, str(in, "id"), obj(in, "update"))
		}
		out["Mutation.deleteOne"+noun] = func(ctx context.Context, args map[string]any) (any, error) {
			return g.gqlMetadataOne(ctx, kind, deleteOne, str(obj(args, "input"), "id"), nil)
		}
	}
	return out
}

// Errors of the token, as Twenty's WorkspaceAuthGuard (engine/guards/workspace-auth.guard.ts)
// answers them on GraphQL: no token is UNAUTHENTICATED, a token without a workspace Nest's
// default refusal.
var (
	errMetadataNoToken = graphql.NewError(graphql.CodeUnauthenticated, "Missing authentication token").
				WithExtension("subCode", "UNAUTHENTICATED").
				WithExtension("userFriendlyMessage", "You must be authenticated to perform this action.")
	errMetadataNoWorkspace = graphql.NewError(graphql.CodeForbidden, "Forbidden resource")
	errMetadataNotAPIToken = graphql.NewError(errNotAPIToken.gqlCode, errNotAPIToken.message)
)

// metadataWorkspace answers the workspace of the caller's token: a user's access token or an API
// key. The auth operations sharing the schema keep their own rules.
func metadataWorkspace(ctx context.Context) (string, error) {
	c := principalFrom(ctx)
	switch {
	case c == nil:
		return "", errMetadataNoToken
	case c.Type == authtoken.TypeWorkspaceAgnostic:
		return "", errMetadataNoWorkspace
	case c.Type != authtoken.TypeAccess && c.Type != authtoken.TypeAPIKey:
		return "", errMetadataNotAPIToken
	case c.WorkspaceID == "":
		return "", errMetadataNoWorkspace
	}
	return c.WorkspaceID, nil
}

// gqlCodeOfStatus maps the statuses REST answers for records errors (connectStatus) to Twenty's
// GraphQL errors of the same status (core-modules/graphql/utils/graphql-errors.util.ts:
// UserInputError, AuthenticationError, ForbiddenError, NotFoundError, ConflictError).
var gqlCodeOfStatus = map[int]string{
	http.StatusBadRequest:   graphql.CodeBadUserInput,
	http.StatusUnauthorized: graphql.CodeUnauthenticated,
	http.StatusForbidden:    graphql.CodeForbidden,
	http.StatusNotFound:     graphql.CodeNotFound,
	http.StatusConflict:     graphql.CodeConflict,
}

// metadataGQLError turns an error of a metadata RPC into Twenty's GraphQL error, through the
// status REST gives it, so that both APIs classify an error alike; others stay internal.
func metadataGQLError(err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		if code, ok := gqlCodeOfStatus[connectStatus[ce.Code()]]; ok {
			return graphql.NewError(code, ce.Message())
		}
	}
	return fmt.Errorf("records metadata: %w", err)
}

// metaLoader makes the metadata calls of one root field for one workspace, and reads the
// workspace's objects at most once for all the nodes below it.
type metaLoader struct {
	g         *gateway
	workspace string

	mu      sync.Mutex
	loaded  bool
	objects []map[string]any
}

// newMetaLoader checks the caller's token and answers a loader for its workspace.
func (g *gateway) newMetaLoader(ctx context.Context) (*metaLoader, error) {
	ws, err := metadataWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	return &metaLoader{g: g, workspace: ws}, nil
}

// all answers the workspace's objects with their fields, read once.
func (l *metaLoader) all(ctx context.Context) ([]map[string]any, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loaded {
		return l.objects, nil
	}
	list, err := l.g.metadataAll(ctx, l.workspace, "objects")
	if err != nil {
		return nil, metadataGQLError(err)
	}
	out := make([]map[string]any, len(list))
	for i, o := range list {
		if out[i], err = decodeDTO(o.json); err != nil {
			return nil, err
		}
	}
	l.objects, l.loaded = out, true
	return out, nil
}

// object answers the workspace's object with id, or nil.
func (l *metaLoader) object(ctx context.Context, id string) (map[string]any, error) {
	all, err := l.all(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if strings.EqualFold(str(o, "id"), id) {
			return o, nil
		}
	}
	return nil, nil
}

// gqlMetadataOne runs op on an object or a field and answers its node. input, when set, is the
// create input or the update.
func (g *gateway) gqlMetadataOne(ctx context.Context, kind string, op metaOp, id string, input map[string]any) (any, error) {
	l, err := g.newMetaLoader(ctx)
	if err != nil {
		return nil, err
	}
	var in []byte
	if input != nil {
		if in, err = json.Marshal(input); err != nil {
			return nil, fmt.Errorf("encode the metadata input: %w", err)
		}
	}
	res, err := g.metadataOne(ctx, l.workspace, kind, op, id, in)
	if err != nil {
		return nil, metadataGQLError(err)
	}
	dto, err := decodeDTO(res)
	if err != nil {
		return nil, err
	}
	if kind == "objects" {
		return &objectNode{dto: dto, l: l}, nil
	}
	return &fieldNode{dto: dto, l: l}, nil
}

// metadataConnection answers the objects or fields query: the workspace's objects, or all their fields,
// filtered and paged.
func (g *gateway) metadataConnection(ctx context.Context, kind string, paging, filter map[string]any) (any, error) {
	l, err := g.newMetaLoader(ctx)
	if err != nil {
		return nil, err
	}
	p, err := parseMetaPaging(paging)
	if err != nil {
		return nil, err
	}
	all, err := l.all(ctx)
	if err != nil {
		return nil, err
	}
	var items []metaItem
	for _, o := range all {
		if kind == "objects" {
			items = append(items, metaItem{o, &objectNode{dto: o, l: l}})
			continue
		}
		for _, f := range fieldsOf(o) {
			items = append(items, metaItem{f, &fieldNode{dto: f, object: o, l: l}})
		}
	}
	return metaConnection(items, filter, p), nil
}

// decodeDTO decodes an object or field the RPC answered; numbers stay as written.
func decodeDTO(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := decodeJSON(b, &m); err != nil {
		return nil, fmt.Errorf("decode a metadata answer: %w", err)
	}
	return m, nil
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// fieldsOf answers the inline fields of an object DTO.
func fieldsOf(o map[string]any) []map[string]any {
	list, _ := o["fields"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, f := range list {
		if m, ok := f.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// objectNode is an object of the metadata API: its DTO, and the fields computed from it.
type objectNode struct {
	dto map[string]any
	l   *metaLoader
}

// Field implements graphql.Object.
func (o *objectNode) Field(_ context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "fields":
		p, err := parseMetaPaging(obj(args, "paging"))
		if err != nil {
			return nil, err
		}
		fields := fieldsOf(o.dto)
		items := make([]metaItem, len(fields))
		for i, f := range fields {
			items[i] = metaItem{f, &fieldNode{dto: f, object: o.dto, l: o.l}}
		}
		return metaConnection(items, obj(args, "filter"), p), nil
	case "fieldsList":
		fields := fieldsOf(o.dto)
		out := make([]any, len(fields))
		for i, f := range fields {
			out[i] = &fieldNode{dto: f, object: o.dto, l: o.l}
		}
		return out, nil
	}
	return o.dto[name], nil
}

// fieldNode is a field of the metadata API: its DTO, the object it belongs to when known, and its
// relations.
type fieldNode struct {
	dto    map[string]any
	object map[string]any // nil until looked up
	l      *metaLoader
}

// owner answers the field's object, reading the workspace's objects if it is not known yet.
func (f *fieldNode) owner(ctx context.Context) (map[string]any, error) {
	if f.object != nil {
		return f.object, nil
	}
	return f.l.object(ctx, str(f.dto, "objectMetadataId"))
}

// Field implements graphql.Object. relation is a RELATION field's; morphRelations are those of
// the MORPH_RELATION fields of the object sharing the field's morphId, as Twenty groups them.
func (f *fieldNode) Field(ctx context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "relation":
		if str(f.dto, "type") != "RELATION" {
			return nil, nil
		}
		if rel := obj(f.dto, "relation"); rel != nil {
			return &relationNode{rel: rel, l: f.l}, nil
		}
		return nil, nil
	case "morphRelations":
		if str(f.dto, "type") != "MORPH_RELATION" {
			return nil, nil
		}
		siblings := []map[string]any{f.dto}
		if o, err := f.owner(ctx); err != nil {
			return nil, err
		} else if o != nil && str(f.dto, "morphId") != "" {
			siblings = slices.DeleteFunc(fieldsOf(o), func(s map[string]any) bool {
				return str(s, "type") != "MORPH_RELATION" || str(s, "morphId") != str(f.dto, "morphId")
			})
		}
		out := []any{}
		for _, s := range siblings {
			if rel := obj(s, "relation"); rel != nil {
				out = append(out, &relationNode{rel: rel, l: f.l})
			}
		}
		return out, nil
	case "object":
		o, err := f.owner(ctx)
		if err != nil || o == nil {
			return nil, err
		}
		return &objectNode{dto: o, l: f.l}, nil
	}
	return f.dto[name], nil
}

// relationNode is a relation seen from one of its fields (Twenty's RelationDTO). The DTO names
// the objects and fields; what else a client selects of them is read from the workspace.
type relationNode struct {
	rel map[string]any
	l   *metaLoader
}

// Field implements graphql.Object.
func (r *relationNode) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "sourceObjectMetadata", "targetObjectMetadata":
		return &objectRef{ref: obj(r.rel, name), l: r.l}, nil
	case "sourceFieldMetadata":
		return &fieldRef{ref: obj(r.rel, name), objectID: str(obj(r.rel, "sourceObjectMetadata"), "id"), l: r.l}, nil
	case "targetFieldMetadata":
		return &fieldRef{ref: obj(r.rel, name), objectID: str(obj(r.rel, "targetObjectMetadata"), "id"), l: r.l}, nil
	}
	return r.rel[name], nil
}

// objectRef is an object named by a relation: id, nameSingular and namePlural from the relation,
// the rest from the object.
type objectRef struct {
	ref map[string]any
	l   *metaLoader
}

// Field implements graphql.Object.
func (r *objectRef) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	if v, ok := r.ref[name]; ok && v != "" {
		return v, nil
	}
	o, err := r.l.object(ctx, str(r.ref, "id"))
	if err != nil {
		return nil, err
	}
	if o == nil {
		return r.ref[name], nil
	}
	return (&objectNode{dto: o, l: r.l}).Field(ctx, name, args)
}

// fieldRef is a field named by a relation: id and name from the relation, the rest from the
// field, found in its object.
type fieldRef struct {
	ref      map[string]any
	objectID string
	l        *metaLoader
}

// Field implements graphql.Object.
func (r *fieldRef) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	if v, ok := r.ref[name]; ok && v != "" {
		return v, nil
	}
	o, err := r.l.object(ctx, r.objectID)
	if err != nil {
		return nil, err
	}
	for _, f := range fieldsOf(o) {
		if strings.EqualFold(str(f, "id"), str(r.ref, "id")) {
			return (&fieldNode{dto: f, object: o, l: r.l}).Field(ctx, name, args)
		}
	}
	return r.ref[name], nil
}
