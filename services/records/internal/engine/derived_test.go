package engine

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// TestObjectLayoutFollowsTheFields checks that what is derived once per fields slice is the
// fields' own: the same slice renders as before, and a schema rebuilt with a field renamed (a new
// slice, as every metadata change makes) renders with the new name, not the cached old one.
func TestObjectLayoutFollowsTheFields(t *testing.T) {
	person := object(t, "person")
	renamed := person
	renamed.Fields = slices.Clone(person.Fields)
	i := slices.IndexFunc(renamed.Fields, func(f metadata.Field) bool { return f.Name == "city" })
	if i < 0 {
		t.Fatal("no city field")
	}
	renamed.Fields[i].Name = "town"
	get := func(name string) any {
		return map[string]any{"id": "p1", "city": "Paris", "town": "Oslo"}[name]
	}
	tests := []struct {
		name   string
		fields []metadata.Field
		key    string
		want   any
	}{
		{"first use", person.Fields, "city", "Paris"},
		{"same slice again", person.Fields, "city", "Paris"},
		{"renamed in a new slice", renamed.Fields, "town", "Oslo"},
		{"old slice still", person.Fields, "city", "Paris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := objectLayout(tt.fields).render(get, nil)
			if diff := cmp.Diff(tt.want, rec[tt.key]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.key, diff)
			}
			if diff := cmp.Diff(layoutOf(tt.fields).render(get, nil), rec); diff != "" {
				t.Errorf("cached layout renders unlike a fresh one (-fresh +cached):\n%s", diff)
			}
		})
	}
	if a, b := objectImages("t1", person), objectImages("t2", person); a == b {
		t.Errorf("images of two tables are the same subquery: %s", a)
	}
}
