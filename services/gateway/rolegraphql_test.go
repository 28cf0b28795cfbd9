package main

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// fakeRoles is the records Worker's RoleService for the gateway's tests: member "m-limited" has a
// role with only the WORKFLOWS flag, every other principal is an admin; it records the
// principals it was called for.
type fakeRoles struct {
	recordsv1connect.UnimplementedRoleServiceHandler
	mu    sync.Mutex
	calls []string
}

func (f *fakeRoles) principal(ctx context.Context) string {
	p, _ := rpc.PrincipalOf(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	id := p.GetWorkspaceMemberId() + p.GetApiKeyId()
	f.calls = append(f.calls, id)
	return id
}

func (f *fakeRoles) GetPermissions(ctx context.Context, req *recordsv1.GetPermissionsRequest) (*recordsv1.GetPermissionsResponse, error) {
	if f.principal(ctx) == "m-limited" {
		return &recordsv1.GetPermissionsResponse{Role: &recordsv1.Role{Id: "r-limited", Label: "Limited"}, PermissionFlags: []string{"WORKFLOWS"},
			ObjectsPermissions: []*recordsv1.ObjectRecordsPermission{{ObjectMetadataId: "o-1", CanReadObjectRecords: true, RestrictedFieldsJson: []byte(`{"f-1":{"canRead":false}}`),
				ObjectNameSingular: "person", HiddenKeys: []string{"jobTitle"}}}}, nil
	}
	return &recordsv1.GetPermissionsResponse{Role: &recordsv1.Role{Id: "r-admin", Label: "Admin", CanUpdateAllSettings: true}, CanUpdateAllSettings: true}, nil
}

func (f *fakeRoles) GetRoles(ctx context.Context, req *recordsv1.GetRolesRequest) (*recordsv1.GetRolesResponse, error) {
	f.principal(ctx)
	return &recordsv1.GetRolesResponse{Roles: []*recordsv1.Role{
		{Id: "r-admin", Label: "Admin", CanUpdateAllSettings: true, CanBeAssignedToApiKeys: true, ApiKeyIds: []string{}},
		{Id: "r-sales", Label: "Sales", IsEditable: true, CanReadAllObjectRecords: true, CanBeAssignedToUsers: true,
			ObjectPermissions: []*recordsv1.ObjectPermission{{ObjectMetadataId: "o-1", CanUpdateObjectRecords: new(false)}},
			PermissionFlags:   []*recordsv1.PermissionFlag{{Id: "pf-1", RoleId: "r-sales", Flag: "DATA_MODEL"}}},
	}}, nil
}

func (f *fakeRoles) CreateRole(ctx context.Context, req *recordsv1.CreateRoleRequest) (*recordsv1.RoleResponse, error) {
	f.principal(ctx)
	if req.GetInput().GetLabel() == "Admin" {
		ce := connect.NewError(connect.CodeInvalidArgument, errString("A role with this label already exists"))
		ce.Meta().Set("Twenty-Code", "ROLE_LABEL_ALREADY_EXISTS")
		return nil, ce
	}
	return &recordsv1.RoleResponse{Role: &recordsv1.Role{Id: "r-new", Label: req.GetInput().GetLabel(), IsEditable: true,
		CanReadAllObjectRecords: req.GetInput().GetCanReadAllObjectRecords()}}, nil
}

func (f *fakeRoles) UpsertObjectPermissions(ctx context.Context, req *recordsv1.UpsertObjectPermissionsRequest) (*recordsv1.UpsertObjectPermissionsResponse, error) {
	f.principal(ctx)
	return &recordsv1.UpsertObjectPermissionsResponse{ObjectPermissions: req.GetObjectPermissions()}, nil
}

type errString string

func (e errString) Error() string { return string(e) }

// TestRoleGraphQL runs the roles operations and the settings guard through the gateway.
func TestRoleGraphQL(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	admin := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	limited := sign(t, authtoken.AccessClaims("u-2", "ws-1", "m-limited", "uw-2", "password", time.Now(), 0))
	post := func(token, query string) string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		res := s.do(t, http.MethodPost, "/metadata", string(body), "Content-Type", "application/json", "Authorization", "Bearer "+token)
		return res.Body.String()
	}
	tests := []struct {
		name, token, query, want string
	}{
		{"getRoles", admin, `{ getRoles { id label isEditable canReadAllObjectRecords objectPermissions { objectMetadataId canUpdateObjectRecords canReadObjectRecords } permissionFlags { flag } workspaceMembers { id } apiKeys { id } } }`,
			`{"data":{"getRoles":[{"id":"r-admin","label":"Admin","isEditable":false,"canReadAllObjectRecords":false,"objectPermissions":[],"permissionFlags":[],"workspaceMembers":[],"apiKeys":[]},` +
				`{"id":"r-sales","label":"Sales","isEditable":true,"canReadAllObjectRecords":true,"objectPermissions":[{"objectMetadataId":"o-1","canUpdateObjectRecords":false,"canReadObjectRecords":null}],"permissionFlags":[{"flag":"DATA_MODEL"}],"workspaceMembers":[],"apiKeys":[]}]}}`},
		{"getApiKeyRoles", admin, `{ getApiKeyRoles { label } }`, `{"data":{"getApiKeyRoles":[{"label":"Admin"}]}}`},
		{"createOneRole", admin, `mutation { createOneRole(createRoleInput: {label: "Ops", canReadAllObjectRecords: true}) { id label canReadAllObjectRecords } }`,
			`{"data":{"createOneRole":{"id":"r-new","label":"Ops","canReadAllObjectRecords":true}}}`},
		{"createOneRole taken", admin, `mutation { createOneRole(createRoleInput: {label: "Admin"}) { id } }`,
			`{"errors":[{"message":"A role with this label already exists","locations":[{"line":1,"column":12}],"path":["createOneRole"],"extensions":{"code":"BAD_USER_INPUT","subCode":"ROLE_LABEL_ALREADY_EXISTS"}}],"data":null}`},
		{"createOneRole without ROLES", limited, `mutation { createOneRole(createRoleInput: {label: "Ops"}) { id } }`,
			`{"errors":[{"message":"Entity performing the request does not have permission","locations":[{"line":1,"column":12}],"path":["createOneRole"],"extensions":{"code":"FORBIDDEN","subCode":"PERMISSION_DENIED","userFriendlyMessage":"You do not have permission to access this feature. Please contact your workspace administrator for access."}}],"data":null}`},
		{"createOneObject without DATA_MODEL", limited, `mutation { createOneObject(input: {object: {nameSingular: "x", namePlural: "xs", labelSingular: "X", labelPlural: "Xs"}}) { id } }`,
			`{"errors":[{"message":"Entity performing the request does not have permission","locations":[{"line":1,"column":12}],"path":["createOneObject"],"extensions":{"code":"FORBIDDEN","subCode":"PERMISSION_DENIED","userFriendlyMessage":"You do not have permission to access this feature. Please contact your workspace administrator for access."}}],"data":null}`},
		{"upsertObjectPermissions", admin, `mutation { upsertObjectPermissions(upsertObjectPermissionsInput: {roleId: "00000000-0000-4000-8000-000000000001", objectPermissions: [{objectMetadataId: "00000000-0000-4000-8000-000000000002", canUpdateObjectRecords: false}]}) { objectMetadataId canUpdateObjectRecords } }`,
			`{"data":{"upsertObjectPermissions":[{"objectMetadataId":"00000000-0000-4000-8000-000000000002","canUpdateObjectRecords":false}]}}`},
		{"currentUserWorkspace", limited, `{ currentUser { id currentUserWorkspace { id permissionFlags objectsPermissions { objectMetadataId canReadObjectRecords canUpdateObjectRecords restrictedFields } } workspaceMember { id roles { label } } } }`,
			`{"data":{"currentUser":{"id":"u-1","currentUserWorkspace":{"id":"uw-2","permissionFlags":["WORKFLOWS"],"objectsPermissions":[{"objectMetadataId":"o-1","canReadObjectRecords":true,"canUpdateObjectRecords":false,"restrictedFields":{"f-1":{"canRead":false}}}]},"workspaceMember":null}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := post(tt.token, tt.query)
			var g, w any
			if err := json.Unmarshal([]byte(got), &g); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			if err := json.Unmarshal([]byte(tt.want), &w); err != nil {
				t.Fatalf("want %s: %v", tt.want, err)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("%s (-want +got):\n%s\ngot %s", tt.query, diff, got)
			}
		})
	}
}
