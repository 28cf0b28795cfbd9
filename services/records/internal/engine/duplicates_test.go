package engine

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// People of the duplicates tests: Twenty's John Doe twice and Phil Collins, and a soft-deleted
// John Doe.
const (
	john1   = "00000000-0000-4000-8000-0000000000d1"
	john2   = "00000000-0000-4000-8000-0000000000d2"
	phil    = "00000000-0000-4000-8000-0000000000d3"
	johnDel = "00000000-0000-4000-8000-0000000000d4"
	initech = "00000000-0000-4000-8000-0000000000d5"
)

func seedDuplicates(t *testing.T, db *d1.DB) {
	t.Helper()
	seed(t, db, wsA)
	insert(t, db, wsA, "person",
		row{"id": john1, "nameFirstName": "John", "nameLastName": "Doe", "companyId": acme, "position": 10.0},
		row{"id": john2, "nameFirstName": "John", "nameLastName": "Doe", "companyId": acme, "emailsPrimaryEmail": "jd@example.com", "position": 11.0},
		row{"id": phil, "nameFirstName": "Phil", "nameLastName": "Collins", "emailsPrimaryEmail": "phil@example.com", "position": 12.0},
		row{"id": johnDel, "nameFirstName": "John", "nameLastName": "Doe", "deletedAt": "2024-01-01T00:00:00.000Z"},
	)
	insert(t, db, wsA, "company", row{"id": initech, "name": "Initech", "domainNamePrimaryLinkUrl": "https://initech.com"})
}

// findDuplicates runs FindDuplicates on object name of wsA.
func findDuplicates(t *testing.T, db *d1.DB, name string, q DuplicatesQuery) ([]Duplicates, error) {
	t.Helper()
	var e Engine
	return e.FindDuplicates(t.Context(), db, wsA, object(t, name), objects(), q)
}

func TestFindDuplicates(t *testing.T) {
	db := newDB(t, wsA)
	seedDuplicates(t, db)
	tests := []struct {
		name   string
		object string
		q      DuplicatesQuery
		want   [][]string // the ids found for each record
		totals []int
	}{
		{"Twenty's example: by data", "person", DuplicatesQuery{HasData: true, Data: []map[string]any{{"name": map[string]any{"firstName": "John", "lastName": "Doe"}}}},
			[][]string{{john1, john2}}, []int{2}},
		{"Twenty's example: by id, not itself", "person", DuplicatesQuery{HasIDs: true, IDs: []string{john1}},
			[][]string{{john2}}, []int{1}},
		{"no wrong duplicates", "person", DuplicatesQuery{HasData: true, Data: []map[string]any{{"name": map[string]any{"firstName": "Not", "lastName": "Existing"}}}},
			[][]string{{}}, []int{0}},
		{"empty ids: no answers", "person", DuplicatesQuery{HasIDs: true, IDs: []string{}},
			[][]string{}, []int{}},
		{"one answer per record found, in the ids' order", "person", DuplicatesQuery{HasIDs: true, IDs: []string{phil, john2, rex, john2}},
			[][]string{{}, {john1}}, []int{0, 1}},
		{"any criterion: an email", "person", DuplicatesQuery{HasData: true, Data: []map[string]any{
			{"emails": map[string]any{"primaryEmail": "  phil@example.com "}},
			{"name": map[string]any{"firstName": "Jo", "lastName": "Doe"}}, // too short to compare
			{"name": map[string]any{"firstName": "John"}},                  // the criterion needs both
		}}, [][]string{{phil}, {}, {}}, []int{1, 0, 0}},
		{"data with an id is not its own duplicate", "person", DuplicatesQuery{HasData: true, Data: []map[string]any{{"id": john1, "name": map[string]any{"firstName": "John", "lastName": "Doe"}}}},
			[][]string{{john2}}, []int{1}},
		{"companies by domain", "company", DuplicatesQuery{HasData: true, Data: []map[string]any{{"domainName": map[string]any{"primaryLinkUrl": "https://initech.com/"}}, {"name": "Acme"}}},
			[][]string{{initech}, {acme}}, []int{1, 1}},
		{"an object without criteria has no duplicates", "pet", DuplicatesQuery{HasIDs: true, IDs: []string{rex}},
			[][]string{{}}, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findDuplicates(t, db, tt.object, tt.q)
			if err != nil {
				t.Fatalf("FindDuplicates: %v", err)
			}
			ids, totals := [][]string{}, []int{}
			for _, d := range got {
				ids, totals = append(ids, idsOf(d.Records)), append(totals, d.TotalCount)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("duplicates (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.totals, totals); diff != "" {
				t.Errorf("total counts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFindDuplicatesPage checks the page a record's duplicates come in: rendered with the shape,
// with the cursors of its first and last records.
func TestFindDuplicatesPage(t *testing.T) {
	db := newDB(t, wsA)
	seedDuplicates(t, db)
	got, err := findDuplicates(t, db, "person", DuplicatesQuery{HasData: true, Data: []map[string]any{{"name": map[string]any{"firstName": "John", "lastName": "Doe"}}}, Shape: Shape{Depth: 1}})
	if err != nil {
		t.Fatal(err)
	}
	d := got[0]
	if diff := cmp.Diff(map[string]any{"companyId": acme, "company.name": "Acme", "company.people": nil}, pick(d.Records[0], "companyId", "company.name", "company.people")); diff != "" {
		t.Errorf("depth 1 duplicate (-want +got):\n%s", diff)
	}
	order := []recordquery.Order{{Field: "id", Direction: recordquery.AscNullsFirst}}
	if want := recordquery.EncodeCursor(order, map[string]any{"id": john1}); d.StartCursor != want {
		t.Errorf("start cursor = %q, want %q", d.StartCursor, want)
	}
	if want := recordquery.EncodeCursor(order, map[string]any{"id": john2}); d.EndCursor != want {
		t.Errorf("end cursor = %q, want %q", d.EndCursor, want)
	}
	got, err = findDuplicates(t, db, "person", DuplicatesQuery{HasIDs: true, IDs: []string{phil}, Shape: Shape{Fields: []string{"id"}}})
	if err != nil || len(got) != 1 || got[0].StartCursor != "" || len(got[0].Records) != 0 {
		t.Errorf("no duplicates = %+v, %v; want an empty page without cursors", got, err)
	}
}

func TestFindDuplicatesErrors(t *testing.T) {
	db := newDB(t, wsA)
	tests := []struct {
		q    DuplicatesQuery
		want string
	}{
		{DuplicatesQuery{}, `You have to provide either "data" or "ids" argument`},
		{DuplicatesQuery{HasData: true, HasIDs: true}, `You cannot provide both "data" and "ids" arguments`},
		{DuplicatesQuery{HasData: true, Data: []map[string]any{}}, `The "data" condition can not be empty when "ids" input not provided`},
		{DuplicatesQuery{HasIDs: true, IDs: []string{"malformed"}}, `Value "malformed" is not a valid UUID`},
		{DuplicatesQuery{HasData: true, Data: []map[string]any{{"nope": 1}}}, `Object person doesn't have any "nope" field.`},
		{DuplicatesQuery{HasData: true, Data: []map[string]any{{"name": "John"}}}, `Invalid value 'John' for full_name field "name"`},
	}
	for _, tt := range tests {
		_, err := findDuplicates(t, db, "person", tt.q)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Message != tt.want {
			t.Errorf("FindDuplicates(%+v) error = %v, want %q", tt.q, err, tt.want)
		}
	}
}
