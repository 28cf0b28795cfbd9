package ddl

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

func TestSearchSpecs(t *testing.T) {
	tests := []struct {
		object      metadata.Object
		columns     []string
		label       []string
		image       string
		searchable  bool
		domainImage bool
	}{
		{object: standard(t, "person"), searchable: true, columns: []string{"nameFirstName", "nameLastName", "emailsPrimaryEmail", "phonesPrimaryPhoneNumber", "jobTitle"},
			label: []string{"nameFirstName", "nameLastName"}, image: "avatarUrl"},
		{object: standard(t, "company"), searchable: true, columns: []string{"name", "domainNamePrimaryLinkUrl"}, label: []string{"name"},
			image: "domainNamePrimaryLinkUrl", domainImage: true},
		{object: standard(t, "note"), searchable: true, columns: []string{"title"}, label: []string{"title"}},
		{object: rocket(), searchable: true, columns: []string{"name"}, label: []string{"name"}},
		{object: standard(t, "noteTarget")},
	}
	for _, tc := range tests {
		s, ok, err := Search(wsA, tc.object)
		if err != nil {
			t.Fatalf("Search(%s): %v", tc.object.NameSingular, err)
		}
		if ok != tc.searchable {
			t.Errorf("Search(%s) searchable = %v, want %v", tc.object.NameSingular, ok, tc.searchable)
			continue
		}
		got := []any{s.Columns, s.LabelParts, s.ImageColumn, s.DomainImage}
		if diff := cmp.Diff([]any{tc.columns, tc.label, tc.image, tc.domainImage}, got); ok && diff != "" {
			t.Errorf("Search(%s) (-want +got):\n%s", tc.object.NameSingular, diff)
		}
	}
}

// hasSearch reports whether object's search index exists, and the ids it matches for query.
func hasSearch(t *testing.T, db *d1.DB, object, query string) (bool, []string) {
	t.Helper()
	fts := table(t, object)
	fts = fts[:len(fts)-1] + `__search"`
	if len(rows(t, db, "SELECT 1 FROM sqlite_master WHERE name = ?", fts[1:len(fts)-1])) == 0 {
		return false, nil
	}
	var ids []string
	for _, r := range rows(t, db, "SELECT t.id FROM "+fts+" JOIN "+table(t, object)+" t ON t.rowid = "+fts+".rowid WHERE "+fts+" MATCH ? ORDER BY t.id", query) {
		ids = append(ids, r[0].(string))
	}
	return true, ids
}

func createSearch(t *testing.T, db *d1.DB, o metadata.Object) {
	t.Helper()
	s, ok, err := Search(wsA, o)
	if err != nil || !ok {
		t.Fatalf("Search(%s) = %v, %v", o.NameSingular, ok, err)
	}
	stmts, err := CreateSearch(s)
	if err != nil {
		t.Fatal(err)
	}
	batch(t, db, stmts)
}

// TestSearchIndexFollowsWrites checks the triggers: rows there before the index are built into
// it, and inserts, updates and deletes after it keep it exact.
func TestSearchIndexFollowsWrites(t *testing.T) {
	db := newWorkspace(t, wsA)
	person := standard(t, "person")
	tbl := table(t, "person")
	exec(t, db, "INSERT INTO "+tbl+` (id, "nameFirstName", "nameLastName") VALUES ('p1', 'Ada', 'Lovelace')`)
	createSearch(t, db, person)
	createSearch(t, db, person) // idempotent: a second search racing the first one
	exec(t, db, "INSERT INTO "+tbl+` (id, "nameFirstName", "emailsPrimaryEmail") VALUES ('p2', 'Élodie', 'elo@ex.fr')`)
	exec(t, db, "UPDATE "+tbl+` SET "nameLastName" = 'King' WHERE id = 'p1'`)
	exec(t, db, "UPDATE "+tbl+` SET "city" = 'Paris' WHERE id = 'p2'`)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{`"ada"*`, []string{"p1"}}, {`"king"`, []string{"p1"}}, {`"lovelace"`, nil}, {`"elod"*`, []string{"p2"}}, {`"ELO"*`, []string{"p2"}},
	} {
		if _, got := hasSearch(t, db, "person", tc.query); !cmp.Equal(got, tc.want) {
			t.Errorf("MATCH %s = %v, want %v", tc.query, got, tc.want)
		}
	}
	exec(t, db, "DELETE FROM "+tbl+` WHERE id = 'p1'`)
	if _, got := hasSearch(t, db, "person", `"king"`); got != nil {
		t.Errorf("destroyed record still indexed: %v", got)
	}
	// FTS5 compares the index with the table's rows (rank 1: external content included).
	fts := tbl[:len(tbl)-1] + `__search"`
	exec(t, db, "INSERT INTO "+fts+"("+fts+", rank) VALUES ('integrity-check', 1)")
}

// TestSchemaChangesDropSearch checks that schema changes the triggers would block (dropping or
// changing a searched column, renaming or dropping the object) drop the index first, and that
// others keep it.
func TestSchemaChangesDropSearch(t *testing.T) {
	db := newWorkspace(t, wsA)
	person := standard(t, "person")
	createSearch(t, db, person)
	batch(t, db, mustStmts(t)(DropField(wsA, person, field(t, person, "city"))))
	if ok, _ := hasSearch(t, db, "person", `"x"`); !ok {
		t.Errorf("dropping an unsearched field dropped the index")
	}
	batch(t, db, mustStmts(t)(DropField(wsA, person, field(t, person, "jobTitle"))))
	if ok, _ := hasSearch(t, db, "person", `"x"`); ok {
		t.Errorf("dropping a searched field kept the index")
	}
	person.Fields = slices.DeleteFunc(slices.Clone(person.Fields), func(f metadata.Field) bool { return f.Name == "jobTitle" || f.Name == "city" })
	createSearch(t, db, person) // the next search builds it again, without jobTitle
	exec(t, db, "INSERT INTO "+table(t, "person")+` (id, "nameFirstName") VALUES ('p1', 'Ada')`)
	if _, got := hasSearch(t, db, "person", `"ada"`); !cmp.Equal(got, []string{"p1"}) {
		t.Errorf("rebuilt index = %v", got)
	}

	batch(t, db, createRocket(t, wsA))
	r := rocket()
	createSearch(t, db, r)
	renamed := r
	renamed.NameSingular, renamed.NamePlural = "missile", "missiles"
	batch(t, db, mustStmts(t)(RenameObject(wsA, r, renamed)))
	exec(t, db, "INSERT INTO "+table(t, "missile")+` (id, "name") VALUES ('m1', 'Atlas')`)
	createSearch(t, db, renamed)
	if _, got := hasSearch(t, db, "missile", `"atl"*`); !cmp.Equal(got, []string{"m1"}) {
		t.Errorf("renamed object's index = %v", got)
	}
}

func mustStmts(t *testing.T) func([]d1.Stmt, error) []d1.Stmt {
	return func(s []d1.Stmt, err error) []d1.Stmt {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}
