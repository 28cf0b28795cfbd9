package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// maxCachedWorkspaces bounds the isolate's schema cache; past it the cache starts afresh.
const maxCachedWorkspaces = 512

// schemaCache keeps each workspace's parsed objects in the isolate while its metadata version
// stands, so a request reads one row (version and shard) instead of every object definition.
type schemaCache struct {
	mu   sync.Mutex
	byWS map[string]cachedSchema
}

type cachedSchema struct {
	version int64
	objects []metadata.Object
}

// workspaceState answers the workspace's objects and shard binding in one control query when the
// cached schema is current. A workspace that was never initialised has no objects and no shard.
func (s *server) workspaceState(ctx context.Context, workspaceID string) ([]metadata.Object, string, error) {
	var version int64
	var shard string
	err := s.control.QueryRowContext(ctx, `SELECT m.version, s.binding FROM workspace_metadata AS m
JOIN shard_map AS s ON s.workspace_id = m.workspace_id WHERE m.workspace_id = ?`, workspaceID).Scan(&version, &shard)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read state of %s: %w", workspaceID, err)
	}
	s.schemas.mu.Lock()
	cached, ok := s.schemas.byWS[workspaceID]
	s.schemas.mu.Unlock()
	if ok && cached.version == version {
		return cached.objects, shard, nil
	}
	objects, err := s.workspaceObjects(ctx, workspaceID)
	if err != nil {
		return nil, "", err
	}
	s.schemas.mu.Lock()
	if s.schemas.byWS == nil || len(s.schemas.byWS) >= maxCachedWorkspaces {
		s.schemas.byWS = map[string]cachedSchema{}
	}
	s.schemas.byWS[workspaceID] = cachedSchema{version: version, objects: objects}
	s.schemas.mu.Unlock()
	return objects, shard, nil
}
