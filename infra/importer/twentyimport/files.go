package twentyimport

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// FilesBucket is the bucket of the files Worker's FILES_BUCKET binding.
const FilesBucket = "twenty-files"

// FileRow is a core.file row of a workspace.
type FileRow struct {
	ID, Path, MimeType, Status, CreatedAt string
	Size                                  int64
	DeletedAt                             *string
}

// Files lists the workspace's files; ok is false when the database has no core.file (Twenty
// before 1.x kept file paths only in the records).
func (s *Source) Files(ctx context.Context, workspaceID string) (rows []FileRow, ok bool, err error) {
	cols, err := s.TableColumns(ctx, "core", "file")
	if err != nil || cols == nil {
		return nil, false, err
	}
	status := `'UPLOADED'`
	if _, has := cols["status"]; has {
		status = `status::text`
	}
	r, err := s.conn.Query(ctx, `SELECT id::text, path, "mimeType", `+status+`, `+tsExpr(`"createdAt"`)+`, size, `+tsExpr(`"deletedAt"`)+`
FROM core."file" WHERE "workspaceId" = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, true, fmt.Errorf("read files of %s: %w", workspaceID, err)
	}
	rows, err = pgx.CollectRows(r, func(r pgx.CollectableRow) (FileRow, error) {
		var f FileRow
		return f, r.Scan(&f.ID, &f.Path, &f.MimeType, &f.Status, &f.CreatedAt, &f.Size, &f.DeletedAt)
	})
	return rows, true, err
}

// locateFile finds a file's bytes in Twenty's local storage folder: under
// <workspace>/<application>/<path> (Twenty 1.x and later), else workspace-<workspace>/<path> or
// <workspace>/<path> (older layouts).
func locateFile(storage, workspaceID, path string) (string, error) {
	rel := filepath.FromSlash(path)
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("path %q leaves the storage folder", path)
	}
	candidates, _ := filepath.Glob(filepath.Join(storage, workspaceID, "*", rel))
	candidates = append(candidates, filepath.Join(storage, "workspace-"+workspaceID, rel), filepath.Join(storage, workspaceID, rel))
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", fmt.Errorf("no bytes for %s in %s: %w", path, storage, fs.ErrNotExist)
}

// ObjectWriter puts an object into the files bucket.
type ObjectWriter interface {
	Put(ctx context.Context, key, file, contentType string) error
}

// WranglerR2 puts objects into the local stack's R2 with `wrangler r2 object put --local`, the
// way the stack's own state is written (miniflare's R2 keeps its own metadata beside the blobs).
type WranglerR2 struct {
	// Root is the repository root (node_modules, services/files/wrangler.jsonc); State the state folder.
	Root, State string
	// Flags replace "--local --persist-to <State>", e.g. "--remote" for a deployed environment.
	Flags []string
}

// Put implements ObjectWriter.
func (w WranglerR2) Put(ctx context.Context, key, file, contentType string) error {
	flags := w.Flags
	if flags == nil {
		flags = []string{"--local", "--persist-to", w.State}
	}
	args := append([]string{"r2", "object", "put", FilesBucket + "/" + key, "--file", file, "--content-type", contentType}, flags...)
	if !slices.Contains(flags, "--remote") {
		args = append(args, "-c", "services/files/wrangler.jsonc")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(w.Root, "node_modules", ".bin", "wrangler"), args...)
	cmd.Dir = w.Root
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(w.Root, "node_modules", ".bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CI=true", "WRANGLER_SEND_METRICS=false", "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wrangler r2 object put %s: %w: %s", key, err, tail(string(out), 400))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// fileDigest answers the MD5 (R2's ETag of a single-part object, the files table's checksum)
// of a file's bytes.
func fileDigest(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// importFiles copies the workspace's uploaded files into R2 and the files table, ids and paths
// kept (object key <workspace>/<path>, as the files Worker names objects). Each object is put
// before its row, and a file whose row exists is skipped, so a resumed import puts nothing twice.
// Soft-deleted and pending files are left out: the files job would remove a deleted one's object.
func importFiles(ctx context.Context, src *Source, tgt *Target, w Workspace, storage FileSource, objects ObjectWriter, out io.Writer) ([]Skipped, error) {
	files, ok, err := src.Files(ctx, w.ID)
	if err != nil || !ok {
		return nil, err
	}
	var skipped []Skipped
	start, done := time.Now(), 0
	for _, f := range files {
		if f.DeletedAt != nil || f.Status != "UPLOADED" {
			skipped = append(skipped, Skipped{"file " + f.Path, "soft-deleted or never uploaded in Twenty"})
			continue
		}
		var n int
		if err := tgt.Control.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE id = ?`, f.ID).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			continue
		}
		ref, err := storage.Locate(ctx, w.ID, f.Path)
		if err != nil {
			skipped = append(skipped, Skipped{"file " + f.Path, err.Error()})
			continue
		}
		local, release, err := storage.Fetch(ctx, ref)
		if err != nil {
			return nil, err
		}
		sum, size, err := fileDigest(local)
		if err != nil {
			release()
			return nil, err
		}
		key := w.ID + "/" + f.Path
		err = objects.Put(ctx, key, local, f.MimeType)
		release()
		if err != nil {
			return nil, err
		}
		folder, name, _ := strings.Cut(f.Path, "/")
		if name == "" {
			folder, name = "", f.Path
		}
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		if _, err := tgt.Control.ExecContext(ctx, `INSERT INTO files (id, workspace_id, folder, name, path, object_key, size, mime_type, checksum, status, created_at, uploaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'UPLOADED', ?, ?) ON CONFLICT (id) DO NOTHING`, f.ID, w.ID, folder, name, f.Path, key, size, f.MimeType, sum, f.CreatedAt, f.CreatedAt); err != nil {
			return nil, fmt.Errorf("file row %s: %w", f.ID, err)
		}
		done++
		fmt.Fprintf(out, "  copy file %-50s %8d bytes  %.1f files/s\n", f.Path, size, float64(done)/max(time.Since(start).Seconds(), 1e-3))
	}
	return skipped, nil
}

// verifyFiles compares the workspace's uploaded files in Twenty (id, path, size and the MD5 of
// the bytes in storage) with the files table's rows; a file whose bytes are missing counts as a
// mismatch.
func verifyFiles(ctx context.Context, src *Source, tgt *Target, w Workspace, storage FileSource) (Result, bool, error) {
	r := Result{Workspace: w.ID, Table: "core.file"}
	files, ok, err := src.Files(ctx, w.ID)
	if err != nil || !ok {
		return r, false, err
	}
	h := sha256.New()
	for _, f := range files {
		if f.DeletedAt != nil || f.Status != "UPLOADED" {
			continue
		}
		sum := "missing"
		if ref, err := storage.Locate(ctx, w.ID, f.Path); err == nil {
			local, release, err := storage.Fetch(ctx, ref)
			if err != nil {
				return r, true, err
			}
			sum, _, err = fileDigest(local)
			release()
			if err != nil {
				return r, true, err
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return r, true, err
		}
		addRow(h, []any{f.ID, f.Path, f.Size, sum})
		r.SourceRows++
	}
	r.SourceSum = hex.EncodeToString(h.Sum(nil))
	r.TargetRows, r.TargetSum, err = sqliteSum(ctx, tgt.Control, `SELECT id, path, size, checksum FROM files WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id`, 4, w.ID)
	return r, true, err
}
