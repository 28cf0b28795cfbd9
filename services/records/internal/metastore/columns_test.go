package metastore

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestColumnsOf(t *testing.T) {
	create := `CREATE TABLE "ws_x_pet" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4)))),
  "name" TEXT NOT NULL DEFAULT 'a, "b"',
  "kind" TEXT CHECK ("kind" IN ('A', 'B')),
  "ownerId" TEXT REFERENCES "ws_x_company" ("id") ON DELETE SET NULL
) STRICT, "petId" TEXT REFERENCES "ws_x_pet" ("id")`
	// The tail mimics nothing real; only columns inside the parentheses count.
	got := columnsOf(create)
	want := map[string]bool{"id": true, "name": true, "kind": true, "ownerid": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("columnsOf (-want +got):\n%s", diff)
	}
	altered := "CREATE TABLE \"t\" (\n  \"id\" TEXT, \"Extra\" INTEGER)"
	if diff := cmp.Diff(map[string]bool{"id": true, "extra": true}, columnsOf(altered)); diff != "" {
		t.Errorf("columnsOf after ADD COLUMN (-want +got):\n%s", diff)
	}
}
