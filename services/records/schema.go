package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/shared/d1"
)

// A workspace's schema (its objects, metadata version and shard) is served from three places, the
// nearest first: the isolate's memory, KV (for isolates that have not seen the workspace yet), and
// the control database. Cached copies are never trusted blindly: the first batch a call sends to
// the shard opens with a guard on the workspace's schema stamp (ddl.GuardStamp), which every
// metadata change sets in the batch of its DDL and which fails the whole batch when it is not the
// cached version, and a call whose schema turns out stale, or that fails in a way a stale schema
// could explain, runs again once on the schema read from the control database. So a
// warm request reads no metadata from D1 and still sees a change made by another isolate.

// maxCachedWorkspaces bounds the isolate's schema cache; past it the cache starts afresh. A
// workspace's decoded schema holds some 140 KB of the Go heap (the standard objects, measured
// natively), so 128 of them stay near 18 MB: at the former 512, an isolate serving that many
// workspaces held 70 MB of schemas, past the runtime's 64 MiB soft limit (shared/js/glue.mjs),
// and would have collected garbage without end. A schema dropped here comes back from KV.
const maxCachedWorkspaces = 128

// schemaTTL bounds how long KV keeps a schema nobody reads.
const schemaTTL = 7 * 24 * time.Hour

// schemaKey is the KV key of a workspace's cached schema.
func schemaKey(workspaceID string) string { return "records/schema/v1/" + workspaceID }

// schema is a workspace's metadata at one version, and its shard's binding name.
type schema struct {
	Version int64             `json:"version"`
	Shard   string            `json:"shard"`
	Objects []metadata.Object `json:"objects"`
	// Permissions are the workspace's roles and who has which (permissionscope.go); nil in a
	// schema cached before they were.
	Permissions *permissions.Model `json:"permissions,omitempty"`

	scopes scopeCache // the roles' scopes, computed once per schema
}

// schemaCache keeps schemas in the isolate. The values they repeat are kept once (shared): fewer
// objects for each garbage collection to mark, and a collection pauses the whole isolate.
type schemaCache struct {
	mu     sync.Mutex
	byWS   map[string]*schema
	shared metadata.Shared
}

func (c *schemaCache) get(workspaceID string) *schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byWS[workspaceID]
}

func (c *schemaCache) put(workspaceID string, sc *schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byWS == nil || len(c.byWS) >= maxCachedWorkspaces {
		c.byWS = map[string]*schema{}
	}
	c.shared.Objects(sc.Objects)
	c.byWS[workspaceID] = sc
}

// forget drops a workspace's schema from the isolate, after this isolate changed it.
func (c *schemaCache) forget(workspaceID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byWS, workspaceID)
}

// schemaOf answers the workspace's schema, and whether it came from a cache (unverified) rather
// than from the control database. fresh skips the caches. A workspace that was never initialised
// has no objects and no shard, and is not cached.
func (s *server) schemaOf(ctx context.Context, workspaceID string, fresh bool) (sc *schema, cached bool, err error) {
	if !fresh {
		if sc := s.schemas.get(workspaceID); sc != nil {
			return sc, true, nil
		}
		if sc := s.schemaFromKV(ctx, workspaceID); sc != nil {
			s.schemas.put(workspaceID, sc)
			return sc, true, nil
		}
	}
	sc, err = s.schemaFromControl(ctx, workspaceID)
	if err != nil || sc.Shard == "" {
		return sc, false, err
	}
	s.schemas.put(workspaceID, sc)
	if s.cache != nil {
		if b, err := json.Marshal(sc); err == nil {
			if err := s.cache.Put(ctx, schemaKey(workspaceID), b, schemaTTL); err != nil {
				slog.WarnContext(ctx, "schema not cached in KV", "workspace_id", workspaceID, "error", err.Error())
			}
		}
	}
	return sc, false, nil
}

// schemaFromKV reads the workspace's schema from KV, nil if absent or unreadable.
func (s *server) schemaFromKV(ctx context.Context, workspaceID string) *schema {
	if s.cache == nil {
		return nil
	}
	b, err := s.cache.Get(ctx, schemaKey(workspaceID))
	if err != nil {
		return nil
	}
	sc := &schema{}
	if err := json.Unmarshal(b, sc); err != nil || sc.Shard == "" {
		return nil
	}
	return sc
}

// schemaFromControl reads the workspace's version, shard and objects in one control batch.
func (s *server) schemaFromControl(ctx context.Context, workspaceID string) (*schema, error) {
	res, err := s.control.Batch(ctx, append([]d1.Stmt{
		{SQL: `SELECT m.version, s.binding FROM workspace_metadata AS m
JOIN shard_map AS s ON s.workspace_id = m.workspace_id WHERE m.workspace_id = ?`, Args: []any{workspaceID}},
		{SQL: `SELECT definition FROM object_metadata WHERE workspace_id = ? ORDER BY name_singular`, Args: []any{workspaceID}},
	}, permissionReads(workspaceID)...)...) // permissionscope.go
	if err != nil {
		return nil, fmt.Errorf("read schema of %s: %w", workspaceID, err)
	}
	sc := &schema{}
	if len(res[0].Rows) == 0 {
		return sc, nil
	}
	row := res[0].Rows[0]
	version, ok1 := row[0].(int64)
	shard, ok2 := row[1].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("read schema of %s: version %T, shard %T", workspaceID, row[0], row[1])
	}
	sc.Version, sc.Shard = version, shard
	for _, r := range res[1].Rows {
		def, _ := r[0].(string)
		var o metadata.Object
		if err := json.Unmarshal([]byte(def), &o); err != nil {
			return nil, fmt.Errorf("decode an object of %s: %w", workspaceID, err)
		}
		sc.Objects = append(sc.Objects, o)
	}
	if sc.Permissions, err = readPermissions(res[2:]); err != nil {
		return nil, fmt.Errorf("read the permissions of %s: %w", workspaceID, err)
	}
	return sc, nil
}

// workspaceState answers the workspace's objects and shard binding, from the caches when they
// have it (unverified: for reads that do not depend on the latest change).
func (s *server) workspaceState(ctx context.Context, workspaceID string) ([]metadata.Object, string, error) {
	sc, _, err := s.schemaOf(ctx, workspaceID, false)
	if err != nil {
		return nil, "", err
	}
	return sc.Objects, sc.Shard, nil
}

// errStaleSchema reports a cached schema older than the shard's stamp.
var errStaleSchema = errors.New("records: cached schema is stale")

// stampedShard is the shard as the engine sees it during one call: its first batch opens with the
// workspace's schema stamp guard (ddl.GuardStamp), which fails that whole batch when the stamp is
// not the version the call's schema has, writes included; the call then fails with
// errStaleSchema, every later batch of it too, so that it has written nothing and can run again.
// A GraphQL request runs its root fields concurrently, hence the lock: they wait for the check.
type stampedShard struct {
	db    *d1.DB
	guard d1.Stmt

	mu      sync.Mutex
	checked bool
	stale   error
}

func newStampedShard(db *d1.DB, workspaceID string, version int64) (*stampedShard, error) {
	guard, err := ddl.GuardStamp(workspaceID, version)
	if err != nil {
		return nil, err
	}
	return &stampedShard{db: db, guard: guard}, nil
}

// Batch implements engine.Batcher.
func (b *stampedShard) Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error) {
	b.mu.Lock()
	if b.checked {
		stale := b.stale
		b.mu.Unlock()
		if stale != nil {
			return nil, stale
		}
		return b.db.Batch(ctx, stmts...)
	}
	defer b.mu.Unlock()
	res, err := b.db.Batch(ctx, append([]d1.Stmt{b.guard}, stmts...)...)
	if ddl.IsStaleStamp(err) {
		b.checked = true
		b.stale = fmt.Errorf("%w: %w", errStaleSchema, err)
		return nil, b.stale
	}
	if err != nil {
		return nil, err
	}
	b.checked = true
	return res[1:], nil
}

// isStale reports whether the call found its schema stale.
func (b *stampedShard) isStale() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stale != nil
}

var _ engine.Batcher = (*stampedShard)(nil)

// forgetSchema drops the workspace's schema from this isolate and from KV, after a change.
func (s *server) forgetSchema(ctx context.Context, workspaceID string) {
	s.schemas.forget(workspaceID)
	if s.cache != nil {
		if err := s.cache.Delete(ctx, schemaKey(workspaceID)); err != nil {
			slog.WarnContext(ctx, "stale schema left in KV (the shard stamp catches it)", "workspace_id", workspaceID, "error", err.Error())
		}
	}
}
