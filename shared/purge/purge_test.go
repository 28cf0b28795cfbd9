package purge

import (
	"errors"
	"testing"

	"github.com/twentyworkers/twenty/shared/sqltest"
)

func TestRequested(t *testing.T) {
	db := sqltest.Open(t) // the control database's migrations, 0017 included
	if _, err := db.Exec(`INSERT INTO workspaces (id, purge_requested_at) VALUES ('live', NULL), ('deleted', '2026-12-07T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		workspace string
		want      error
	}{
		{"live", ErrNotRequested},
		{"deleted", nil},
		{"gone", nil},
	}
	for _, tt := range tests {
		if err := Requested(t.Context(), db, tt.workspace); !errors.Is(err, tt.want) {
			t.Errorf("Requested(%s) = %v, want %v", tt.workspace, err, tt.want)
		}
	}
}
