package eventsub

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

func TestViewOf(t *testing.T) {
	tests := []struct {
		name string
		res  *recordsv1.GetPermissionsResponse
		want *View
	}{
		{"no answer", nil, nil},
		{"system", &recordsv1.GetPermissionsResponse{System: true}, nil},
		{"reads everything", &recordsv1.GetPermissionsResponse{ObjectsPermissions: []*recordsv1.ObjectRecordsPermission{
			{ObjectNameSingular: "person", CanReadObjectRecords: true}}}, nil},
		{"restricted", &recordsv1.GetPermissionsResponse{ObjectsPermissions: []*recordsv1.ObjectRecordsPermission{
			{ObjectNameSingular: "person", CanReadObjectRecords: true, HiddenKeys: []string{"jobTitle"}},
			{ObjectNameSingular: "opportunity"},
			{ObjectNameSingular: "company"},
			{ObjectNameSingular: "note", CanReadObjectRecords: true},
			{CanReadObjectRecords: false}, // an answer without names: an older records Worker
		}}, &View{Deny: []string{"company", "opportunity"}, Hide: map[string][]string{"person": {"jobTitle"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ViewOf(tt.res)); diff != "" {
				t.Errorf("ViewOf (-want +got):\n%s", diff)
			}
		})
	}
	v := ViewOf(tests[3].res)
	got := []any{v.Denies("company"), v.Denies("person"), v.Hidden("person"), v.Hidden("note"), (*View)(nil).Denies("person"), (*View)(nil).Hidden("person")}
	want := []any{true, false, []string{"jobTitle"}, []string(nil), false, []string(nil)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Denies/Hidden (-want +got):\n%s", diff)
	}
}
