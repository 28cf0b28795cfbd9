package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// This file serves Twenty's metadata GraphQL API on objects and fields (/metadata): the objects,
// object, fields and field queries and the createOne…, updateOne… and deleteOne… mutations, through
// the records Worker's Metadata RPC that REST /rest/metadata shares (metadata.go).
//
// Lists are Twenty's cursor connections (metadata-modules/pagination: cursor-paging.input.ts,
// parse-graphql-metadata-pagination.util.ts, paginate-metadata-items-by-id.util.ts,
// apply-metadata-filter-to-items.util.ts): ids descending, cursors the base64 of {"id":…}, filters
// on ids and flags. The RPC pages by id but does not filter, so a list reads the workspace's
// objects, each with its fields inline, and filters and pages them here; a workspace's data model
// is small (the RPC's largest page, 1000 objects, holds most in one call). An object's fields
// connection pages its inline fields, with no further call.

// metadataSDL is the part of Twenty's metadata schema on objects and fields, with Twenty's type,
// field and argument names (object-metadata.dto.ts, field-metadata.dto.ts, relation.dto.ts, the
// create/update/delete inputs and the pagination DTOs). It extends authSDL's Query and Mutation and
// uses its DateTime and UUID scalars. Field.objectMetadataId is the DTO's, which Twenty's REST
// answers show; totalCount is the count nestjs-query's connections had.
const metadataSDL = `
scalar JSON
scalar ConnectionCursor

enum FieldMetadataType {
  ACTOR ADDRESS ARRAY BOOLEAN CURRENCY DATE DATE_TIME EMAILS FILES FULL_NAME LINKS MORPH_RELATION
  MULTI_SELECT NUMBER NUMERIC PHONES POSITION RATING RAW_JSON RELATION RICH_TEXT RICH_TEXT_V2 SELECT
  TEXT TS_VECTOR UUID
}
enum RelationType { MANY_TO_ONE ONE_TO_MANY }

type PageInfo {
  hasNextPage: Boolean
  hasPreviousPage: Boolean
  startCursor: ConnectionCursor
  endCursor: ConnectionCursor
}

type Object {
  id: UUID!
  nameSingular: String!
  namePlural: String!
  labelSingular: String!
  labelPlural: String!
  description: String
  icon: String
  shortcut: String
  isCustom: Boolean!
  isRemote: Boolean!
  isActive: Boolean!
  isSystem: Boolean!
  isSearchable: Boolean!
  isLabelSyncedWithName: Boolean!
  labelIdentifierFieldMetadataId: UUID
  imageIdentifierFieldMetadataId: UUID
  duplicateCriteria: [[String!]!]
  createdAt: DateTime!
  updatedAt: DateTime!
  fields(paging: CursorPaging! = {first: 10}, filter: FieldFilter! = {}): ObjectFieldsConnection!
  fieldsList: [Field!]!
}

type Field {
  id: UUID!
  type: FieldMetadataType!
  name: String!
  label: String!
  description: String
  icon: String
  isCustom: Boolean
  isActive: Boolean
  isSystem: Boolean
  isNullable: Boolean
  isUnique: Boolean
  defaultValue: JSON
  options: JSON
  settings: JSON
  isLabelSyncedWithName: Boolean
  objectMetadataId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  relation: Relation
  morphRelations: [Relation!]
  object: Object
}

type Relation {
  type: RelationType!
  sourceObjectMetadata: Object!
  targetObjectMetadata: Object!
  sourceFieldMetadata: Field!
  targetFieldMetadata: Field!
}

type ObjectEdge { node: Object! cursor: ConnectionCursor! }
type ObjectConnection { pageInfo: PageInfo! edges: [ObjectEdge!]! totalCount: Int! }
type FieldEdge { node: Field! cursor: ConnectionCursor! }
type FieldConnection { pageInfo: PageInfo! edges: [FieldEdge!]! totalCount: Int! }
type ObjectFieldsConnection { pageInfo: PageInfo! edges: [FieldEdge!]! totalCount: Int! }

input CursorPaging { before: ConnectionCursor after: ConnectionCursor first: Int last: Int }
input UUIDFilterComparison {
  eq: UUID neq: UUID gt: UUID gte: UUID lt: UUID lte: UUID
  like: UUID notLike: UUID iLike: UUID notILike: UUID in: [UUID!] notIn: [UUID!]
}
input BooleanFieldComparison { is: Boolean isNot: Boolean }
input ObjectFilter {
  and: [ObjectFilter!]
  or: [ObjectFilter!]
  id: UUIDFilterComparison
  isActive: BooleanFieldComparison
  isCustom: BooleanFieldComparison
  isRemote: BooleanFieldComparison
  isSearchable: BooleanFieldComparison
  isSystem: BooleanFieldComparison
}
input FieldFilter {
  and: [FieldFilter!]
  or: [FieldFilter!]
  id: UUIDFilterComparison
  isActive: BooleanFieldComparison
  isCustom: BooleanFieldComparison
  isSystem: BooleanFieldComparison
  objectMetadataId: UUIDFilterComparison
}

input CreateObjectInput {
  nameSingular: String!
  namePlural: String!
  labelSingular: String!
  labelPlural: String!
  description: String
  icon: String
  shortcut: String
  isRemote: Boolean
  isLabelSyncedWithName: Boolean
}
input CreateOneObjectInput { object: CreateObjectInput! }
input UpdateObjectPayload {
  labelSingular: String
  labelPlural: String
  nameSingular: String
  namePlural: String
  description: String
  icon: String
  shortcut: String
  isActive: Boolean
  labelIdentifierFieldMetadataId: UUID
  imageIdentifierFieldMetadataId: UUID
  isLabelSyncedWithName: Boolean
}
input UpdateOneObjectInput { update: UpdateObjectPayload! id: UUID! }
input DeleteOneObjectInput { id: UUID! }

input CreateFieldInput {
  type: FieldMetadataType!
  name: String!
  label: String!
  description: String
  icon: String
  isCustom: Boolean
  isActive: Boolean
  isSystem: Boolean
  isNullable: Boolean
  isUnique: Boolean
  defaultValue: JSON
  options: JSON
  settings: JSON
  isLabelSyncedWithName: Boolean
  objectMetadataId: String!
  isRemoteCreation: Boolean
  relationCreationPayload: JSON
}
input CreateOneFieldMetadataInput { field: CreateFieldInput! }
input UpdateFieldInput {
  name: String
  label: String
  description: String
  icon: String
  isCustom: Boolean
  isActive: Boolean
  isSystem: Boolean
  isNullable: Boolean
  isUnique: Boolean
  defaultValue: JSON
  options: JSON
  settings: JSON
  isLabelSyncedWithName: Boolean
}
input UpdateOneFieldMetadataInput { id: UUID! update: UpdateFieldInput! }
input DeleteOneFieldInput { id: UUID! }

extend type Query {
  objects(paging: CursorPaging! = {first: 10}, filter: ObjectFilter! = {}): ObjectConnection!
  object(id: UUID!): Object!
  fields(paging: CursorPaging! = {first: 10}, filter: FieldFilter! = {}): FieldConnection!
  field(id: UUID!): Field!
}

extend type Mutation {
  createOneObject(input: CreateOneObjectInput!): Object!
  updateOneObject(input: UpdateOneObjectInput!): Object!
  deleteOneObject(input: DeleteOneObjectInput!): Object!
  createOneField(input: CreateOneFieldMetadataInput!): Field!
  updateOneField(input: UpdateOneFieldMetadataInput!): Field!
  deleteOneField(input: DeleteOneFieldInput!): Field!
}
`

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
			return g.metadataOne(ctx, kind, "find_one", str(args, "id"), nil)
		}
		out["Mutation.createOne"+noun] = func(ctx context.Context, args map[string]any) (any, error) {
			return g.metadataOne(ctx, kind, "create_one", "", obj(obj(args, "input"), one))
		}
		out["Mutation.updateOne"+noun] = func(ctx context.Context, args map[string]any) (any, error) {
			in := obj(args, "input")
			return g.metadataOne(ctx, kind, "update_one", str(in, "id"), obj(in, "update"))
		}
		out["Mutation.deleteOne"+noun] = func(ctx context.Context, args map[string]any) (any, error) {
			return g.metadataOne(ctx, kind, "delete_one", str(obj(args, "input"), "id"), nil)
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

// metadataGQLError turns an error of the Metadata RPC into Twenty's GraphQL error, through the
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

// metaLoader makes the Metadata calls of one root field for one workspace, and reads the
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

// call runs one Metadata request on the loader's workspace.
func (l *metaLoader) call(ctx context.Context, req *recordsv1.MetadataRequest) (*recordsv1.MetadataResponse, error) {
	req.WorkspaceId = l.workspace
	res, err := l.g.records.Metadata(ctx, req)
	if err != nil {
		return nil, metadataGQLError(err)
	}
	return res, nil
}

// all answers the workspace's objects with their fields, reading every page of the list once.
func (l *metaLoader) all(ctx context.Context) ([]map[string]any, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loaded {
		return l.objects, nil
	}
	var out []map[string]any
	after := ""
	for {
		res, err := l.call(ctx, &recordsv1.MetadataRequest{Kind: "objects", Operation: "find_many", Limit: metadataMaxLimit, StartingAfter: after})
		if err != nil {
			return nil, err
		}
		page, err := decodeDTOs(res.GetResultJson())
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		next := res.GetPageInfo().GetEndCursor()
		if !res.GetPageInfo().GetHasNextPage() || next == "" || next == after {
			break
		}
		after = next
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

// metadataOne runs find_one, create_one, update_one or delete_one on an object or a field and
// answers its node. input, when set, is the create input or the update, as the RPC takes them.
func (g *gateway) metadataOne(ctx context.Context, kind, op, id string, input map[string]any) (any, error) {
	l, err := g.newMetaLoader(ctx)
	if err != nil {
		return nil, err
	}
	req := &recordsv1.MetadataRequest{Kind: kind, Operation: op, Id: id}
	if input != nil {
		if req.InputJson, err = json.Marshal(input); err != nil {
			return nil, fmt.Errorf("encode the %s input: %w", op, err)
		}
	}
	res, err := l.call(ctx, req)
	if err != nil {
		return nil, err
	}
	dto, err := decodeDTO(res.GetResultJson())
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

// decodeDTOs decodes the list the RPC answered.
func decodeDTOs(b []byte) ([]map[string]any, error) {
	var l []map[string]any
	if len(b) == 0 {
		return nil, nil
	}
	if err := decodeJSON(b, &l); err != nil {
		return nil, fmt.Errorf("decode a metadata list: %w", err)
	}
	return l, nil
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

// metaItem is one object or field of a list: its DTO, which filters and pages read, and its node.
type metaItem struct {
	dto  map[string]any
	node any
}

// metaPaging is a page request of Twenty's metadata connections (MetadataCursorPagination).
type metaPaging struct {
	limit             int
	backward          bool
	afterID, beforeID string
}

// defaultMetaPage is the page a connection answers when paging names no size.
const defaultMetaPage = 10

// parseMetaPaging reads CursorPaging with Twenty's rules and messages
// (pagination/utils/parse-graphql-metadata-pagination.util.ts).
func parseMetaPaging(paging map[string]any) (metaPaging, error) {
	first, hasFirst := paging["first"].(int64)
	last, hasLast := paging["last"].(int64)
	after, hasAfter := paging["after"].(string)
	before, hasBefore := paging["before"].(string)
	bad := func(msg string) (metaPaging, error) {
		return metaPaging{}, graphql.NewError(graphql.CodeBadUserInput, msg)
	}
	switch {
	case hasFirst && hasLast:
		return bad("Cannot use both first and last")
	case hasFirst && hasBefore:
		return bad("Cannot use first with before")
	case hasLast && hasAfter:
		return bad("Cannot use last with after")
	case hasAfter && hasBefore:
		return bad("Cannot use both after and before")
	case first < 0 || last < 0:
		return bad("Page size cannot be negative")
	}
	p := metaPaging{limit: defaultMetaPage, backward: hasLast || hasBefore}
	switch {
	case hasFirst:
		p.limit = int(first)
	case hasLast:
		p.limit = int(last)
	}
	if p.limit > metadataMaxLimit {
		return bad(fmt.Sprintf("Requested page size of %d exceeds the maximum size of %d", p.limit, metadataMaxLimit))
	}
	var err error
	if hasAfter {
		if p.afterID, err = cursorID(after); err != nil {
			return metaPaging{}, err
		}
	}
	if hasBefore {
		if p.beforeID, err = cursorID(before); err != nil {
			return metaPaging{}, err
		}
	}
	return p, nil
}

// cursorID reads the id of a metadata cursor, the base64 of {"id":…}.
func cursorID(cursor string) (string, error) {
	m, err := recordquery.DecodeCursor(cursor)
	id, _ := m["id"].(string)
	if err != nil || !ids.IsUUID(id) {
		return "", graphql.NewError(graphql.CodeBadUserInput, "Invalid cursor: "+cursor)
	}
	return strings.ToLower(id), nil
}

// metaCursor is the cursor of an item with id.
func metaCursor(id string) string {
	return recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "id", Value: id}})
}

// metaConnection answers a connection of the items that filter selects, paged by p as Twenty's
// paginateMetadataItemsById and buildCursorPage do: ids descending, after a cursor the smaller
// ids, before it the greater ones (fetched ascending, then shown descending).
func metaConnection(items []metaItem, filter map[string]any, p metaPaging) map[string]any {
	selected := slices.DeleteFunc(slices.Clone(items), func(it metaItem) bool { return !matchesMetaFilter(it.dto, filter) })
	id := func(it metaItem) string { return str(it.dto, "id") }
	window := slices.DeleteFunc(slices.Clone(selected), func(it metaItem) bool {
		switch {
		case p.afterID != "":
			return id(it) >= p.afterID
		case p.beforeID != "":
			return id(it) <= p.beforeID
		}
		return false
	})
	slices.SortFunc(window, func(a, b metaItem) int {
		if p.backward {
			return strings.Compare(id(a), id(b))
		}
		return strings.Compare(id(b), id(a))
	})
	more := len(window) > p.limit
	window = window[:min(len(window), p.limit)]
	if p.backward {
		slices.Reverse(window)
	}
	info := map[string]any{"hasNextPage": more, "hasPreviousPage": p.afterID != "", "startCursor": nil, "endCursor": nil}
	if p.backward {
		info["hasNextPage"], info["hasPreviousPage"] = p.beforeID != "", more
	}
	edges := make([]any, len(window))
	for i, it := range window {
		edges[i] = map[string]any{"node": it.node, "cursor": metaCursor(id(it))}
	}
	if len(window) > 0 {
		info["startCursor"], info["endCursor"] = metaCursor(id(window[0])), metaCursor(id(window[len(window)-1]))
	}
	return map[string]any{"edges": edges, "pageInfo": info, "totalCount": len(selected)}
}

// metaUUIDColumns are the filter fields compared as uuids (lowercased); the others are flags.
var metaUUIDColumns = map[string]bool{"id": true, "objectMetadataId": true}

// matchesMetaFilter reports whether dto passes an ObjectFilter or FieldFilter, as Twenty's
// applyMetadataFilterToItems decides: every member must hold, and of an or, one at least.
func matchesMetaFilter(dto, filter map[string]any) bool {
	for key, v := range filter {
		if v == nil {
			continue
		}
		subs, _ := v.([]any)
		switch key {
		case "and":
			for _, s := range subs {
				if sub, _ := s.(map[string]any); !matchesMetaFilter(dto, sub) {
					return false
				}
			}
		case "or":
			if len(subs) > 0 && !slices.ContainsFunc(subs, func(s any) bool {
				sub, _ := s.(map[string]any)
				return matchesMetaFilter(dto, sub)
			}) {
				return false
			}
		default:
			cmp, _ := v.(map[string]any)
			if !matchesMetaComparison(dto[key], cmp, metaUUIDColumns[key]) {
				return false
			}
		}
	}
	return true
}

// matchesMetaComparison applies the operators of one comparison to value (Twenty's
// matchesMetadataComparison, with uuids and their operands lowercased).
func matchesMetaComparison(value any, cmp map[string]any, uuid bool) bool {
	lower := func(v any) any {
		if s, ok := v.(string); ok && uuid {
			return strings.ToLower(s)
		}
		return v
	}
	value = lower(value)
	s, isString := value.(string)
	for op, operand := range cmp {
		if operand == nil && op != "is" && op != "isNot" {
			continue
		}
		operand = lower(operand)
		o, opString := operand.(string)
		ok := true
		switch op {
		case "eq":
			ok = value == operand
		case "neq":
			ok = value != operand
		case "gt":
			ok = isString && opString && s > o
		case "gte":
			ok = isString && opString && s >= o
		case "lt":
			ok = isString && opString && s < o
		case "lte":
			ok = isString && opString && s <= o
		case "like", "notLike", "iLike", "notILike":
			insensitive, negate := strings.HasPrefix(op, "i") || strings.HasPrefix(op, "notI"), strings.HasPrefix(op, "not")
			ok = isString && opString && matchesLike(s, o, insensitive) != negate
		case "in", "notIn":
			list, _ := operand.([]any)
			ok = slices.ContainsFunc(list, func(e any) bool { return lower(e) == value }) == (op == "in")
		case "is":
			ok = value == operand
		case "isNot":
			ok = value != operand
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchesLike reports whether s matches a SQL LIKE pattern (% any run, _ one character).
func matchesLike(s, pattern string, insensitive bool) bool {
	if insensitive {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	var b strings.Builder
	b.WriteString("^(?:")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}
