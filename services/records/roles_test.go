package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// permWorkspace is a workspace as auth makes it (Admin and Member roles, an admin member) with a
// second member (Member) and an API key (Admin), served by one records server whose clients send
// the principal of their context (rpc.WithPrincipal), as the gateway's do.
type permWorkspace struct {
	h                     *harness
	ws                    string
	records               recordsv1connect.RecordsServiceClient
	roles                 recordsv1connect.RoleServiceClient
	admin, member, key    *commonv1.Principal
	adminRole, memberRole string
	objectIDs             map[string]string // by name
	fieldIDs              map[string]string // "object.field"
}

func newPermWorkspace(t *testing.T) *permWorkspace {
	h := newHarness(t)
	srv := httptest.NewServer(newHandler(h.control, h.shards, h.cache, h.jobs, nil, nil))
	t.Cleanup(srv.Close)
	p := &permWorkspace{h: h, ws: h.workspace(t),
		records:   recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...),
		roles:     recordsv1connect.NewRoleServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...),
		admin:     &commonv1.Principal{WorkspaceMemberId: ids.NewUUID(), UserWorkspaceId: ids.NewUUID()},
		member:    &commonv1.Principal{WorkspaceMemberId: ids.NewUUID(), UserWorkspaceId: ids.NewUUID()},
		key:       &commonv1.Principal{ApiKeyId: ids.NewUUID()},
		adminRole: ids.NewUUID(), memberRole: ids.NewUUID(), objectIDs: map[string]string{}, fieldIDs: map[string]string{},
	}
	ctx := context.Background()
	if _, err := p.records.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: p.ws, WorkspaceMemberId: p.admin.GetWorkspaceMemberId()}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO users (id, email) VALUES (?, ?), (?, ?)`, []any{"u1-" + p.ws, p.ws + "1@x.dev", "u2-" + p.ws, p.ws + "2@x.dev"}},
		{`INSERT INTO roles (id, workspace_id, standard_id, label, description, icon, is_editable, can_update_all_settings, can_be_assigned_to_api_keys)
VALUES (?, ?, 'admin', 'Admin', 'Admin role', 'IconUserCog', 0, 1, 1), (?, ?, 'member', 'Member', 'Member role', 'IconUser', 1, 0, 0)`,
			[]any{p.adminRole, p.ws, p.memberRole, p.ws}},
		{`INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
			[]any{p.admin.GetUserWorkspaceId(), "u1-" + p.ws, p.ws, p.admin.GetWorkspaceMemberId(), p.adminRole,
				p.member.GetUserWorkspaceId(), "u2-" + p.ws, p.ws, p.member.GetWorkspaceMemberId(), p.memberRole}},
		{`INSERT INTO api_keys (id, workspace_id, name, role_id, expires_at) VALUES (?, ?, 'key', ?, '2100-01-01')`, []any{p.key.GetApiKeyId(), p.ws, p.adminRole}},
	} {
		if _, err := h.control.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	res, err := p.records.FindObjects(ctx, &recordsv1.FindObjectsRequest{WorkspaceId: p.ws})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.GetObjects() {
		p.objectIDs[o.GetNameSingular()] = o.GetId()
		for _, f := range o.GetFields() {
			p.fieldIDs[o.GetNameSingular()+"."+f.GetName()] = f.GetId()
		}
	}
	return p
}

func as(p *commonv1.Principal) context.Context {
	return rpc.WithPrincipal(context.Background(), p)
}

func ptrTo(b bool) *bool { return &b }

func errMessage(err error) string {
	if ce, ok := err.(*connect.Error); ok {
		return ce.Message()
	}
	return err.Error()
}

// TestRolesAreEnforcedOnRecordCalls is the scenario through the contract: an admin makes
// a custom role without update on opportunities and with a person's city hidden, gives it to a
// member, whose update fails with Twenty's error while reads work and leave the city out; an
// API key with a read-only role cannot write; a grant reaches the cached schema at once.
func TestRolesAreEnforcedOnRecordCalls(t *testing.T) {
	p := newPermWorkspace(t)
	ctx := context.Background()
	admin, member, key := as(p.admin), as(p.member), as(p.key)

	sales, err := p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{
		Label: new("Sales"), CanReadAllObjectRecords: ptrTo(true), CanUpdateAllObjectRecords: ptrTo(true),
		CanSoftDeleteAllObjectRecords: ptrTo(true), CanDestroyAllObjectRecords: ptrTo(true)}})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	salesID := sales.GetRole().GetId()
	if _, err := p.roles.UpsertObjectPermissions(admin, &recordsv1.UpsertObjectPermissionsRequest{WorkspaceId: p.ws, RoleId: salesID,
		ObjectPermissions: []*recordsv1.ObjectPermission{{ObjectMetadataId: p.objectIDs["opportunity"], CanUpdateObjectRecords: ptrTo(false)}}}); err != nil {
		t.Fatalf("UpsertObjectPermissions: %v", err)
	}
	if _, err := p.roles.UpsertFieldPermissions(admin, &recordsv1.UpsertFieldPermissionsRequest{WorkspaceId: p.ws, RoleId: salesID,
		FieldPermissions: []*recordsv1.FieldPermission{{ObjectMetadataId: p.objectIDs["person"], FieldMetadataId: p.fieldIDs["person.city"],
			CanReadFieldValue: ptrTo(false), CanUpdateFieldValue: ptrTo(false)}}}); err != nil {
		t.Fatalf("UpsertFieldPermissions: %v", err)
	}
	reader, err := p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{Label: new("Reader"), CanReadAllObjectRecords: ptrTo(true)}})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	// The member lists people first, so this isolate caches the schema with the Member role.
	if _, err := p.records.FindMany(member, &recordsv1.FindManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Query: recordquery.ToProto(&recordquery.Query{Limit: 5})}); err != nil {
		t.Fatalf("member lists people: %v", err)
	}
	for _, a := range []*recordsv1.AssignRoleRequest{
		{WorkspaceId: p.ws, RoleId: salesID, WorkspaceMemberId: p.member.GetWorkspaceMemberId()},
		{WorkspaceId: p.ws, RoleId: reader.GetRole().GetId(), ApiKeyId: p.key.GetApiKeyId()},
	} {
		if _, err := p.roles.AssignRole(admin, a); err != nil {
			t.Fatalf("AssignRole %v: %v", a, err)
		}
	}
	// Records the system (no principal) makes.
	opp, person := ids.NewUUID(), ids.NewUUID()
	for _, c := range []*recordsv1.CreateManyRequest{
		{WorkspaceId: p.ws, ObjectNamePlural: "opportunities", RecordsJson: []byte(`[{"id":"` + opp + `","name":"Deal"}]`), Actor: &recordsv1.Actor{Source: "API"}},
		{WorkspaceId: p.ws, ObjectNamePlural: "people", RecordsJson: []byte(`[{"id":"` + person + `","city":"Paris","jobTitle":"CEO"}]`), Actor: &recordsv1.Actor{Source: "API"}},
	} {
		if _, err := p.records.CreateMany(ctx, c); err != nil {
			t.Fatalf("system create: %v", err)
		}
	}
	update := func(ctx context.Context, plural, id, data string) error {
		_, err := p.records.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: p.ws, ObjectNamePlural: plural,
			Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}}, DataJson: []byte(data), Actor: &recordsv1.Actor{Source: "API"}})
		return err
	}
	firstPerson := func(ctx context.Context) (map[string]any, error) {
		res, err := p.records.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Query: recordquery.ToProto(&recordquery.Query{Limit: 1})})
		if err != nil {
			return nil, err
		}
		var recs []map[string]any
		if err := json.Unmarshal(res.GetRecordsJson(), &recs); err != nil || len(recs) != 1 {
			t.Fatalf("people %s: %v", res.GetRecordsJson(), err)
		}
		return recs[0], nil
	}
	gql := func(ctx context.Context, query string) string {
		body, _ := json.Marshal(map[string]string{"query": query})
		res, err := p.records.GraphQL(ctx, &recordsv1.GraphQLRequest{WorkspaceId: p.ws, BodyJson: body, Actor: &recordsv1.Actor{Source: "API"}})
		if err != nil {
			t.Fatalf("GraphQL: %v", err)
		}
		return string(res.GetBodyJson())
	}

	denied := "permission_denied: Entity performing the request does not have permission"
	got := map[string]string{}
	msg := func(err error) string {
		if err == nil {
			return ""
		}
		return connect.CodeOf(err).String() + ": " + errMessage(err)
	}
	got["member updates an opportunity"] = msg(update(member, "opportunities", opp, `{"name":"Mine"}`))
	_, err = p.records.FindOne(member, &recordsv1.FindOneRequest{WorkspaceId: p.ws, ObjectNamePlural: "opportunities", Id: opp})
	got["member reads an opportunity"] = msg(err)
	got["member updates a person's job"] = msg(update(member, "people", person, `{"jobTitle":"CTO"}`))
	got["member updates a person's city"] = msg(update(member, "people", person, `{"city":"Lyon"}`))
	rec, err := firstPerson(member)
	_, hasCity := rec["city"]
	got["member lists people"] = msg(err) + map[bool]string{true: " with city", false: " without city"}[hasCity]
	rec, _ = firstPerson(admin)
	got["admin sees the city"] = rec["city"].(string)
	got["member selects city on /graphql"] = gql(member, `{ people { edges { node { city } } } }`)
	got["key updates a person"] = msg(update(key, "people", person, `{"jobTitle":"CFO"}`))
	_, err = firstPerson(key)
	got["key lists people"] = msg(err)
	got["key creates on /graphql"] = gql(key, `mutation { createPerson(data: {jobTitle: "x"}) { id } }`)
	got["stranger lists people"] = msg(func() error {
		_, err := firstPerson(as(&commonv1.Principal{WorkspaceMemberId: ids.NewUUID()}))
		return err
	}())
	_, err = p.roles.CreateRole(member, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{Label: new("Mine")}})
	got["member creates a role"] = msg(err)
	_, err = p.roles.AssignRole(admin, &recordsv1.AssignRoleRequest{WorkspaceId: p.ws, RoleId: p.memberRole, WorkspaceMemberId: p.admin.GetWorkspaceMemberId()})
	got["admin demotes itself"] = msg(err)
	_, err = p.roles.UpdateRole(admin, &recordsv1.UpdateRoleRequest{WorkspaceId: p.ws, Id: p.adminRole, Update: &recordsv1.RoleInput{Label: new("Boss")}})
	got["admin renames Admin"] = msg(err)
	_, err = p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{Label: new("sales")}})
	got["a second Sales"] = msg(err)

	// A grant reaches the member's next call although this isolate cached the schema.
	if _, err := p.roles.UpsertObjectPermissions(admin, &recordsv1.UpsertObjectPermissionsRequest{WorkspaceId: p.ws, RoleId: salesID,
		ObjectPermissions: []*recordsv1.ObjectPermission{{ObjectMetadataId: p.objectIDs["opportunity"], CanUpdateObjectRecords: ptrTo(true)}}}); err != nil {
		t.Fatalf("UpsertObjectPermissions: %v", err)
	}
	got["member updates an opportunity once granted"] = msg(update(member, "opportunities", opp, `{"name":"Mine"}`))

	want := map[string]string{
		"member updates an opportunity":  denied,
		"member reads an opportunity":    "",
		"member updates a person's job":  "",
		"member updates a person's city": denied + `: no permission to write field "city" on "person"`,
		"member lists people":            " without city",
		"admin sees the city":            "Paris",
		"member selects city on /graphql": `{"errors":[{"message":"Entity performing the request does not have permission: no permission to read field \"city\" on \"person\"",` +
			`"locations":[{"line":1,"column":3}],"path":["people"],"extensions":{"code":"FORBIDDEN","subCode":"PERMISSION_DENIED","userFriendlyMessage":"You do not have permission to perform this action."}}],"data":{"people":null}}`,
		"key updates a person":                       denied,
		"key lists people":                           "",
		"key creates on /graphql":                    "",
		"stranger lists people":                      denied,
		"member creates a role":                      denied,
		"admin demotes itself":                       "permission_denied: Cannot update self role",
		"admin renames Admin":                        "permission_denied: Role is not editable",
		"a second Sales":                             "invalid_argument: A role with this label already exists",
		"member updates an opportunity once granted": "",
	}
	if !strings.Contains(got["key creates on /graphql"], "Entity performing the request does not have permission") {
		t.Errorf("key creates on /graphql: %s", got["key creates on /graphql"])
	}
	got["key creates on /graphql"] = ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRolesAndEffectivePermissions reads what the metadata API shows: getRoles with assignees and
// permissions, and a caller's effective permissions.
func TestRolesAndEffectivePermissions(t *testing.T) {
	p := newPermWorkspace(t)
	admin := as(p.admin)
	role, err := p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{
		Label: new("Ops"), CanReadAllObjectRecords: ptrTo(true)}})
	if err != nil {
		t.Fatal(err)
	}
	id := role.GetRole().GetId()
	if _, err := p.roles.UpsertPermissionFlags(admin, &recordsv1.UpsertPermissionFlagsRequest{WorkspaceId: p.ws, RoleId: id, Flags: []string{"WORKFLOWS", "DATA_MODEL"}}); err != nil {
		t.Fatal(err)
	}
	_, err = p.roles.UpsertPermissionFlags(admin, &recordsv1.UpsertPermissionFlagsRequest{WorkspaceId: p.ws, RoleId: id, Flags: []string{"NOPE"}})
	if got := errMessage(err); got != "Invalid permission setting (unknown value)" {
		t.Errorf("unknown flag: %q", got)
	}
	_, err = p.roles.UpsertObjectPermissions(admin, &recordsv1.UpsertObjectPermissionsRequest{WorkspaceId: p.ws, RoleId: id,
		ObjectPermissions: []*recordsv1.ObjectPermission{{ObjectMetadataId: p.objectIDs["company"], CanReadObjectRecords: ptrTo(false), CanUpdateObjectRecords: ptrTo(true)}}})
	if got := errMessage(err); got != "Cannot give update permission to non-readable object" {
		t.Errorf("write without read: %q", got)
	}
	if _, err := p.roles.AssignRole(admin, &recordsv1.AssignRoleRequest{WorkspaceId: p.ws, RoleId: id, WorkspaceMemberId: p.member.GetWorkspaceMemberId()}); err != nil {
		t.Fatal(err)
	}
	roles, err := p.roles.GetRoles(admin, &recordsv1.GetRolesRequest{WorkspaceId: p.ws})
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Label   string
		Members int
		Keys    int
		Flags   []string
	}
	var gotRoles []summary
	for _, r := range roles.GetRoles() {
		s := summary{Label: r.GetLabel(), Members: len(r.GetWorkspaceMemberIds()), Keys: len(r.GetApiKeyIds())}
		for _, f := range r.GetPermissionFlags() {
			s.Flags = append(s.Flags, f.GetFlag())
		}
		gotRoles = append(gotRoles, s)
	}
	slices.SortFunc(gotRoles, func(a, b summary) int { return strings.Compare(a.Label, b.Label) })
	wantRoles := []summary{{Label: "Admin", Members: 1, Keys: 1}, {Label: "Member"}, {Label: "Ops", Members: 1, Flags: []string{"DATA_MODEL", "WORKFLOWS"}}}
	if diff := cmp.Diff(wantRoles, gotRoles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	perms, err := p.roles.GetPermissions(as(p.member), &recordsv1.GetPermissionsRequest{WorkspaceId: p.ws})
	if err != nil {
		t.Fatal(err)
	}
	var company *recordsv1.ObjectRecordsPermission
	for _, o := range perms.GetObjectsPermissions() {
		if o.GetObjectMetadataId() == p.objectIDs["company"] {
			company = o
		}
	}
	got := []any{perms.GetRole().GetLabel(), perms.GetPermissionFlags(), company.GetCanReadObjectRecords(), company.GetCanUpdateObjectRecords(), string(company.GetRestrictedFieldsJson())}
	want := []any{"Ops", []string{"DATA_MODEL", "WORKFLOWS"}, true, false, "{}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	// Deleting the role gives its member the Member role.
	if _, err := p.roles.DeleteRole(admin, &recordsv1.DeleteRoleRequest{WorkspaceId: p.ws, Id: id}); err != nil {
		t.Fatal(err)
	}
	perms, err = p.roles.GetPermissions(as(p.member), &recordsv1.GetPermissionsRequest{WorkspaceId: p.ws})
	if err != nil || perms.GetRole().GetLabel() != "Member" {
		t.Errorf("after delete: %v, %v", perms.GetRole().GetLabel(), err)
	}
}

// TestEveryRecordPathAsksThePermissions: reads of an object the role may not read fail on
// find, find one, group-by and GraphQL (nested reads included), search leaves the object out and
// embedded records lose the relation; soft delete, destroy, restore and merge need their
// permissions.
func TestEveryRecordPathAsksThePermissions(t *testing.T) {
	p := newPermWorkspace(t)
	ctx := context.Background()
	admin := as(p.admin)
	noCompanies, err := p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{Label: new("No companies"),
		CanReadAllObjectRecords: ptrTo(true), CanUpdateAllObjectRecords: ptrTo(true), CanSoftDeleteAllObjectRecords: ptrTo(true), CanDestroyAllObjectRecords: ptrTo(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.roles.UpsertObjectPermissions(admin, &recordsv1.UpsertObjectPermissionsRequest{WorkspaceId: p.ws, RoleId: noCompanies.GetRole().GetId(),
		ObjectPermissions: []*recordsv1.ObjectPermission{{ObjectMetadataId: p.objectIDs["company"], CanReadObjectRecords: ptrTo(false),
			CanUpdateObjectRecords: ptrTo(false), CanSoftDeleteObjectRecords: ptrTo(false), CanDestroyObjectRecords: ptrTo(false)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.roles.AssignRole(admin, &recordsv1.AssignRoleRequest{WorkspaceId: p.ws, RoleId: noCompanies.GetRole().GetId(), WorkspaceMemberId: p.member.GetWorkspaceMemberId()}); err != nil {
		t.Fatal(err)
	}
	keepsNothing, err := p.roles.CreateRole(admin, &recordsv1.CreateRoleRequest{WorkspaceId: p.ws, Input: &recordsv1.RoleInput{Label: new("Keeps nothing"),
		CanReadAllObjectRecords: ptrTo(true), CanUpdateAllObjectRecords: ptrTo(true), CanBeAssignedToApiKeys: ptrTo(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.roles.AssignRole(admin, &recordsv1.AssignRoleRequest{WorkspaceId: p.ws, RoleId: keepsNothing.GetRole().GetId(), ApiKeyId: p.key.GetApiKeyId()}); err != nil {
		t.Fatal(err)
	}
	company, person, other := ids.NewUUID(), ids.NewUUID(), ids.NewUUID()
	for _, c := range []*recordsv1.CreateManyRequest{
		{WorkspaceId: p.ws, ObjectNamePlural: "companies", RecordsJson: []byte(`[{"id":"` + company + `","name":"Apple"}]`)},
		{WorkspaceId: p.ws, ObjectNamePlural: "people", RecordsJson: []byte(`[{"id":"` + person + `","name":{"firstName":"Applebee"},"companyId":"` + company + `"},{"id":"` + other + `","name":{"firstName":"Applebee"}}]`)},
	} {
		c.Actor = &recordsv1.Actor{Source: "API"}
		if _, err := p.records.CreateMany(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	member, key := as(p.member), as(p.key)
	byID := func(id string) *recordsv1.Selection { return &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}} }
	gql := func(ctx context.Context, query string) string {
		body, _ := json.Marshal(map[string]string{"query": query})
		res, err := p.records.GraphQL(ctx, &recordsv1.GraphQLRequest{WorkspaceId: p.ws, BodyJson: body, Actor: &recordsv1.Actor{Source: "API"}})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.GetBodyJson())
	}
	code := func(err error) string {
		if err == nil {
			return "ok"
		}
		return connect.CodeOf(err).String()
	}
	got := map[string]string{}
	_, err = p.records.FindMany(member, &recordsv1.FindManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "companies", Query: recordquery.ToProto(&recordquery.Query{Limit: 5})})
	got["find companies"] = code(err)
	_, err = p.records.FindOne(member, &recordsv1.FindOneRequest{WorkspaceId: p.ws, ObjectNamePlural: "companies", Id: company})
	got["find a company"] = code(err)
	_, err = p.records.GroupBy(member, &recordsv1.GroupByRequest{WorkspaceId: p.ws, ObjectNamePlural: "companies"})
	got["group companies"] = code(err)
	res, err := p.records.FindMany(member, &recordsv1.FindManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Query: recordquery.ToProto(&recordquery.Query{Limit: 5, Depth: 1})})
	got["people at depth 1"] = code(err)
	if strings.Contains(string(res.GetRecordsJson()), "Apple\"") || strings.Contains(string(res.GetRecordsJson()), company) {
		got["people at depth 1"] += " with the company"
	}
	if body := gql(member, `{ people { edges { node { id company { name } } } } }`); strings.Contains(body, `"FORBIDDEN"`) {
		got["people with their company on /graphql"] = "FORBIDDEN"
	}
	found := gql(member, `{ search(searchInput: "Apple", limit: 10) { edges { node { objectNameSingular } } } }`)
	got["search Apple"] = map[bool]string{true: "companies found", false: "no company"}[strings.Contains(found, `"company"`)]
	if !strings.Contains(found, `"person"`) {
		got["search Apple"] += ", no person: " + found
	}
	_, err = p.records.DeleteMany(key, &recordsv1.DeleteManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Selection: byID(other), Actor: &recordsv1.Actor{Source: "API"}})
	got["key soft-deletes"] = code(err)
	_, err = p.records.DeleteMany(key, &recordsv1.DeleteManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Selection: byID(other), Destroy: true, Actor: &recordsv1.Actor{Source: "API"}})
	got["key destroys"] = code(err)
	if _, err := p.records.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Selection: byID(other), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatal(err)
	}
	_, err = p.records.RestoreMany(key, &recordsv1.RestoreManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Selection: byID(other), Actor: &recordsv1.Actor{Source: "API"}})
	got["key restores"] = code(err)
	_, err = p.records.MergeMany(key, &recordsv1.MergeManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Ids: []string{person, other}, Actor: &recordsv1.Actor{Source: "API"}})
	got["key merges"] = code(err)
	_, err = p.records.UpdateMany(key, &recordsv1.UpdateManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Selection: byID(person),
		DataJson: []byte(`{"jobTitle":"CEO"}`), Actor: &recordsv1.Actor{Source: "API"}})
	got["key updates"] = code(err)
	want := map[string]string{
		"find companies": "permission_denied", "find a company": "permission_denied", "group companies": "permission_denied",
		"people at depth 1": "ok", "people with their company on /graphql": "FORBIDDEN", "search Apple": "no company",
		"key soft-deletes": "permission_denied", "key destroys": "permission_denied", "key restores": "permission_denied",
		"key merges": "permission_denied", "key updates": "ok",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
