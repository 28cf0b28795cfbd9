package engine

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWorkspaceIsolation checks that a workspace's queries read its own tables only.
func TestWorkspaceIsolation(t *testing.T) {
	db := newDB(t, wsA, wsB)
	seed(t, db, wsA)
	const other = "00000000-0000-4000-8000-0000000000b1"
	insert(t, db, wsB, "person", row{"id": other, "nameFirstName": "Other", "city": "London"})

	var e Engine
	for _, tt := range []struct {
		ws     string
		params string
		want   []string
	}{
		{wsA, "filter=city[eq]:London", []string{ada}},
		{wsB, "filter=city[eq]:London", []string{other}},
		{wsB, "", []string{other}},
		{wsB, "depth=1&filter=companyId[is]:NULL", []string{other}},
	} {
		p, err := e.FindMany(t.Context(), db, tt.ws, object(t, "person"), objects(), parse(t, tt.params))
		if err != nil {
			t.Fatalf("FindMany(%s, %q): %v", tt.ws, tt.params, err)
		}
		if diff := cmp.Diff(idsOf(p.Records), tt.want); diff != "" || p.TotalCount != len(tt.want) {
			t.Errorf("FindMany(%s, %q) ids mismatch (-got +want):\n%s totalCount = %d", tt.ws, tt.params, diff, p.TotalCount)
		}
	}
}

// TestSoftDelete checks that soft-deleted records are hidden unless the filter names deletedAt,
// as in Twenty (all-people-resolvers.integration-spec.ts).
func TestSoftDelete(t *testing.T) {
	f := newFixture(t)
	const deleted = "00000000-0000-4000-8000-0000000000de"
	insert(t, f.db, wsA, "person", row{"id": deleted, "position": 4.0, "deletedAt": "2024-06-01T00:00:00.000Z"})
	tests := []struct {
		params string
		want   []string
	}{
		{"", []string{carla, bob, dan, ada}},
		{"filter=position[gte]:3", []string{dan}},
		{"filter=id[eq]:" + deleted, []string{}},
		{"filter=deletedAt[is]:NOT_NULL", []string{deleted}},
		{"filter=not(deletedAt[is]:NULL)", []string{deleted}},
		{"filter=or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)", []string{carla, bob, dan, ada, deleted}},
		{"filter=deletedAt[gt]:2024-01-01,position[gte]:3", []string{deleted}},
	}
	for _, tt := range tests {
		p := f.find("person", tt.params)
		want := append([]string{}, slices.Sorted(slices.Values(tt.want))...)
		if diff := cmp.Diff(idsOf(p.Records), want); diff != "" || p.TotalCount != len(want) {
			t.Errorf("%q mismatch (-got +want):\n%s totalCount = %d, want %d", tt.params, diff, p.TotalCount, len(tt.want))
		}
	}
}
