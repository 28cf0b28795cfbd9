package pgfixture

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// applicationID is the universal identifier of Twenty's standard application, the folder its
// workspace files are stored under.
const applicationID = "20202020-64aa-4b6f-b003-9c74b97cee20"

// seedFiles writes n attachments into the local storage folder as Twenty's local driver lays
// them out, with their core.file rows; the last one is soft-deleted.
func seedFiles(ctx context.Context, conn *pgx.Conn, f Fixture, storage string, n int) error {
	b := &pgx.Batch{}
	for i := range n {
		id := newID()
		path := fmt.Sprintf("attachment/%s.txt", id)
		body := []byte(strings.Repeat(fmt.Sprintf("file %d of the Apple workspace — ✓\n", i), 40*(i+1)))
		full := filepath.Join(storage, f.WorkspaceID, applicationID, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, body, 0o644); err != nil {
			return err
		}
		var deleted any
		if i == n-1 && n > 1 {
			deleted = "2025-02-01T00:00:00Z"
		}
		b.Queue(`INSERT INTO core."file" (id, "workspaceId", "applicationId", path, size, "mimeType", "deletedAt") VALUES ($1, $2, $3, $4, $5, 'text/plain', $6)`,
			id, f.WorkspaceID, applicationID, path, len(body), deleted)
	}
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("seed files: %w", err)
	}
	return nil
}
