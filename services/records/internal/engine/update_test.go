package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// filterOf parses a REST filter, failing the test on error.
func filterOf(t testing.TB, s string) *recordquery.Filter {
	t.Helper()
	f, err := restquery.ParseFilter(s)
	if err != nil {
		t.Fatalf("ParseFilter(%q): %v", s, err)
	}
	return f
}

// tableRows returns every row of object's table in workspace ws, by id: what a failed mutation
// must leave as it was.
func tableRows(t testing.TB, db *d1.DB, ws, object string) [][]any {
	t.Helper()
	table, err := ddl.TableName(ws, object)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Batch(t.Context(), d1.Stmt{SQL: `SELECT * FROM "` + table + `" ORDER BY id`})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].Rows
}

// updateIn runs UpdateMany on the object named name in workspace wsA.
func updateIn(t testing.TB, db *d1.DB, name string, actor Actor, sel Selection, data map[string]any, shape Shape) (*Mutation, error) {
	t.Helper()
	var e Engine
	return e.UpdateMany(t.Context(), db, wsA, object(t, name), objects(), actor, sel, data, shape)
}

// TestUpdateExample18 replays example 18: a partial update of composite fields echoes the values,
// leaves the other fields (jobTitle "", companyId) as they were, keeps createdBy and createdAt,
// and stamps updatedBy and updatedAt.
func TestUpdateExample18(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	created := mustCreate(t, db, wsA, "person", apiKey, map[string]any{"id": p1, "companyId": acme, "name": map[string]any{"firstName": "Old", "lastName": "Name"}})[0]
	time.Sleep(2 * time.Millisecond)
	m, err := updateIn(t, db, "person", user, Selection{ID: p1}, map[string]any{
		"name":   map[string]any{"firstName": "Updated", "lastName": "Person"},
		"emails": map[string]any{"primaryEmail": "updated@example.com", "additionalEmails": []any{"extra@example.com"}},
		// Never changed by an update.
		"id": p2, "createdAt": "2020-01-01T00:00:00Z", "createdBy": map[string]any{"source": "EMAIL"},
	}, Shape{})
	if err != nil {
		t.Fatalf("UpdateMany: %v", err)
	}
	if len(m.Records) != 1 || len(m.Changes) != 1 {
		t.Fatalf("got %d records and %d changes, want 1 and 1", len(m.Records), len(m.Changes))
	}
	rec := m.Records[0]
	actor := map[string]any{"source": "MANUAL", "workspaceMemberId": member, "name": "Tim Apple", "context": map[string]any{}}
	want := map[string]any{
		"id": p1, "jobTitle": "", "companyId": acme,
		"name":      map[string]any{"firstName": "Updated", "lastName": "Person"},
		"emails":    map[string]any{"primaryEmail": "updated@example.com", "additionalEmails": []any{"extra@example.com"}},
		"createdBy": created["createdBy"], "createdAt": created["createdAt"], "updatedBy": actor,
	}
	if diff := cmp.Diff(want, pick(rec, "id", "jobTitle", "companyId", "name", "emails", "createdBy", "createdAt", "updatedBy")); diff != "" {
		t.Errorf("updated record mismatch (-want +got):\n%s", diff)
	}
	if rec["updatedAt"] == created["updatedAt"] {
		t.Errorf("updatedAt = %v, unchanged", rec["updatedAt"])
	}
	ch := m.Changes[0]
	if diff := cmp.Diff(Change{ID: p1, Before: created, After: rec, UpdatedFields: []string{"emails", "name", "updatedBy"}}, ch); diff != "" {
		t.Errorf("change mismatch (-want +got):\n%s", diff)
	}
	// A composite given in part sets the sub-fields given only.
	m, err = updateIn(t, db, "person", user, Selection{ID: p1}, map[string]any{"name": map[string]any{"firstName": "Ada"}}, Shape{Fields: []string{"name"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]map[string]any{{"name": map[string]any{"firstName": "Ada", "lastName": "Person"}}}, m.Records); diff != "" {
		t.Errorf("partial composite update (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"name"}, m.Changes[0].UpdatedFields); diff != "" {
		t.Errorf("UpdatedFields (-want +got):\n%s", diff)
	}
}

// TestUpdateMany checks the selections, shapes and positions of updates.
func TestUpdateMany(t *testing.T) {
	tests := []struct {
		name  string
		sel   Selection
		data  map[string]any
		shape Shape
		paths []string
		want  []map[string]any
	}{{
		name: "by filter, case-sensitive eq",
		sel:  Selection{Filter: filterOf(t, "city[eq]:London")}, data: map[string]any{"jobTitle": "CTO"},
		paths: []string{"id", "jobTitle", "city"},
		want:  []map[string]any{{"id": ada, "jobTitle": "CTO", "city": "London"}},
	}, {
		name: "by filter through a relation, in id order",
		sel:  Selection{Filter: filterOf(t, "or(companyId[eq]:"+acme+",companyId[eq]:"+globex+")")}, data: map[string]any{"city": nil},
		paths: []string{"id", "city"},
		want:  []map[string]any{{"id": bob, "city": ""}, {"id": ada, "city": ""}},
	}, {
		name: "depth 1 embeds the company",
		sel:  Selection{ID: ada}, data: map[string]any{"companyId": globex}, shape: Shape{Depth: 1},
		paths: []string{"companyId", "company.name"},
		want:  []map[string]any{{"companyId": globex, "company.name": "Globex"}},
	}, {
		name: "fields",
		sel:  Selection{ID: bob}, data: map[string]any{"city": "Paris"}, shape: Shape{Fields: []string{"id", "city"}},
		want: []map[string]any{{"id": bob, "city": "Paris"}},
	}, {
		name: "position first",
		sel:  Selection{ID: dan}, data: map[string]any{"position": "first"},
		paths: []string{"position"},
		want:  []map[string]any{{"position": int64(-1)}},
	}, {
		name: "position last",
		sel:  Selection{ID: ada}, data: map[string]any{"position": "last"},
		paths: []string{"position"},
		want:  []map[string]any{{"position": int64(4)}},
	}, {
		name: "a soft-deleted record, through a deletedAt filter",
		sel:  Selection{Filter: filterOf(t, "deletedAt[is]:NOT_NULL")}, data: map[string]any{"name": "Gone for good"},
		paths: []string{"id", "name"},
		want:  []map[string]any{{"id": gone, "name": "Gone for good"}},
	}, {
		name: "a filter selecting nothing",
		sel:  Selection{Filter: filterOf(t, "city[eq]:Nowhere")}, data: map[string]any{"city": "X"},
		want: []map[string]any{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA)
			seed(t, db, wsA)
			obj := "person"
			if tt.sel.Filter != nil && recordquery.MentionsDeletedAt(tt.sel.Filter) {
				obj = "company"
			}
			m, err := updateIn(t, db, obj, user, tt.sel, tt.data, tt.shape)
			if err != nil {
				t.Fatalf("UpdateMany: %v", err)
			}
			got := m.Records
			if tt.paths != nil {
				got = []map[string]any{}
				for _, r := range m.Records {
					got = append(got, pick(r, tt.paths...))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records mismatch (-want +got):\n%s", diff)
			}
			if len(m.Changes) != len(m.Records) {
				t.Errorf("%d changes for %d records", len(m.Changes), len(m.Records))
			}
		})
	}
}

// TestUpdateErrors checks Twenty's errors, and that a refused update writes nothing.
func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		name  string
		ws    string
		sel   Selection
		data  map[string]any
		shape Shape
		code  Code
		msg   string
	}{
		{"missing id", wsA, Selection{ID: p1}, map[string]any{"city": "X"}, Shape{}, CodeRecordNotFound, "Record not found"},
		{"another workspace's record", wsB, Selection{ID: ada}, map[string]any{"city": "X"}, Shape{}, CodeRecordNotFound, "Record not found"},
		{"malformed id", wsA, Selection{ID: "nope"}, map[string]any{"city": "X"}, Shape{}, CodeInvalidQueryInput, `Value "nope" is not a valid UUID`},
		{"no filter", wsA, Selection{}, map[string]any{"city": "X"}, Shape{}, CodeInvalidQueryInput, "A non-empty filter is required"},
		{"empty and", wsA, Selection{Filter: &recordquery.Filter{And: []*recordquery.Filter{{Or: []*recordquery.Filter{}}}}}, map[string]any{"city": "X"}, Shape{},
			CodeInvalidQueryInput, "A non-empty filter is required"},
		{"unknown field", wsA, Selection{ID: ada}, map[string]any{"nope": 1}, Shape{}, CodeInvalidData, `Object person doesn't have any "nope" field.`},
		{"bad value", wsA, Selection{ID: ada}, map[string]any{"city": 3}, Shape{}, CodeInvalidData, `Invalid string value 3 for text field "city"`},
		{"unknown filter field", wsA, Selection{Filter: filterOf(t, "nope[eq]:1")}, map[string]any{"city": "X"}, Shape{}, CodeInvalidFilter, `Object person doesn't have any "nope" field.`},
		{"unknown shape field", wsA, Selection{ID: ada}, map[string]any{"city": "X"}, Shape{Fields: []string{"nope"}}, CodeInvalidFields,
			"'fields' parameter invalid. Unknown or unreadable fields on 'person': nope"},
		{"a unique value another record has", wsA, Selection{ID: bob}, map[string]any{"emails": map[string]any{"primaryEmail": "ada@example.com"}}, Shape{},
			CodeDuplicateEntry, "Duplicate Emails. Please set a unique one."},
		{"one unique value for two records", wsA, Selection{Filter: filterOf(t, "city[in]:[London,Kingston]")}, map[string]any{"emails": map[string]any{"primaryEmail": "same@example.com"}}, Shape{},
			CodeDuplicateEntry, "Duplicate Emails. Please set a unique one."},
		{"a missing company", wsA, Selection{ID: ada}, map[string]any{"companyId": c1}, Shape{}, CodeInvalidData, "A related record does not exist"},
		{"a soft-deleted record by id", wsA, Selection{ID: gone}, map[string]any{"name": "X"}, Shape{}, CodeRecordNotFound, "Record not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA, wsB)
			seed(t, db, wsA)
			obj := "person"
			if tt.sel.ID == gone {
				obj = "company"
			}
			before := tableRows(t, db, wsA, obj)
			var e Engine
			_, err := e.UpdateMany(t.Context(), db, tt.ws, object(t, obj), objects(), user, tt.sel, tt.data, tt.shape)
			qe := queryError(t, err)
			if qe.Code != tt.code || qe.Message != tt.msg {
				t.Errorf("error = %s %q, want %s %q", qe.Code, qe.Message, tt.code, tt.msg)
			}
			if diff := cmp.Diff(before, tableRows(t, db, wsA, obj)); diff != "" {
				t.Errorf("a refused update wrote (-before +after):\n%s", diff)
			}
		})
	}
}

// TestMutationsRefuseTooMany checks that no mass mutation touches more than MaxMutationRecords
// records.
func TestMutationsRefuseTooMany(t *testing.T) {
	db := newDB(t, wsA)
	var rows []row
	for i := range MaxMutationRecords + 1 {
		rows = append(rows, row{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", 1000+i), "position": float64(i), "city": "Many"})
	}
	insert(t, db, wsA, "person", rows...)
	many := Selection{Filter: filterOf(t, "city[eq]:Many")}
	var e Engine
	person := object(t, "person")
	calls := map[string]func() (*Mutation, error){
		"update": func() (*Mutation, error) {
			return e.UpdateMany(t.Context(), db, wsA, person, objects(), user, many, map[string]any{"city": "X"}, Shape{})
		},
		"delete": func() (*Mutation, error) { return e.DeleteMany(t.Context(), db, wsA, person, objects(), many, Shape{}) },
		"destroy": func() (*Mutation, error) {
			return e.DestroyMany(t.Context(), db, wsA, person, objects(), many, Shape{})
		},
		"restore": func() (*Mutation, error) {
			return e.RestoreMany(t.Context(), db, wsA, person, objects(), many, Shape{})
		},
	}
	before := tableRows(t, db, wsA, "person")
	for verb, call := range calls {
		_, err := call()
		qe := queryError(t, err)
		want := fmt.Sprintf("Cannot %s more than %d records at once", verb, MaxMutationRecords)
		if qe.Code != CodeTooManyRecords || qe.Message != want {
			t.Errorf("%s: error = %s %q, want %s %q", verb, qe.Code, qe.Message, CodeTooManyRecords, want)
		}
	}
	if diff := cmp.Diff(before, tableRows(t, db, wsA, "person")); diff != "" {
		t.Errorf("refused mutations wrote (-before +after):\n%s", diff)
	}
	// One record fewer is fine.
	m, err := e.UpdateMany(t.Context(), db, wsA, person, objects(), user, Selection{Filter: filterOf(t, "city[eq]:Many,position[gte]:1")}, map[string]any{"jobTitle": "X"}, Shape{Fields: []string{"id"}})
	if err != nil || len(m.Records) != MaxMutationRecords {
		t.Errorf("update of %d records = %v records, %v", MaxMutationRecords, len(m.Records), err)
	}
}

// TestUpdateIsolation checks that an update by filter touches its workspace's records only.
func TestUpdateIsolation(t *testing.T) {
	db := newDB(t, wsA, wsB)
	seed(t, db, wsA)
	seed(t, db, wsB)
	var e Engine
	m, err := e.UpdateMany(t.Context(), db, wsB, object(t, "person"), objects(), user, Selection{Filter: filterOf(t, "city[eq]:London")}, map[string]any{"city": "Paris"}, Shape{})
	if err != nil || len(m.Records) != 1 {
		t.Fatalf("UpdateMany in wsB = %v, %v", m, err)
	}
	p, err := e.FindOne(t.Context(), db, wsA, object(t, "person"), objects(), ada, Shape{Fields: []string{"city"}})
	if err != nil || p["city"] != "London" {
		t.Errorf("wsA's ada after an update in wsB = %v, %v; want London", p, err)
	}
}

// TestUpdateStatements checks that an update setting many columns is split into statements that
// bind at most d1.MaxParams values each, all with the selection's values.
func TestUpdateStatements(t *testing.T) {
	var sets []setClause
	for i := range 250 {
		sets = append(sets, setClause{sql: fmt.Sprintf(`"c%d" = ?`, i), args: []any{i}})
	}
	sets = append(sets, setClause{sql: `"position" = (SELECT 1)`})
	stmts := updateStatements("tbl", sets, `"id" IN (SELECT value FROM json_each(?))`, []any{`["x"]`})
	if len(stmts) != 3 {
		t.Fatalf("got %d statements, want 3", len(stmts))
	}
	assigned := 0
	for _, s := range stmts {
		if len(s.Args) > d1.MaxParams || s.Args[len(s.Args)-1] != `["x"]` {
			t.Errorf("statement binds %d values, last %v", len(s.Args), s.Args[len(s.Args)-1])
		}
		assigned += strings.Count(s.SQL, " = ")
	}
	if assigned != len(sets) {
		t.Errorf("statements assign %d columns, want %d", assigned, len(sets))
	}
}

func TestIsEmptyFilter(t *testing.T) {
	cond := &recordquery.Filter{Field: "city", Op: recordquery.Eq, Value: recordquery.Value{Raw: "x"}}
	for _, tt := range []struct {
		f    *recordquery.Filter
		want bool
	}{
		{nil, true},
		{&recordquery.Filter{And: []*recordquery.Filter{}}, true},
		{&recordquery.Filter{Or: []*recordquery.Filter{{And: []*recordquery.Filter{}}}}, true},
		{cond, false},
		{&recordquery.Filter{Not: &recordquery.Filter{And: []*recordquery.Filter{}}}, false},
		{&recordquery.Filter{Or: []*recordquery.Filter{{And: []*recordquery.Filter{}}, cond}}, false},
	} {
		if got := isEmptyFilter(tt.f); got != tt.want {
			t.Errorf("isEmptyFilter(%+v) = %v, want %v", tt.f, got, tt.want)
		}
	}
}
