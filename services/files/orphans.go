package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/kv"
)

// The orphan sweep finds objects in R2 that no file row names: bytes of a multipart upload whose
// row was never written, a presigned PUT to a key whose pending row expired before the bytes
// came, a delete whose row went but whose object stayed. Each SweepFiles call reads one page of
// the bucket, resuming where the last call stopped (the cursor is kept in KV), and removes the
// page's unnamed objects older than orphanAge: a younger one may belong to an upload in flight.

const (
	orphanAge       = 24 * time.Hour
	orphanPage      = 500
	sweepCursorKey  = "files:v1:sweep:cursor"
	orphanQueryKeys = 90 // object keys per D1 query (D1 takes 100 parameters)
)

// listedObject is an object of a bucket listing.
type listedObject struct {
	Key      string
	Uploaded time.Time
}

// objectPage is a page of a bucket listing; Cursor resumes it, "" when it was the last page.
type objectPage struct {
	Objects []listedObject
	Cursor  string
}

// isFileKey reports whether an object key is one the files Worker writes: "<workspace id>/<known
// folder>/…". Other keys (the dev routes' conformance objects) are not the sweep's.
func isFileKey(key string) bool {
	ws, rest, ok := strings.Cut(key, "/")
	seg, _, _ := strings.Cut(rest, "/")
	_, known := folderOfSegment(seg)
	return ok && ids.IsUUID(ws) && known
}

// sweepOrphans removes one page's orphans uploaded longer than age ago and answers how many.
func (s *server) sweepOrphans(ctx context.Context, age time.Duration) (int64, error) {
	cursor := ""
	if s.cache != nil {
		if b, err := s.cache.Get(ctx, sweepCursorKey); err == nil {
			cursor = string(b)
		} else if !errors.Is(err, kv.ErrNotFound) {
			return 0, fmt.Errorf("read the sweep cursor: %w", err)
		}
	}
	page, err := s.objects.List(ctx, cursor, orphanPage)
	if err != nil {
		return 0, fmt.Errorf("list objects: %w", err)
	}
	old := s.now().Add(-age)
	var candidates []string
	for _, o := range page.Objects {
		if isFileKey(o.Key) && o.Uploaded.Before(old) {
			candidates = append(candidates, o.Key)
		}
	}
	named, err := s.store.namedKeys(ctx, candidates)
	if err != nil {
		return 0, err
	}
	var removed int64
	for _, k := range candidates {
		if named[k] {
			continue
		}
		if err := s.objects.Delete(ctx, k); err != nil {
			return removed, fmt.Errorf("delete orphan %s: %w", k, err)
		}
		removed++
	}
	if s.cache != nil {
		if page.Cursor == "" {
			err = s.cache.Delete(ctx, sweepCursorKey)
		} else {
			err = s.cache.Put(ctx, sweepCursorKey, []byte(page.Cursor), 0)
		}
		if err != nil {
			return removed, fmt.Errorf("save the sweep cursor: %w", err)
		}
	}
	return removed, nil
}

// namedKeys answers which of keys a file row names (live, pending or marked deleted).
func (st *store) namedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	named := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), orphanQueryKeys)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		rows, err := st.db.QueryContext(ctx, `SELECT object_key FROM files WHERE object_key IN (`+strings.TrimSuffix(strings.Repeat("?,", n), ",")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("find named objects: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("find named objects: %w", err)
			}
			named[k] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("find named objects: %w", err)
		}
		keys = keys[n:]
	}
	return named, nil
}
