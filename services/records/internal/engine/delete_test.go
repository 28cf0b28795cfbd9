package engine

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// favorite is a favorite of ada, which a destroy of ada takes with it.
const favorite = "00000000-0000-4000-8000-0000000000fa"

// lifecycle runs the delete, destroy and restore mutations on the person table of wsA.
type lifecycle struct {
	t  *testing.T
	db *d1.DB
	e  Engine
}

func newLifecycle(t *testing.T) *lifecycle {
	db := newDB(t, wsA, wsB)
	seed(t, db, wsA)
	insert(t, db, wsA, "favorite", row{"id": favorite, "personId": ada, "position": 0.0})
	return &lifecycle{t: t, db: db}
}

func (l *lifecycle) do(op string, sel Selection, shape Shape) (*Mutation, error) {
	person := object(l.t, "person")
	switch op {
	case "delete":
		return l.e.DeleteMany(l.t.Context(), l.db, wsA, person, objects(), sel, shape)
	case "destroy":
		return l.e.DestroyMany(l.t.Context(), l.db, wsA, person, objects(), sel, shape)
	case "restore":
		return l.e.RestoreMany(l.t.Context(), l.db, wsA, person, objects(), sel, shape)
	}
	l.t.Fatalf("unknown op %q", op)
	return nil, nil
}

func (l *lifecycle) must(op string, sel Selection, shape Shape) *Mutation {
	l.t.Helper()
	m, err := l.do(op, sel, shape)
	if err != nil {
		l.t.Fatalf("%s %+v: %v", op, sel, err)
	}
	return m
}

// live returns the ids of the live people, as FindMany lists them.
func (l *lifecycle) live() []string {
	l.t.Helper()
	p, err := l.e.FindMany(l.t.Context(), l.db, wsA, object(l.t, "person"), objects(), parse(l.t, ""))
	if err != nil {
		l.t.Fatal(err)
	}
	return idsOf(p.Records)
}

// TestSoftDeleteAndRestore replays example 20: a soft delete hides the record, a restore by id
// and one by filter bring it back, and the Changes carry deletedAt's transitions.
func TestSoftDeleteAndRestore(t *testing.T) {
	l := newLifecycle(t)
	start := time.Now().UTC().Add(-time.Second)
	m := l.must("delete", Selection{ID: ada}, Shape{Depth: 1})
	rec := m.Records[0]
	deletedAt, _ := rec["deletedAt"].(string)
	if at, err := time.Parse(metadata.DateTimeLayout, deletedAt); err != nil || at.Before(start) {
		t.Errorf("deletedAt = %q, want now", deletedAt)
	}
	if company, _ := rec["company"].(map[string]any); company["id"] != acme {
		t.Errorf("deleted record at depth 1 embeds %v, want acme", rec["company"])
	}
	if c := m.Changes[0]; c.ID != ada || c.Before["deletedAt"] != nil || c.After["deletedAt"] != deletedAt || c.UpdatedFields != nil {
		t.Errorf("change = %+v, want deletedAt from nil to %s", c, deletedAt)
	}
	if diff := cmp.Diff([]string{carla, bob, dan}, l.live()); diff != "" {
		t.Errorf("live people after the delete (-want +got):\n%s", diff)
	}
	if _, err := l.e.FindOne(t.Context(), l.db, wsA, object(t, "person"), objects(), ada, Shape{}); queryError(t, err).Code != CodeRecordNotFound {
		t.Errorf("FindOne of a soft-deleted record = %v, want not found", err)
	}
	// Deleting it again, or updating it, finds nothing.
	for _, op := range []string{"delete"} {
		if _, err := l.do(op, Selection{ID: ada}, Shape{}); queryError(t, err).Code != CodeRecordNotFound {
			t.Errorf("%s of a soft-deleted record = %v, want not found", op, err)
		}
	}
	if _, err := l.e.UpdateMany(t.Context(), l.db, wsA, object(t, "person"), objects(), user, Selection{ID: ada}, map[string]any{"city": "X"}, Shape{}); queryError(t, err).Code != CodeRecordNotFound {
		t.Errorf("update of a soft-deleted record = %v, want not found", err)
	}

	m = l.must("restore", Selection{ID: ada}, Shape{Fields: []string{"id"}})
	if diff := cmp.Diff([]map[string]any{{"id": ada}}, m.Records); diff != "" {
		t.Errorf("restorePerson with fields=id (-want +got):\n%s", diff)
	}
	if c := m.Changes[0]; c.Before["deletedAt"] != deletedAt || c.After["deletedAt"] != nil {
		t.Errorf("restore change = %+v", c)
	}
	if diff := cmp.Diff([]string{carla, bob, dan, ada}, l.live()); diff != "" {
		t.Errorf("live people after the restore (-want +got):\n%s", diff)
	}

	// By filter: the filter sees soft-deleted records; a live record it selects is answered but
	// not changed.
	l.must("delete", Selection{Filter: filterOf(t, "id[eq]:"+ada)}, Shape{})
	m = l.must("restore", Selection{Filter: filterOf(t, "id[in]:["+ada+","+bob+"]")}, Shape{Fields: []string{"id"}})
	if diff := cmp.Diff([]map[string]any{{"id": bob}, {"id": ada}}, m.Records); diff != "" {
		t.Errorf("restorePeople (-want +got):\n%s", diff)
	}
	if len(m.Changes) != 1 || m.Changes[0].ID != ada {
		t.Errorf("restore changes = %+v, want ada's only", m.Changes)
	}
	if _, err := l.do("restore", Selection{ID: p1}, Shape{}); queryError(t, err).Code != CodeRecordNotFound {
		t.Errorf("restore of a missing record = %v, want not found", err)
	}
}

// TestDestroy replays example 19: a hard delete of a person a favorite points to answers its id,
// removes the row and, by the foreign key's ON DELETE CASCADE, the favorite.
func TestDestroy(t *testing.T) {
	l := newLifecycle(t)
	before, err := l.e.FindOne(t.Context(), l.db, wsA, object(t, "person"), objects(), ada, Shape{})
	if err != nil {
		t.Fatal(err)
	}
	m := l.must("destroy", Selection{ID: ada}, Shape{Fields: []string{"id"}})
	if diff := cmp.Diff(&Mutation{Records: []map[string]any{{"id": ada}}, Changes: []Change{{ID: ada, Before: before}}}, m); diff != "" {
		t.Errorf("destroy (-want +got):\n%s", diff)
	}
	if n := len(tableRows(t, l.db, wsA, "favorite")); n != 0 {
		t.Errorf("%d favorites left, want the destroyed person's gone", n)
	}
	if _, err := l.do("destroy", Selection{ID: ada}, Shape{}); queryError(t, err).Code != CodeRecordNotFound {
		t.Errorf("destroy of a destroyed record = %v, want not found", err)
	}

	// A soft-deleted record can be destroyed, by id or by filter.
	l.must("delete", Selection{Filter: filterOf(t, "city[eq]:Kingston")}, Shape{})
	if m := l.must("destroy", Selection{ID: bob}, Shape{}); m.Records[0]["deletedAt"] == nil {
		t.Errorf("destroyed soft-deleted record = %v, want its deletedAt", m.Records[0])
	}
	m = l.must("destroy", Selection{Filter: filterOf(t, "position[gte]:2")}, Shape{Fields: []string{"id"}})
	if diff := cmp.Diff([]map[string]any{{"id": carla}, {"id": dan}}, m.Records); diff != "" {
		t.Errorf("destroyPeople (-want +got):\n%s", diff)
	}
	if n := len(tableRows(t, l.db, wsA, "person")); n != 0 {
		t.Errorf("%d people left, want none", n)
	}

	// Destroying a company empties its people's companyId (ON DELETE SET NULL).
	l2 := newLifecycle(t)
	if _, err := l2.e.DestroyMany(t.Context(), l2.db, wsA, object(t, "company"), objects(), Selection{ID: acme}, Shape{}); err != nil {
		t.Fatal(err)
	}
	if p, err := l2.e.FindOne(t.Context(), l2.db, wsA, object(t, "person"), objects(), ada, Shape{}); err != nil || p["companyId"] != nil {
		t.Errorf("ada after her company's destroy = %v, %v; want companyId null", p["companyId"], err)
	}
}

// TestDeleteErrors checks the errors of the three mutations and that they write nothing.
func TestDeleteErrors(t *testing.T) {
	for _, op := range []string{"delete", "destroy", "restore"} {
		for _, tt := range []struct {
			name  string
			sel   Selection
			shape Shape
			code  Code
			msg   string
		}{
			{"missing id", Selection{ID: p1}, Shape{}, CodeRecordNotFound, "Record not found"},
			{"malformed id", Selection{ID: "x"}, Shape{}, CodeInvalidQueryInput, `Value "x" is not a valid UUID`},
			{"no filter", Selection{}, Shape{}, CodeInvalidQueryInput, "A non-empty filter is required"},
			{"unknown field", Selection{ID: ada}, Shape{Fields: []string{"nope"}}, CodeInvalidFields, "'fields' parameter invalid. Unknown or unreadable fields on 'person': nope"},
			{"bad filter", Selection{Filter: filterOf(t, "position[eq]:x")}, Shape{}, CodeInvalidFilter, `Invalid number value NaN for field "position"`},
		} {
			t.Run(op+" "+tt.name, func(t *testing.T) {
				l := newLifecycle(t)
				before := tableRows(t, l.db, wsA, "person")
				_, err := l.do(op, tt.sel, tt.shape)
				if qe := queryError(t, err); qe.Code != tt.code || qe.Message != tt.msg {
					t.Errorf("error = %s %q, want %s %q", qe.Code, qe.Message, tt.code, tt.msg)
				}
				if diff := cmp.Diff(before, tableRows(t, l.db, wsA, "person")); diff != "" {
					t.Errorf("a refused %s wrote (-before +after):\n%s", op, diff)
				}
			})
		}
	}
	// Another workspace's record is not found.
	l := newLifecycle(t)
	var e Engine
	for _, call := range []func() (*Mutation, error){
		func() (*Mutation, error) {
			return e.DeleteMany(t.Context(), l.db, wsB, object(t, "person"), objects(), Selection{ID: ada}, Shape{})
		},
		func() (*Mutation, error) {
			return e.DestroyMany(t.Context(), l.db, wsB, object(t, "person"), objects(), Selection{ID: ada}, Shape{})
		},
	} {
		if _, err := call(); queryError(t, err).Code != CodeRecordNotFound {
			t.Errorf("mutation of another workspace's record = %v, want not found", err)
		}
	}
}
