package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/navigation"
	"github.com/twentyworkers/twenty/services/records/internal/views"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file reads and writes a workspace's metadata. Reads answer from the control database;
// changes are DDL on the workspace's shard and the objects' definitions in the control database
// with a new metadata version, which refreshes every isolate's cached schema (the records
// Worker's schema.go).
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
// call answers Stale after undoing its DDL.

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

// load reads the workspace's metadata version, shard and objects in one round trip.
func (s *Store) load(ctx context.Context, workspaceID string) (*metaState, error) {
	res, err := s.Control.Batch(ctx,
		d1.Stmt{SQL: `SELECT m.version AS version, s.binding AS binding FROM workspace_metadata AS m
JOIN shard_map AS s ON s.workspace_id = m.workspace_id WHERE m.workspace_id = ?`, Args: []any{workspaceID}},
		d1.Stmt{SQL: `SELECT id, definition, created_at, updated_at FROM object_metadata WHERE workspace_id = ?`, Args: []any{workspaceID}},
	)
	if err != nil {
		return nil, fmt.Errorf("read metadata of %s: %w", workspaceID, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, &Error{Kind: NoDataModel, Message: "The workspace has no data model yet"}
	}
	version, _ := res[0].Rows[0][0].(int64)
	binding, _ := res[0].Rows[0][1].(string)
	shard, ok := s.Shards[binding]
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
	// views are the statements on the objects' views (views package) that go with the change.
	views []d1.Stmt
}

// commit writes c and bumps the metadata version in one control batch, which fails if the version
// is no longer the one st was read at. On failure it also answers the version the control
// database holds (st.version if it cannot tell).
func (s *Store) commit(ctx context.Context, st *metaState, c change) (int64, error) {
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
	stmts = append(stmts, c.views...)
	stmts = append(stmts, d1.Stmt{SQL: `UPDATE workspace_metadata SET version = version + 1 WHERE workspace_id = ?`, Args: []any{st.workspaceID}})
	if _, err := s.Control.Batch(ctx, stmts...); err != nil {
		now := st.version
		if qerr := s.Control.QueryRowContext(ctx, `SELECT version FROM workspace_metadata WHERE workspace_id = ?`, st.workspaceID).Scan(&now); qerr == nil && now != st.version {
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
func (s *Store) apply(ctx context.Context, st *metaState, ddlStmts, undo []d1.Stmt, c change) error {
	stamp, err := ddl.SetStamp(st.workspaceID, st.version+1)
	if err != nil {
		return err
	}
	if _, err := st.shard.Batch(ctx, append(slices.Clone(ddlStmts), stamp)...); err != nil {
		if strings.Contains(err.Error(), "constraint failed") {
			return invalid("The records do not allow this change: %s", err.Error())
		}
		return fmt.Errorf("change the tables of %s: %w", st.workspaceID, err)
	}
	if s.Changed != nil {
		defer s.Changed(ctx, st.workspaceID)
	}
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

// nowStamp is the current time as metadata timestamps are written.
func nowStamp() string {
	return time.Now().UTC().Format(metadata.DateTimeLayout)
}

// metadataID checks an id of the metadata API's paths: Twenty's ParseUUIDPipe answers 400
// "Validation failed (uuid is expected)". Ids are compared in lower case.
func metadataID(id string) (string, error) {
	if !ids.IsUUID(id) {
		return "", invalid("Validation failed (uuid is expected)")
	}
	return strings.ToLower(id), nil
}

// withIDs gives every object and field of a new workspace's schema a fresh id, and ties each field
// to its object.
func withIDs(objects []metadata.Object) []metadata.Object {
	out := make([]metadata.Object, len(objects))
	for i, o := range objects {
		o.ID = ids.NewUUID()
		fields := make([]metadata.Field, len(o.Fields))
		for j, f := range o.Fields {
			f.ID, f.ObjectMetadataID = ids.NewUUID(), o.ID
			fields[j] = f
		}
		o.Fields = fields
		out[i] = o
	}
	return out
}

// Init stores the standard objects' metadata of a workspace that has none, with version 1,
// in one batch, and answers the workspace's metadata version.
func (s *Store) Init(ctx context.Context, workspaceID string) (int64, error) {
	var n int
	var version sql.NullInt64
	if err := s.Control.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM object_metadata WHERE workspace_id = ?),
(SELECT version FROM workspace_metadata WHERE workspace_id = ?)`, workspaceID, workspaceID).Scan(&n, &version); err != nil {
		return 0, fmt.Errorf("read metadata of %s: %w", workspaceID, err)
	}
	if n > 0 && version.Valid {
		return version.Int64, nil
	}
	objects := withIDs(metadata.StandardObjects())
	stmts := make([]d1.Stmt, 0, len(objects)+1)
	for _, o := range objects {
		def, err := json.Marshal(o)
		if err != nil {
			return 0, fmt.Errorf("encode object %s: %w", o.NameSingular, err)
		}
		stmts = append(stmts, d1.Stmt{
			SQL:  `INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition) VALUES (?, ?, ?, ?, ?)`,
			Args: []any{o.ID, workspaceID, o.NameSingular, o.NamePlural, string(def)},
		})
	}
	stmts = append(stmts, views.IndexViewStatements(workspaceID, objects)...) // Twenty's "All" views
	stmts = append(stmts, navigation.DefaultStatements(workspaceID)...)       // Twenty's standard navigation menu items
	stmts = append(stmts, d1.Stmt{
		SQL:  `INSERT INTO workspace_metadata (workspace_id, version) VALUES (?, 1) ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1`,
		Args: []any{workspaceID},
	})
	res, err := s.Control.Batch(ctx, append(stmts, d1.Stmt{SQL: `SELECT version FROM workspace_metadata WHERE workspace_id = ?`, Args: []any{workspaceID}})...)
	if err != nil {
		return 0, fmt.Errorf("store metadata of %s: %w", workspaceID, err)
	}
	v, ok := res[len(res)-1].Rows[0][0].(int64)
	if !ok {
		return 0, fmt.Errorf("store metadata of %s: version is %T", workspaceID, res[len(res)-1].Rows[0][0])
	}
	return v, nil
}
