package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
)

// File statuses (migrations/0008_files.sql).
const (
	statusPending  = "PENDING"
	statusUploaded = "UPLOADED"
)

var errNotFound = errors.New("file not found")

// fileRow is a row of the files table.
type fileRow struct {
	ID, WorkspaceID, Folder, Name, Path, ObjectKey string
	Size                                           int64
	MimeType, Checksum, Status                     string
	FieldMetadataID, UserID, MemberID              string
	CreatedAt                                      time.Time
}

// store is the files table on D1 (SQLite in tests).
type store struct {
	db *d1.DB
}

const fileColumns = `id, workspace_id, folder, name, path, object_key, size, mime_type, checksum, status,
  coalesce(field_metadata_id, ''), coalesce(created_by_user_id, ''), coalesce(created_by_member_id, ''), created_at`

func scanFile(row interface{ Scan(...any) error }) (*fileRow, error) {
	var f fileRow
	var created string
	err := row.Scan(&f.ID, &f.WorkspaceID, &f.Folder, &f.Name, &f.Path, &f.ObjectKey, &f.Size, &f.MimeType,
		&f.Checksum, &f.Status, &f.FieldMetadataID, &f.UserID, &f.MemberID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, fmt.Errorf("scan file: %w", err)
	}
	f.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	return &f, nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insert adds a file row (pending or uploaded).
func (s *store) insert(ctx context.Context, f *fileRow) error {
	var uploadedAt any
	if f.Status == statusUploaded {
		uploadedAt = stamp(f.CreatedAt)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO files (id, workspace_id, folder, name, path, object_key, size, mime_type,
  checksum, status, field_metadata_id, created_by_user_id, created_by_member_id, created_at, uploaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.WorkspaceID, f.Folder, f.Name, f.Path, f.ObjectKey, f.Size, f.MimeType, f.Checksum, f.Status,
		nullable(f.FieldMetadataID), nullable(f.UserID), nullable(f.MemberID), stamp(f.CreatedAt), uploadedAt)
	if err != nil {
		return fmt.Errorf("insert file: %w", err)
	}
	return nil
}

// get answers a live file of a workspace by id.
func (s *store) get(ctx context.Context, workspaceID, id string) (*fileRow, error) {
	return scanFile(s.db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files
WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL`, workspaceID, id))
}

// byPath answers a live file of a workspace by its Twenty path.
func (s *store) byPath(ctx context.Context, workspaceID, path string) (*fileRow, error) {
	return scanFile(s.db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files
WHERE workspace_id = ? AND path = ? AND deleted_at IS NULL`, workspaceID, path))
}

// markUploaded completes a pending file with what R2 holds. It answers errNotFound when the file
// is no longer pending (completed twice, or swept).
func (s *store) markUploaded(ctx context.Context, workspaceID, id string, size int64, checksum string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE files SET status = 'UPLOADED', size = ?, checksum = ?, uploaded_at = ?
WHERE workspace_id = ? AND id = ? AND status = 'PENDING' AND deleted_at IS NULL`, size, checksum, stamp(now), workspaceID, id)
	if err != nil {
		return fmt.Errorf("complete file: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	return nil
}

// markDeleted marks a workspace's files deleted, by path or id (or all of them), and answers
// their object keys.
func (s *store) markDeleted(ctx context.Context, workspaceID string, paths []string, all bool, now time.Time) ([]deletedFile, error) {
	where := `workspace_id = ? AND deleted_at IS NULL`
	args := []any{stamp(now), workspaceID}
	if !all {
		if len(paths) == 0 {
			return nil, nil
		}
		if len(paths) > 40 {
			return nil, fmt.Errorf("mark deleted: %d paths, over 40 in one call", len(paths))
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(paths)), ",")
		where += ` AND (path IN (` + marks + `) OR id IN (` + marks + `))`
		for range 2 {
			for _, p := range paths {
				args = append(args, p)
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, `UPDATE files SET deleted_at = ? WHERE `+where+` RETURNING id, object_key, workspace_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("mark deleted: %w", err)
	}
	return scanDeleted(rows)
}

// deletedFile is a file whose object is to be removed.
type deletedFile struct{ ID, ObjectKey, WorkspaceID string }

func scanDeleted(rows *sql.Rows) ([]deletedFile, error) {
	defer rows.Close()
	var out []deletedFile
	for rows.Next() {
		var d deletedFile
		if err := rows.Scan(&d.ID, &d.ObjectKey, &d.WorkspaceID); err != nil {
			return nil, fmt.Errorf("scan deleted: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read deleted: %w", err)
	}
	return out, nil
}

// forget removes the rows of files whose objects are gone.
func (s *store) forget(ctx context.Context, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), 90)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", n), ",")
		if _, err := s.db.ExecContext(ctx, `DELETE FROM files WHERE id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("forget files: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// expire marks pending uploads created before a time deleted (their object, if any bytes came,
// goes with the sweep), at most limit of them, and answers how many.
func (s *store) expire(ctx context.Context, before, now time.Time, limit int64) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE files SET deleted_at = ? WHERE id IN (
  SELECT id FROM files WHERE status = 'PENDING' AND created_at < ? AND deleted_at IS NULL LIMIT ?)`,
		stamp(now), stamp(before), limit)
	if err != nil {
		return 0, fmt.Errorf("expire pending: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// deleted answers files marked deleted, oldest first, at most limit.
func (s *store) deleted(ctx context.Context, limit int64) ([]deletedFile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, object_key, workspace_id FROM files WHERE deleted_at IS NOT NULL
ORDER BY deleted_at LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list deleted: %w", err)
	}
	return scanDeleted(rows)
}
