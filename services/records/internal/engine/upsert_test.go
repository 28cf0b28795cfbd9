package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
)

// upsert runs CreateManyWith with Upsert on people in workspace wsA.
func upsert(t testing.TB, db *d1.DB, actor Actor, shape Shape, inputs ...map[string]any) (*Mutation, error) {
	t.Helper()
	var e Engine
	return e.CreateManyWith(t.Context(), db, wsA, object(t, "person"), objects(), actor, inputs, CreateOptions{Upsert: true, Shape: shape})
}

// TestUpsert checks Twenty's upsert: an input matching a record by id or by a unique field's
// value (soft-deleted records included) updates it, others are inserted, in input order.
func TestUpsert(t *testing.T) {
	const deleted = "00000000-0000-4000-8000-0000000000de"
	tests := []struct {
		name   string
		inputs []map[string]any
		paths  []string
		want   []map[string]any
		// before tells which inputs updated a record (their Change has a Before).
		before []bool
		fields [][]string
	}{{
		name:   "by id",
		inputs: []map[string]any{{"id": ada, "city": "Paris"}},
		paths:  []string{"id", "city", "jobTitle", "createdBy.source", "updatedBy.source", "position"},
		want:   []map[string]any{{"id": ada, "city": "Paris", "jobTitle": "Engineer", "createdBy.source": "API", "updatedBy.source": "MANUAL", "position": int64(0)}},
		before: []bool{true},
		fields: [][]string{{"city", "updatedBy"}},
	}, {
		name:   "by a unique field, createdBy kept",
		inputs: []map[string]any{{"emails": map[string]any{"primaryEmail": "bob@example.com"}, "city": "Paris", "createdBy": map[string]any{"source": "EMAIL"}}},
		paths:  []string{"id", "city", "createdBy.source"},
		want:   []map[string]any{{"id": bob, "city": "Paris", "createdBy.source": "MANUAL"}},
		before: []bool{true},
		fields: [][]string{{"city", "updatedBy"}},
	}, {
		name:   "a soft-deleted record is restored",
		inputs: []map[string]any{{"id": deleted, "city": "Back"}},
		paths:  []string{"id", "city", "deletedAt"},
		want:   []map[string]any{{"id": deleted, "city": "Back", "deletedAt": nil}},
		before: []bool{true},
		fields: [][]string{{"city", "deletedAt", "updatedBy"}},
	}, {
		name:   "new and existing, in input order",
		inputs: []map[string]any{{"id": p1, "city": "New"}, {"id": carla, "city": "Old"}},
		paths:  []string{"id", "city", "position"},
		want:   []map[string]any{{"id": p1, "city": "New", "position": int64(-1)}, {"id": carla, "city": "Old", "position": int64(2)}},
		before: []bool{false, true},
		fields: [][]string{nil, {"city", "updatedBy"}},
	}, {
		name:   "an empty unique value matches nothing",
		inputs: []map[string]any{{"id": p1, "emails": map[string]any{"primaryEmail": ""}}},
		paths:  []string{"id"},
		want:   []map[string]any{{"id": p1}},
		before: []bool{false},
		fields: [][]string{nil},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA)
			seed(t, db, wsA)
			insert(t, db, wsA, "person", row{"id": deleted, "deletedAt": "2024-06-01T00:00:00.000Z", "position": 9.0})
			m, err := upsert(t, db, user, Shape{}, tt.inputs...)
			if err != nil {
				t.Fatalf("upsert: %v", err)
			}
			var got []map[string]any
			var before []bool
			var fields [][]string
			for i, r := range m.Records {
				got = append(got, pick(r, tt.paths...))
				before = append(before, m.Changes[i].Before != nil)
				fields = append(fields, m.Changes[i].UpdatedFields)
				if diff := cmp.Diff(r, m.Changes[i].After); diff != "" {
					t.Errorf("change %d's After is not the record (-record +after):\n%s", i, diff)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.before, before); diff != "" {
				t.Errorf("updates (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("UpdatedFields (-want +got):\n%s", diff)
			}
			// What was answered is what is stored.
			for _, r := range m.Records {
				var e Engine
				p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, "filter=id[eq]:"+r["id"].(string)))
				if err != nil || len(p.Records) != 1 {
					t.Fatalf("find %s: %v", r["id"], err)
				}
				if diff := cmp.Diff(r, p.Records[0]); diff != "" {
					t.Errorf("stored record differs (-answered +stored):\n%s", diff)
				}
			}
		})
	}
}

// TestUpsertErrors checks the refused upserts and that they write nothing, the batch included:
// an update and an insert are one atomic batch.
func TestUpsertErrors(t *testing.T) {
	tests := []struct {
		name   string
		inputs []map[string]any
		code   Code
		msg    string
	}{{
		name:   "two records match",
		inputs: []map[string]any{{"id": bob, "emails": map[string]any{"primaryEmail": "ada@example.com"}}},
		code:   CodeUpsertConflict,
		msg:    "Multiple records found with the same unique field values for id (id: " + bob + "); emails (emails.primaryEmail: ada@example.com). Cannot determine which record to update.",
	}, {
		name:   "an insert fails after an update",
		inputs: []map[string]any{{"id": ada, "city": "Changed"}, {"id": p1, "companyId": c1}},
		code:   CodeInvalidData,
		msg:    "A related record does not exist",
	}, {
		name:   "an update fails",
		inputs: []map[string]any{{"id": p1, "city": "New"}, {"id": ada, "emails": map[string]any{"primaryEmail": "bob@example.com"}, "city": "Changed"}},
		code:   CodeUpsertConflict,
		msg:    "Multiple records found with the same unique field values for id (id: " + ada + "); emails (emails.primaryEmail: bob@example.com). Cannot determine which record to update.",
	}, {
		name:   "invalid data",
		inputs: []map[string]any{{"id": ada, "city": 1}},
		code:   CodeInvalidData,
		msg:    `Invalid string value 1 for text field "city"`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA)
			seed(t, db, wsA)
			before := tableRows(t, db, wsA, "person")
			_, err := upsert(t, db, user, Shape{}, tt.inputs...)
			if qe := queryError(t, err); qe.Code != tt.code || qe.Message != tt.msg {
				t.Errorf("error = %s %q, want %s %q", qe.Code, qe.Message, tt.code, tt.msg)
			}
			if diff := cmp.Diff(before, tableRows(t, db, wsA, "person")); diff != "" {
				t.Errorf("a refused upsert wrote (-before +after):\n%s", diff)
			}
		})
	}
}

// TestCreateShape checks that creates answer their records with the Shape asked, and changes at
// depth 0.
func TestCreateShape(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	var e Engine
	m, err := e.CreateManyWith(t.Context(), db, wsA, object(t, "person"), objects(), apiKey,
		[]map[string]any{{"id": p1, "companyId": acme}, {"id": p2}}, CreateOptions{Shape: Shape{Depth: 1, Fields: []string{"id", "company"}}})
	if err != nil {
		t.Fatal(err)
	}
	got := []map[string]any{pick(m.Records[0], "id", "company.name"), pick(m.Records[1], "id", "company")}
	want := []map[string]any{{"id": p1, "company.name": "Acme"}, {"id": p2, "company": nil}}
	// A relation field shows its join column too, as FindMany shows it.
	if diff := cmp.Diff(want, got); diff != "" || len(m.Records[0]) != 3 {
		t.Errorf("shaped records %v (-want +got):\n%s", m.Records, diff)
	}
	if c := m.Changes[0]; c.ID != p1 || c.Before != nil || c.After["companyId"] != acme || c.After["company"] != nil {
		t.Errorf("change = %+v, want the depth 0 record created", c)
	}
	if _, err := e.CreateManyWith(t.Context(), db, wsA, object(t, "person"), objects(), apiKey, []map[string]any{{}}, CreateOptions{Shape: Shape{Fields: []string{"nope"}}}); queryError(t, err).Code != CodeInvalidFields {
		t.Errorf("unknown field in the shape = %v, want %s", err, CodeInvalidFields)
	}
}
