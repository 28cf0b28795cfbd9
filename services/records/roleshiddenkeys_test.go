package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// TestGetPermissionsHiddenKeys: GetPermissions names each object and the keys of its records the
// principal may not read (what the realtime Worker leaves out of its events): a hidden field,
// and the relation (with its join column) to an object the role may not read.
func TestGetPermissionsHiddenKeys(t *testing.T) {
	p := newPermWorkspace(t)
	admin := as(p.admin)
	role, err := p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{Label: new("Events"),
		CanReadAllObjectRecords: ptrTo(true), CanUpdateAllObjectRecords: ptrTo(true), CanSoftDeleteAllObjectRecords: ptrTo(true), CanDestroyAllObjectRecords: ptrTo(true)}})
	if err != nil {
		t.Fatal(err)
	}
	id := role.GetRole().GetId()
	if _, err := p.roles.UpsertObjectPermissions(admin, &recordsv1.UpsertObjectPermissionsRequest{WorkspaceId: p.ws, RoleId: id,
		ObjectPermissions: []*recordsv1.ObjectPermission{{ObjectMetadataId: p.objectIDs["company"], CanReadObjectRecords: ptrTo(false),
			CanUpdateObjectRecords: ptrTo(false), CanSoftDeleteObjectRecords: ptrTo(false), CanDestroyObjectRecords: ptrTo(false)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.roles.UpsertFieldPermissions(admin, &recordsv1.UpsertFieldPermissionsRequest{WorkspaceId: p.ws, RoleId: id,
		FieldPermissions: []*recordsv1.FieldPermission{{ObjectMetadataId: p.objectIDs["person"], FieldMetadataId: p.fieldIDs["person.jobTitle"],
			CanReadFieldValue: ptrTo(false), CanUpdateFieldValue: ptrTo(false)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.roles.AssignRole(admin, &recordsv1.AssignRoleRequest{WorkspaceId: p.ws, RoleId: id, WorkspaceMemberId: p.member.GetWorkspaceMemberId()}); err != nil {
		t.Fatal(err)
	}
	type object struct {
		Read   bool
		Hidden []string
	}
	summarize := func(res *recordsv1.GetPermissionsResponse) map[string]object {
		out := map[string]object{}
		for _, o := range res.GetObjectsPermissions() {
			if n := o.GetObjectNameSingular(); n == "person" || n == "company" || n == "opportunity" {
				out[n] = object{Read: o.GetCanReadObjectRecords(), Hidden: o.GetHiddenKeys()}
			}
		}
		return out
	}
	for _, tt := range []struct {
		name string
		as   string
		want map[string]object
	}{
		{"member with the role", "member", map[string]object{
			"person":      {Read: true, Hidden: []string{"jobTitle", "company", "companyId"}},
			"company":     {Read: false},
			"opportunity": {Read: true, Hidden: []string{"company", "companyId"}},
		}},
		{"admin", "admin", map[string]object{"person": {Read: true}, "company": {Read: true}, "opportunity": {Read: true}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			who := p.member
			if tt.as == "admin" {
				who = p.admin
			}
			res, err := p.roles.GetPermissions(as(who), &recordsv1.GetPermissionsRequest{WorkspaceId: p.ws})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarize(res)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}
