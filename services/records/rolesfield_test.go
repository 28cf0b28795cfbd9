package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// TestGetPermissionsNamesTheAskedField: GetPermissions answers the field a request names with
// its type and object (an upload into a FILES field checks that object), nothing for a field the
// workspace does not have or when none is asked.
func TestGetPermissionsNamesTheAskedField(t *testing.T) {
	p := newPermWorkspace(t)
	for _, tc := range []struct {
		name, field string
		want        *recordsv1.PermissionsField
	}{
		{"a field", p.fieldIDs["company.name"], &recordsv1.PermissionsField{Id: p.fieldIDs["company.name"], Type: "TEXT", ObjectMetadataId: p.objectIDs["company"]}},
		{"another object's field", p.fieldIDs["person.city"], &recordsv1.PermissionsField{Id: p.fieldIDs["person.city"], Type: "TEXT", ObjectMetadataId: p.objectIDs["person"]}},
		{"unknown field", "20202020-0000-4000-8000-000000000001", nil},
		{"none asked", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.roles.GetPermissions(as(p.member), &recordsv1.GetPermissionsRequest{WorkspaceId: p.ws, FieldMetadataId: tc.field})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.GetField(), protocmp.Transform()); diff != "" {
				t.Errorf("field (-want +got):\n%s", diff)
			}
			if len(res.GetObjectsPermissions()) == 0 {
				t.Error("no objects permissions")
			}
		})
	}
}
