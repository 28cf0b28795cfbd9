package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/kv"
)

// Downloads find their file's metadata in KV before D1 (PRD §4.3 step 5): an uploaded file's row
// never changes until it is deleted, so it is cached under its id and its path for an hour. KV is
// read near the client where D1 answers from one region. Deleting a file drops both keys; another
// location may still serve its cached row for up to KV's 60 seconds of propagation, and then
// finds no object in R2 (a 404).
const metadataTTL = time.Hour

func idKey(workspaceID, id string) string     { return "files:v1:" + workspaceID + ":id:" + id }
func pathKey(workspaceID, path string) string { return "files:v1:" + workspaceID + ":path:" + path }

// cachedFile is a file row as KV holds it.
type cachedFile struct {
	ID, Folder, Name, Path, ObjectKey, MimeType string
	Size                                        int64
	CreatedAt                                   time.Time
}

// lookup answers an uploaded file by id (byPath false) or path, from KV when it holds it, else
// from D1 (and then caches it). Pending files are not cached: their row is about to change.
func (s *server) lookup(ctx context.Context, workspaceID, key string, byPath bool) (*fileRow, error) {
	ck := idKey(workspaceID, key)
	if byPath {
		ck = pathKey(workspaceID, key)
	}
	if s.cache != nil {
		if b, err := s.cache.Get(ctx, ck); err == nil {
			var c cachedFile
			if json.Unmarshal(b, &c) == nil && c.ID != "" {
				return &fileRow{ID: c.ID, WorkspaceID: workspaceID, Folder: c.Folder, Name: c.Name, Path: c.Path, ObjectKey: c.ObjectKey,
					Size: c.Size, MimeType: c.MimeType, Status: statusUploaded, CreatedAt: c.CreatedAt}, nil
			}
		} else if !errors.Is(err, kv.ErrNotFound) {
			slog.WarnContext(ctx, "file metadata cache read failed", "error", err.Error())
		}
	}
	var f *fileRow
	var err error
	if byPath {
		f, err = s.store.byPath(ctx, workspaceID, key)
	} else {
		f, err = s.store.get(ctx, workspaceID, key)
	}
	if err == nil && f.Status == statusUploaded {
		s.remember(ctx, f)
	}
	return f, err
}

// remember caches an uploaded file under its id and its path. A failure only costs a D1 read.
func (s *server) remember(ctx context.Context, f *fileRow) {
	if s.cache == nil {
		return
	}
	b, _ := json.Marshal(cachedFile{ID: f.ID, Folder: f.Folder, Name: f.Name, Path: f.Path, ObjectKey: f.ObjectKey, MimeType: f.MimeType, Size: f.Size, CreatedAt: f.CreatedAt})
	for _, k := range []string{idKey(f.WorkspaceID, f.ID), pathKey(f.WorkspaceID, f.Path)} {
		if err := s.cache.Put(ctx, k, b, metadataTTL); err != nil {
			slog.WarnContext(ctx, "file metadata cache write failed", "error", err.Error())
			return
		}
	}
}

// forgetCached drops deleted files' cached rows.
func (s *server) forgetCached(ctx context.Context, files []deletedFile) {
	if s.cache == nil {
		return
	}
	for _, f := range files {
		// The object key is "<workspace>/<path>".
		path := strings.TrimPrefix(f.ObjectKey, f.WorkspaceID+"/")
		for _, k := range []string{idKey(f.WorkspaceID, f.ID), pathKey(f.WorkspaceID, path)} {
			if err := s.cache.Delete(ctx, k); err != nil {
				slog.WarnContext(ctx, "file metadata cache delete failed", "error", err.Error())
			}
		}
	}
}
