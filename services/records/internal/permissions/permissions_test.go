package permissions

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

func ptr(b bool) *bool { return &b }

var (
	company = metadata.Object{ID: "c", NameSingular: "company", NamePlural: "companies", Fields: []metadata.Field{
		{ID: "c-name", Name: "name"}, {ID: "c-arr", Name: "annualRecurringRevenue"},
	}}
	opportunity = metadata.Object{ID: "o", NameSingular: "opportunity", NamePlural: "opportunities", Fields: []metadata.Field{
		{ID: "o-name", Name: "name"}, {ID: "o-amount", Name: "amount"}, {ID: "o-stage", Name: "stage"},
		{ID: "o-company", Name: "company", Relation: &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "company"}},
	}}
	objects = []metadata.Object{company, opportunity}
)

func member() *Role {
	return &Role{ID: "m", StandardID: "member", Label: "Member", CanAccessAllTools: true, CanReadAllObjectRecords: true,
		CanUpdateAllObjectRecords: true, CanSoftDeleteAllObjectRecords: true, CanDestroyAllObjectRecords: true}
}

// sales may read everything, update nothing on opportunities, not read amounts nor update
// stages, and not read companies' revenue.
func sales() *Role {
	r := member()
	r.ID, r.StandardID, r.Label = "s", "", "Sales"
	r.Objects = []ObjectPermission{{ObjectMetadataID: "o", CanUpdate: ptr(false), CanSoftDelete: ptr(false)}}
	r.Fields = []FieldPermission{
		{ObjectMetadataID: "o", FieldMetadataID: "o-amount", CanRead: ptr(false), CanUpdate: ptr(false)},
		{ObjectMetadataID: "o", FieldMetadataID: "o-stage", CanUpdate: ptr(false)},
		{ObjectMetadataID: "c", FieldMetadataID: "c-arr", CanRead: ptr(false), CanUpdate: ptr(false)},
		{ObjectMetadataID: "c", FieldMetadataID: "c-name", CanRead: ptr(true)}, // not a restriction
	}
	r.Flags = []Flag{{Flag: FlagDataModel}}
	return r
}

func TestCheck(t *testing.T) {
	readOnly := member()
	readOnly.CanUpdateAllObjectRecords, readOnly.CanSoftDeleteAllObjectRecords, readOnly.CanDestroyAllObjectRecords = false, false, false
	noRead := member()
	noRead.CanReadAllObjectRecords = false
	noRead.Objects = []ObjectPermission{{ObjectMetadataID: "c", CanRead: ptr(true)}}
	tests := []struct {
		name              string
		scope             *Scope
		obj               metadata.Object
		op                Op
		selected, written []string
		want              string // "" permitted, else the error message
	}{
		{"system reads", nil, opportunity, Read, nil, nil, ""},
		{"system destroys", nil, opportunity, Destroy, nil, nil, ""},
		{"member updates", NewScope(member()), opportunity, Update, nil, []string{"amount"}, ""},
		{"read-only reads", NewScope(readOnly), opportunity, Read, nil, nil, ""},
		{"read-only updates", NewScope(readOnly), company, Update, nil, nil, MsgPermissionDenied},
		{"read-only soft deletes", NewScope(readOnly), company, SoftDelete, nil, nil, MsgPermissionDenied},
		{"read-only destroys", NewScope(readOnly), company, Destroy, nil, nil, MsgPermissionDenied},
		{"no-read reads a permitted object", NewScope(noRead), company, Read, nil, nil, ""},
		{"no-read reads another", NewScope(noRead), opportunity, Read, nil, nil, MsgPermissionDenied},
		{"sales updates an opportunity", NewScope(sales()), opportunity, Update, nil, []string{"name"}, MsgPermissionDenied},
		{"sales destroys an opportunity (role-wide)", NewScope(sales()), opportunity, Destroy, nil, nil, ""},
		{"sales reads all of an opportunity", NewScope(sales()), opportunity, Read, nil, nil, ""},
		{"sales selects an amount", NewScope(sales()), opportunity, Read, []string{"id", "amount"}, nil,
			MsgPermissionDenied + `: no permission to read field "amount" on "opportunity"`},
		{"sales selects a stage", NewScope(sales()), opportunity, Read, []string{"stage"}, nil, ""},
		{"sales writes a company's name", NewScope(sales()), company, Update, nil, []string{"name"}, ""},
		{"sales writes a company's revenue", NewScope(sales()), company, Update, nil, []string{"name", "annualRecurringRevenue"},
			MsgPermissionDenied + `: no permission to write field "annualRecurringRevenue" on "company"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := tt.scope.Check(tt.obj, objects, tt.op, tt.selected, tt.written); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	noCompanies := sales()
	noCompanies.Objects = append(noCompanies.Objects, ObjectPermission{ObjectMetadataID: "c", CanRead: ptr(false)})
	tests := []struct {
		name  string
		scope *Scope
		in    map[string]any
		want  map[string]any
	}{
		{"member sees all", NewScope(member()),
			map[string]any{"id": "1", "amount": 1, "companyId": "c1", "company": map[string]any{"name": "A", "annualRecurringRevenue": 2}},
			map[string]any{"id": "1", "amount": 1, "companyId": "c1", "company": map[string]any{"name": "A", "annualRecurringRevenue": 2}}},
		{"sales loses amounts and revenue", NewScope(sales()),
			map[string]any{"id": "1", "amount": 1, "stage": "NEW", "companyId": "c1", "company": map[string]any{"name": "A", "annualRecurringRevenue": 2}},
			map[string]any{"id": "1", "stage": "NEW", "companyId": "c1", "company": map[string]any{"name": "A"}}},
		{"a relation to an unreadable object goes", NewScope(noCompanies),
			map[string]any{"id": "1", "companyId": "c1", "company": map[string]any{"name": "A"}},
			map[string]any{"id": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := []map[string]any{tt.in}
			tt.scope.Redact(opportunity, objects, recs)
			if diff := cmp.Diff(tt.want, recs[0]); diff != "" {
				t.Errorf("Redact (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFlagsAndModel(t *testing.T) {
	admin := &Role{ID: "a", StandardID: "admin", CanUpdateAllSettings: true}
	m := &Model{Roles: []Role{*admin, *member(), *sales()},
		Members: map[string]Member{"wm1": {UserWorkspaceID: "uw1", RoleID: "s"}},
		APIKeys: map[string]string{"k1": "a"}}
	got := map[string]any{}
	r, known := m.RoleOf(Principal{WorkspaceMemberID: "wm1"})
	got["member role"], got["member known"] = r.ID, known
	r, known = m.RoleOf(Principal{APIKeyID: "k1"})
	got["key role"], got["key known"] = r.ID, known
	_, got["stranger known"] = m.RoleOf(Principal{WorkspaceMemberID: "nobody"})
	got["sales flags"] = NewScope(m.Role("s")).FlagList()
	got["admin has ROLES"] = NewScope(m.Role("a")).HasFlag(FlagRoles)
	got["member has ROLES"] = NewScope(m.Role("m")).HasFlag(FlagRoles)
	got["system has ROLES"] = FromContext(context.Background()).HasFlag(FlagRoles)
	got["scope from ctx"] = FromContext(WithScope(context.Background(), NewScope(m.Role("s")))).Role.ID
	want := map[string]any{
		"member role": "s", "member known": true, "key role": "a", "key known": true, "stranger known": false,
		"sales flags":     []string{"DATA_MODEL", "AI", "UPLOAD_FILE", "DOWNLOAD_FILE", "SEND_EMAIL_TOOL", "CREATE_CALENDAR_EVENT_TOOL", "HTTP_REQUEST_TOOL", "CODE_INTERPRETER_TOOL", "IMPORT_CSV", "EXPORT_CSV"},
		"admin has ROLES": true, "member has ROLES": false, "system has ROLES": true, "scope from ctx": "s",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
