package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file is the Metadata RPC: Twenty's metadata API on objects and fields, shared by REST
// /rest/metadata and GraphQL /metadata. Reads answer from the control database; changes are DDL on
// the workspace's shard and the objects' definitions in the control database with a new metadata
// version, which refreshes every isolate's cached schema (schema.go).
//
// # Two databases, no transaction across them
//
// D1 cannot span the shard and the control database, so every change runs two atomic batches in
// this order: the DDL on the shard first, with the workspace's schema stamp set to the new version
// (see schema.go), then the metadata rows and the version bump on the control database. When the
// control batch fails, the DDL is undone by its inverse (drop what was created, re-create what was
// dropped, empty) and the stamp set back before answering the error. Should the undo fail too,
// the shard is ahead of the metadata (record calls fail on the stamp until the next change), and
// the next call on the same names repairs it:
//   - a create finds its table or columns already there without metadata (nothing can refer to
//     them, as no metadata ever described them) and drops them first, in the same batch;
//   - a delete finds its table or columns already gone and only writes the metadata.
//
// Concurrent changes to one workspace's metadata are serialised by the version: the control batch
// first checks that the version is the one the call read, failing the batch otherwise, and the
// call answers Aborted after undoing its DDL.

// metadataMaxLimit is the default and largest page of the metadata API's lists (Twenty's
// open-api/utils/parameters.utils.ts documents 1000 for the metadata REST API).
const metadataMaxLimit = 1000

// storedObject is an object as object_metadata keeps it: the definition JSON holds the
// metadata.Object and, under "API", what only the metadata API shows; the row's timestamps are
// carried beside.
type storedObject struct {
	metadata.Object
	API *metadata.ObjectInfo `json:",omitempty"`

	createdAt, updatedAt string
}

// info is what the metadata API shows of the object beyond metadata.Object.
func (o storedObject) info() metadata.ObjectInfo {
	var i metadata.ObjectInfo
	if o.API != nil {
		i = *o.API
	}
	i.CreatedAt, i.UpdatedAt = o.createdAt, o.updatedAt
	return i
}

// clone returns o with its own fields slice and info, so that changing them leaves o as it is.
func (o storedObject) clone() storedObject {
	o.Fields = slices.Clone(o.Fields)
	info := o.info()
	info.Fields = make(map[string]metadata.FieldInfo, len(info.Fields))
	if o.API != nil {
		for k, v := range o.API.Fields {
			info.Fields[k] = v
		}
	}
	o.API = &info
	return o
}

// setFieldInfo records that field id was created (created) or changed now, and whether its name
// follows its label. A field changed for the first time was created with its object.
func (o *storedObject) setFieldInfo(id string, synced bool, now string, created bool) {
	if o.API == nil {
		o.API = &metadata.ObjectInfo{}
	}
	if o.API.Fields == nil {
		o.API.Fields = map[string]metadata.FieldInfo{}
	}
	fi := o.API.Fields[id]
	switch {
	case created || o.createdAt == "":
		fi.CreatedAt = now
	case fi.CreatedAt == "":
		fi.CreatedAt = o.createdAt
	}
	fi.UpdatedAt, fi.IsLabelSyncedWithName = now, synced
	o.API.Fields[id] = fi
}

// metaState is a workspace's metadata as one call read it.
type metaState struct {
	workspaceID string
	version     int64
	shard       *d1.DB
	objects     []storedObject
}

// schema returns the workspace's objects.
func (st *metaState) schema() []metadata.Object {
	out := make([]metadata.Object, len(st.objects))
	for i, o := range st.objects {
		out[i] = o.Object
	}
	return out
}

// object returns the index of the object with id, or -1.
func (st *metaState) object(id string) int {
	return slices.IndexFunc(st.objects, func(o storedObject) bool { return o.ID == id })
}

// objectNamed returns the index of the object named nameSingular, or -1.
func (st *metaState) objectNamed(nameSingular string) int {
	return slices.IndexFunc(st.objects, func(o storedObject) bool { return o.NameSingular == nameSingular })
}

// loadMeta reads the workspace's metadata version, shard and objects in one round trip.
func (s *server) loadMeta(ctx context.Context, workspaceID string) (*metaState, error) {
	res, err := s.control.Batch(ctx,
		d1.Stmt{SQL: `SELECT m.version AS version, s.binding AS binding FROM workspace_metadata AS m
JOIN shard_map AS s ON s.workspace_id = m.workspace_id WHERE m.workspace_id = ?`, Args: []any{workspaceID}},
		d1.Stmt{SQL: `SELECT id, definition, created_at, updated_at FROM object_metadata WHERE workspace_id = ?`, Args: []any{workspaceID}},
	)
	if err != nil {
		return nil, fmt.Errorf("read metadata of %s: %w", workspaceID, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, connect.NewError(connect.CodeFailedPrecondition, errors.New("The workspace has no data model yet"))
	}
	version, _ := res[0].Rows[0][0].(int64)
	binding, _ := res[0].Rows[0][1].(string)
	shard, ok := s.shards[binding]
	if !ok {
		return nil, fmt.Errorf("no binding for shard %s of workspace %s", binding, workspaceID)
	}
	st := &metaState{workspaceID: workspaceID, version: version, shard: shard}
	for _, row := range res[1].Rows {
		def, _ := row[1].(string)
		var o storedObject
		if err := json.Unmarshal([]byte(def), &o); err != nil {
			return nil, fmt.Errorf("decode object %v of %s: %w", row[0], workspaceID, err)
		}
		o.createdAt, _ = row[2].(string)
		o.updatedAt, _ = row[3].(string)
		st.objects = append(st.objects, o)
	}
	return st, nil
}

// change is what one metadata operation writes to the control database.
type change struct {
	// put are the new and changed objects.
	put []storedObject
	// touched are the ids of the objects whose updatedAt moves (the object the call updated).
	touched []string
	// deleted are the ids of the deleted objects.
	deleted []string
}

// errStale reports that another call changed the workspace's metadata in the meantime.
var errStale = connect.NewError(connect.CodeAborted, errors.New("The data model of this workspace changed while this request ran; try again"))

// commit writes c and bumps the metadata version in one control batch, which fails if the version
// is no longer the one st was read at. On failure it also answers the version the control
// database holds (st.version if it cannot tell).
func (s *server) commit(ctx context.Context, st *metaState, c change) (int64, error) {
	stmts := []d1.Stmt{{
		// json() of a non-JSON text raises an error, which fails the whole batch.
		SQL:  `SELECT CASE WHEN version = ? THEN 1 ELSE json('stale metadata version') END AS current FROM workspace_metadata WHERE workspace_id = ?`,
		Args: []any{st.version, st.workspaceID},
	}}
	for _, o := range c.put {
		def, err := json.Marshal(o)
		if err != nil {
			return st.version, fmt.Errorf("encode object %s: %w", o.NameSingular, err)
		}
		if st.object(o.ID) < 0 {
			stmts = append(stmts, d1.Stmt{
				SQL:  `INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				Args: []any{o.ID, st.workspaceID, o.NameSingular, o.NamePlural, string(def), o.createdAt, o.updatedAt},
			})
			continue
		}
		touch := 0
		if slices.Contains(c.touched, o.ID) {
			touch = 1
		}
		stmts = append(stmts, d1.Stmt{
			SQL: `UPDATE object_metadata SET name_singular = ?, name_plural = ?, definition = ?,
updated_at = CASE WHEN ? THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE updated_at END WHERE id = ? AND workspace_id = ?`,
			Args: []any{o.NameSingular, o.NamePlural, string(def), touch, o.ID, st.workspaceID},
		})
	}
	for _, id := range c.deleted {
		stmts = append(stmts, d1.Stmt{SQL: `DELETE FROM object_metadata WHERE id = ? AND workspace_id = ?`, Args: []any{id, st.workspaceID}})
	}
	stmts = append(stmts, d1.Stmt{SQL: `UPDATE workspace_metadata SET version = version + 1 WHERE workspace_id = ?`, Args: []any{st.workspaceID}})
	if _, err := s.control.Batch(ctx, stmts...); err != nil {
		now := st.version
		if qerr := s.control.QueryRowContext(ctx, `SELECT version FROM workspace_metadata WHERE workspace_id = ?`, st.workspaceID).Scan(&now); qerr == nil && now != st.version {
			return now, errStale
		}
		return now, fmt.Errorf("store metadata of %s: %w", st.workspaceID, err)
	}
	return st.version + 1, nil
}

// apply runs a change: the DDL on the shard, in the batch that sets the workspace's schema stamp
// to the new version (schema.go), then the metadata; if the metadata cannot be written, the DDL is
// undone and the stamp set back to the version the control database holds (see the file
// comment). This isolate's cached schema is dropped; the others notice the stamp.
func (s *server) apply(ctx context.Context, st *metaState, ddlStmts, undo []d1.Stmt, c change) error {
	stamp, err := ddl.SetStamp(st.workspaceID, st.version+1)
	if err != nil {
		return err
	}
	if _, err := st.shard.Batch(ctx, append(slices.Clone(ddlStmts), stamp)...); err != nil {
		if strings.Contains(err.Error(), "constraint failed") {
			return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("The records do not allow this change: %s", err.Error()))
		}
		return fmt.Errorf("change the tables of %s: %w", st.workspaceID, err)
	}
	defer s.forgetSchema(ctx, st.workspaceID)
	version, err := s.commit(ctx, st, c)
	if err != nil {
		back, serr := ddl.SetStamp(st.workspaceID, version)
		if serr != nil {
			return errors.Join(err, serr)
		}
		if _, uerr := st.shard.Batch(ctx, append(slices.Clone(undo), back)...); uerr != nil {
			slog.ErrorContext(ctx, "metadata not stored and its DDL not undone: the next change on these names repairs it",
				"workspace", st.workspaceID, "error", err.Error(), "undo_error", uerr.Error())
		}
		return err
	}
	return nil
}

// forgetSchema drops the workspace's schema from this isolate and from KV, after a change.
func (s *server) forgetSchema(ctx context.Context, workspaceID string) {
	s.schemas.forget(workspaceID)
	if s.cache != nil {
		if err := s.cache.Delete(ctx, schemaKey(workspaceID)); err != nil {
			slog.WarnContext(ctx, "stale schema left in KV (the shard stamp catches it)", "workspace_id", workspaceID, "error", err.Error())
		}
	}
}

// tableColumns reads the columns of a workspace table from its CREATE statement in sqlite_master
// (lower-cased, as SQLite compares them), and whether the table exists. ALTER TABLE keeps that
// statement up to date; ddl always quotes column names.
func tableColumns(ctx context.Context, shard *d1.DB, table string) (map[string]bool, bool, error) {
	res, err := shard.Batch(ctx, d1.Stmt{SQL: `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, Args: []any{table}})
	if err != nil {
		return nil, false, fmt.Errorf("read table %s: %w", table, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, false, nil
	}
	def, _ := res[0].Rows[0][0].(string)
	return columnsOf(def), true, nil
}

// columnsOf returns the names of the columns a CREATE TABLE statement defines: the quoted
// identifier opening each top-level definition inside its parentheses.
func columnsOf(create string) map[string]bool {
	cols := map[string]bool{}
	depth, start := 0, -1
	var quote byte
	for i := 0; i < len(create); i++ {
		c := create[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'', '`':
			if depth == 1 && start >= 0 && strings.TrimSpace(create[start:i]) == "" && c == '"' {
				end := strings.IndexByte(create[i+1:], '"')
				if end >= 0 {
					cols[strings.ToLower(create[i+1:i+1+end])] = true
				}
			}
			quote = c
		case '(':
			depth++
			if depth == 1 {
				start = i + 1
			}
		case ')':
			depth--
		case ',':
			if depth == 1 {
				start = i + 1
			}
		default:
			if depth == 1 && start >= 0 && c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				start = -1 // the definition did not open with a quoted name
			}
		}
	}
	return cols
}

// nowStamp is the current time as metadata timestamps are written.
func nowStamp() string {
	return time.Now().UTC().Format(metadata.DateTimeLayout)
}

// badRequest is an InvalidArgument (REST 400) with message.
func badRequest(format string, args ...any) error {
	return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf(format, args...))
}

// notFound is a NotFound (REST 404) with message.
func notFound(format string, args ...any) error {
	return connect.NewError(connect.CodeNotFound, fmt.Errorf(format, args...))
}

// metadataError answers what the metadata and ddl packages refuse as a 400 with their message;
// other errors stay as they are.
func metadataError(err error) error {
	if err == nil {
		return nil
	}
	if ce := new(connect.Error); errors.As(err, &ce) {
		return err
	}
	var ie *metadata.InputError
	if errors.As(err, &ie) {
		return connect.NewError(connect.CodeInvalidArgument, errors.New(ie.Message))
	}
	for _, known := range []error{
		metadata.ErrInvalidName, metadata.ErrReservedName, metadata.ErrDuplicateName, metadata.ErrTooManyColumns,
		metadata.ErrInvalidField, metadata.ErrInvalidObject, metadata.ErrInvalidRelation,
		ddl.ErrUnsupported, ddl.ErrStatementTooLarge, ddl.ErrUnknownField,
	} {
		if errors.Is(err, known) {
			return connect.NewError(connect.CodeInvalidArgument, err)
		}
	}
	return err
}

// metadataID checks an id of the metadata API's paths: Twenty's ParseUUIDPipe answers 400
// "Validation failed (uuid is expected)". Ids are compared in lower case.
func metadataID(id string) (string, error) {
	if !ids.IsUUID(id) {
		return "", badRequest("Validation failed (uuid is expected)")
	}
	return strings.ToLower(id), nil
}

// metaPage is the paging of a metadata list.
type metaPage struct {
	limit         int
	after, before string
}

// metadataPage reads the paging of a list with Twenty's messages
// (api/rest/metadata/utils/parse-metadata-rest-pagination.util.ts): cursors are plain ids.
func metadataPage(req *recordsv1.MetadataRequest) (metaPage, error) {
	p := metaPage{limit: int(req.GetLimit()), after: req.GetStartingAfter(), before: req.GetEndingBefore()}
	if p.after != "" && p.before != "" {
		return metaPage{}, badRequest("'starting_after' and 'ending_before' cannot be used together.")
	}
	for _, c := range []*string{&p.after, &p.before} {
		if *c != "" && !ids.IsUUID(*c) {
			return metaPage{}, badRequest("Invalid cursor: %s", *c)
		}
		*c = strings.ToLower(*c)
	}
	if p.limit < 0 {
		return metaPage{}, badRequest("limit '%d' is invalid. Should be an integer", p.limit)
	}
	if p.limit == 0 || p.limit > metadataMaxLimit {
		p.limit = metadataMaxLimit
	}
	return p, nil
}

// pageByID returns one page of items in Twenty's metadata order, ids descending
// (metadata-modules/pagination/utils/paginate-metadata-query-builder.util.ts): after a cursor the
// smaller ids, before it the greater ones, with Twenty's pageInfo (build-cursor-page.util.ts).
func pageByID[T any](items []T, id func(T) string, p metaPage) ([]T, *recordsv1.PageInfo) {
	sorted := slices.Clone(items)
	backward := p.before != ""
	slices.SortFunc(sorted, func(a, b T) int {
		if backward {
			return strings.Compare(id(a), id(b))
		}
		return strings.Compare(id(b), id(a))
	})
	var window []T
	for _, it := range sorted {
		switch {
		case p.after != "" && id(it) >= p.after:
			continue
		case backward && id(it) <= p.before:
			continue
		}
		window = append(window, it)
		if len(window) > p.limit {
			break
		}
	}
	more := len(window) > p.limit
	if more {
		window = window[:p.limit]
	}
	info := &recordsv1.PageInfo{HasNextPage: more, HasPreviousPage: p.after != ""}
	if backward {
		slices.Reverse(window)
		info.HasNextPage, info.HasPreviousPage = true, more
	}
	if len(window) > 0 {
		info.StartCursor, info.EndCursor = id(window[0]), id(window[len(window)-1])
	}
	return window, info
}

// Metadata implements recordsv1connect.RecordsServiceHandler: find_many, find_one, create_one,
// update_one and delete_one on the objects or fields of the workspace the gateway took from a
// verified token.
func (s *server) Metadata(ctx context.Context, req *recordsv1.MetadataRequest) (*recordsv1.MetadataResponse, error) {
	if err := workspaceFor(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	var op func(context.Context, *metaState, *recordsv1.MetadataRequest) (*recordsv1.MetadataResponse, error)
	switch req.GetKind() + "." + req.GetOperation() {
	case "objects.find_many":
		op = listObjects
	case "objects.find_one":
		op = getObject
	case "objects.create_one":
		op = s.createObject
	case "objects.update_one":
		op = s.updateObject
	case "objects.delete_one":
		op = s.deleteObject
	case "fields.find_many":
		op = listFields
	case "fields.find_one":
		op = getField
	case "fields.create_one":
		op = s.createField
	case "fields.update_one":
		op = s.updateField
	case "fields.delete_one":
		op = s.deleteField
	default:
		return nil, badRequest("unknown metadata operation %q on %q", req.GetOperation(), req.GetKind())
	}
	st, err := s.loadMeta(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	res, err := op(ctx, st, req)
	if err != nil {
		return nil, metadataError(err)
	}
	return res, nil
}

// result answers v as the result JSON.
func result(v any) (*recordsv1.MetadataResponse, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	return &recordsv1.MetadataResponse{ResultJson: b}, nil
}
