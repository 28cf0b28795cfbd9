//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// permWorkspace is an admin's workspace with a colleague who joined through the public invite
// link (a Member), and the ids of the objects and fields the tests restrict.
type permWorkspace struct {
	admin             account
	colleague         string // the colleague's access token
	colleagueMemberID string
	objects           map[string]string // object id by singular name
	fields            map[string]string // field id by "object.field"
}

func newPermWorkspace(t *testing.T) permWorkspace {
	t.Helper()
	p := permWorkspace{admin: onboard(t, "/metadata"), objects: map[string]string{}, fields: map[string]string{}}
	hash := data[struct {
		CurrentUser struct{ CurrentWorkspace struct{ InviteHash string } }
	}](t, gql(t, "/metadata", p.admin.access, `{ currentUser { currentWorkspace { inviteHash } } }`, nil)).CurrentUser.CurrentWorkspace.InviteHash
	joined := data[struct{ SignUpInWorkspace struct{ LoginToken token } }](t, gql(t, "/metadata", "", `mutation($e: String!, $h: String) {
		signUpInWorkspace(email: $e, password: "hopper-1906", workspaceInviteHash: $h) { loginToken { token } } }`,
		map[string]any{"e": "colleague-" + randomHex(t, 4) + "@apple.dev", "h": hash}))
	tokens := data[struct{ GetAuthTokensFromLoginToken struct{ Tokens tokenPair } }](t, gql(t, "/metadata", "",
		`mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001") { `+tokenFields+` } }`,
		map[string]any{"t": joined.SignUpInWorkspace.LoginToken.Token}))
	p.colleague = tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token
	p.colleagueMemberID = data[struct {
		CurrentUser struct{ WorkspaceMember struct{ ID string } }
	}](t, gql(t, "/metadata", p.colleague, `{ currentUser { workspaceMember { id } } }`, nil)).CurrentUser.WorkspaceMember.ID
	objs := data[struct {
		Objects struct {
			Edges []struct {
				Node struct {
					ID, NameSingular string
					Fields           struct {
						Edges []struct{ Node struct{ ID, Name string } }
					}
				}
			}
		}
	}](t, gql(t, "/metadata", p.admin.access, `{ objects(paging: {first: 1000}) { edges { node { id nameSingular
		fields(paging: {first: 1000}) { edges { node { id name } } } } } } }`, nil))
	for _, e := range objs.Objects.Edges {
		p.objects[e.Node.NameSingular] = e.Node.ID
		for _, f := range e.Node.Fields.Edges {
			p.fields[e.Node.NameSingular+"."+f.Node.Name] = f.Node.ID
		}
	}
	return p
}

// createRole makes a custom role as the admin and answers its id.
func (p permWorkspace) createRole(t *testing.T, input map[string]any) string {
	t.Helper()
	return data[struct{ CreateOneRole struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: CreateRoleInput!) { createOneRole(createRoleInput: $in) { id } }`, map[string]any{"in": input})).CreateOneRole.ID
}

const permissionDenied = "Entity performing the request does not have permission"

// TestRolesLimitAColleague is the scenario on the real stack: the admin makes a role
// without update on opportunities and with people's city hidden, and gives it to a colleague
// who joined through the invite link; the colleague's updates fail with Twenty's error on REST
// and GraphQL while reads work, and reads leave the city out.
func TestRolesLimitAColleague(t *testing.T) {
	p := newPermWorkspace(t)
	sales := p.createRole(t, map[string]any{"label": "Sales", "canReadAllObjectRecords": true, "canUpdateAllObjectRecords": true,
		"canSoftDeleteAllObjectRecords": true, "canDestroyAllObjectRecords": true})
	data[struct {
		UpsertObjectPermissions []struct{ ObjectMetadataID string }
	}](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $in) { objectMetadataId } }`,
		map[string]any{"in": map[string]any{"roleId": sales, "objectPermissions": []any{map[string]any{"objectMetadataId": p.objects["opportunity"], "canUpdateObjectRecords": false}}}}))
	data[struct{ UpsertFieldPermissions []struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertFieldPermissionsInput!) { upsertFieldPermissions(upsertFieldPermissionsInput: $in) { id } }`,
		map[string]any{"in": map[string]any{"roleId": sales, "fieldPermissions": []any{map[string]any{"objectMetadataId": p.objects["person"],
			"fieldMetadataId": p.fields["person.city"], "canReadFieldValue": false, "canUpdateFieldValue": false}}}}))
	assigned := data[struct {
		UpdateWorkspaceMemberRole struct {
			ID    string
			Roles []struct{ Label string }
		}
	}](t, gql(t, "/metadata", p.admin.access, `mutation($m: UUID!, $r: UUID!) { updateWorkspaceMemberRole(workspaceMemberId: $m, roleId: $r) { id roles { label } } }`,
		map[string]any{"m": p.colleagueMemberID, "r": sales})).UpdateWorkspaceMemberRole
	if assigned.ID != p.colleagueMemberID || len(assigned.Roles) != 1 || assigned.Roles[0].Label != "Sales" {
		t.Errorf("updateWorkspaceMemberRole = %+v", assigned)
	}

	admin, _ := sender(t, []string{"Authorization", "Bearer " + p.admin.access, "Content-Type", "application/json"})
	colleague, expect := sender(t, []string{"Authorization", "Bearer " + p.colleague, "Content-Type", "application/json"})
	opp := decode[struct {
		Data struct{ CreateOpportunity struct{ ID string } }
	}](t, admin(http.MethodPost, "/rest/opportunities", `{"name":"Big deal"}`)).Data.CreateOpportunity.ID
	person := decode[struct {
		Data struct{ CreatePerson struct{ ID string } }
	}](t, admin(http.MethodPost, "/rest/people", `{"name":{"firstName":"Ada"},"city":"Paris","jobTitle":"CEO"}`)).Data.CreatePerson.ID

	// Updates of opportunities fail with Twenty's 403 and FORBIDDEN; reads work.
	r := colleague(http.MethodPatch, "/rest/opportunities/"+opp, `{"name":"Mine"}`)
	if got := decode[envelope](t, r); r.status != http.StatusForbidden || len(got.Messages) != 1 || got.Messages[0] != permissionDenied {
		t.Errorf("the colleague's REST update of an opportunity = %d %s", r.status, r.body)
	}
	wantGQLError(t, "the colleague's GraphQL update of an opportunity", gql(t, "/graphql", p.colleague,
		`mutation($id: UUID!) { updateOpportunity(id: $id, data: {name: "Mine"}) { id } }`, map[string]any{"id": opp}), "FORBIDDEN", permissionDenied)
	expect(colleague(http.MethodGet, "/rest/opportunities/"+opp, ""), http.StatusOK, "the colleague reads the opportunity")
	expect(colleague(http.MethodPost, "/rest/companies", `{"name":"Apple"}`), http.StatusCreated, "the colleague creates a company")

	// The city is left out of the colleague's reads and refused on writes.
	for _, path := range []string{"/rest/people/" + person, "/rest/people"} {
		r := colleague(http.MethodGet, path, "")
		if r.status != http.StatusOK || strings.Contains(string(r.body), "Paris") || strings.Contains(string(r.body), `"city"`) || !strings.Contains(string(r.body), "CEO") {
			t.Errorf("the colleague's GET %s = %d %s, want the person without a city", path, r.status, r.body)
		}
	}
	if r := admin(http.MethodGet, "/rest/people/"+person, ""); !strings.Contains(string(r.body), "Paris") {
		t.Errorf("the admin's GET of the person = %s, want the city", r.body)
	}
	r = colleague(http.MethodPatch, "/rest/people/"+person, `{"city":"Lyon"}`)
	if got := decode[envelope](t, r); r.status != http.StatusForbidden || len(got.Messages) != 1 || got.Messages[0] != permissionDenied+`: no permission to write field "city" on "person"` {
		t.Errorf("the colleague's update of the city = %d %s", r.status, r.body)
	}
	expect(colleague(http.MethodPatch, "/rest/people/"+person, `{"jobTitle":"CTO"}`), http.StatusOK, "the colleague updates the job title")
	wantGQLError(t, "the colleague selecting the city on /graphql", gql(t, "/graphql", p.colleague, `{ people { edges { node { id city } } } }`, nil),
		"FORBIDDEN", permissionDenied+`: no permission to read field "city" on "person"`)

	// The colleague's own permissions, as Twenty's web app reads them; no role settings.
	me := data[struct {
		CurrentUser struct {
			CurrentUserWorkspace struct {
				PermissionFlags    []string
				ObjectsPermissions []struct {
					ObjectMetadataID                             string
					CanReadObjectRecords, CanUpdateObjectRecords bool
					RestrictedFields                             map[string]struct{ CanRead *bool }
				}
			}
			WorkspaceMember struct{ Roles []struct{ Label string } }
		}
	}](t, gql(t, "/metadata", p.colleague, `{ currentUser { currentUserWorkspace { permissionFlags
		objectsPermissions { objectMetadataId canReadObjectRecords canUpdateObjectRecords restrictedFields } } workspaceMember { roles { label } } } }`, nil)).CurrentUser
	checked := 0
	for _, o := range me.CurrentUserWorkspace.ObjectsPermissions {
		switch o.ObjectMetadataID {
		case p.objects["opportunity"]:
			checked++
			if !o.CanReadObjectRecords || o.CanUpdateObjectRecords {
				t.Errorf("objectsPermissions of opportunity = %+v", o)
			}
		case p.objects["person"]:
			checked++
			if c := o.RestrictedFields[p.fields["person.city"]].CanRead; !o.CanUpdateObjectRecords || c == nil || *c {
				t.Errorf("objectsPermissions of person = %+v", o)
			}
		}
	}
	if checked != 2 || len(me.WorkspaceMember.Roles) != 1 || me.WorkspaceMember.Roles[0].Label != "Sales" || strings.Contains(strings.Join(me.CurrentUserWorkspace.PermissionFlags, ","), "ROLES") {
		t.Errorf("the colleague's currentUser = %+v", me)
	}
	wantGQLError(t, "the colleague creating a role", gql(t, "/metadata", p.colleague, `mutation { createOneRole(createRoleInput: {label: "Mine"}) { id } }`, nil),
		"FORBIDDEN", permissionDenied)
	wantGQLError(t, "the colleague creating an object", gql(t, "/metadata", p.colleague,
		`mutation { createOneObject(input: {object: {nameSingular: "deal", namePlural: "deals", labelSingular: "Deal", labelPlural: "Deals"}}) { id } }`, nil),
		"FORBIDDEN", permissionDenied)

	// A grant takes effect on the colleague's next request.
	data[struct {
		UpsertObjectPermissions []struct{ ObjectMetadataID string }
	}](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $in) { objectMetadataId } }`,
		map[string]any{"in": map[string]any{"roleId": sales, "objectPermissions": []any{map[string]any{"objectMetadataId": p.objects["opportunity"], "canUpdateObjectRecords": true}}}}))
	expect(colleague(http.MethodPatch, "/rest/opportunities/"+opp, `{"name":"Mine"}`), http.StatusOK, "the colleague's update once granted")
}

// TestReadOnlyAPIKeyCannotWrite: an API key with a read-only role reads but cannot write, on
// REST and GraphQL.
func TestReadOnlyAPIKeyCannotWrite(t *testing.T) {
	p := newPermWorkspace(t)
	reader := p.createRole(t, map[string]any{"label": "Reader", "canReadAllObjectRecords": true, "canBeAssignedToApiKeys": true})
	expires := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	key := data[struct {
		CreateAPIKey struct {
			ID   string
			Role struct{ Label string }
		} `json:"createApiKey"`
	}](t, gql(t, "/metadata", p.admin.access, `mutation($e: String!, $r: UUID) { createApiKey(input: {name: "BI", expiresAt: $e, roleId: $r}) { id role { label } } }`,
		map[string]any{"e": expires, "r": reader})).CreateAPIKey
	keyToken := data[struct {
		GenerateAPIKeyToken struct{ Token string } `json:"generateApiKeyToken"`
	}](t, gql(t, "/metadata", p.admin.access, `mutation($id: UUID!, $e: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $e) { token } }`,
		map[string]any{"id": key.ID, "e": expires})).GenerateAPIKeyToken.Token
	send, expect := sender(t, []string{"Authorization", "Bearer " + keyToken, "Content-Type", "application/json"})
	expect(send(http.MethodGet, "/rest/people", ""), http.StatusOK, "the key lists people")
	r := send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Grace"}}`)
	if got := decode[envelope](t, r); r.status != http.StatusForbidden || len(got.Messages) != 1 || got.Messages[0] != permissionDenied {
		t.Errorf("the key's REST create = %d %s", r.status, r.body)
	}
	wantGQLError(t, "the key's GraphQL create", gql(t, "/graphql", keyToken, `mutation { createPerson(data: {jobTitle: "x"}) { id } }`, nil), "FORBIDDEN", permissionDenied)
	if r := gql(t, "/graphql", keyToken, `{ people { totalCount } }`, nil); len(r.Errors) > 0 {
		t.Errorf("the key's GraphQL read: %+v", r.Errors)
	}
	roles := data[struct {
		GetAPIKeyRoles []struct{ Label string } `json:"getApiKeyRoles"`
	}](t, gql(t, "/metadata", p.admin.access, `{ getApiKeyRoles { label } }`, nil)).GetAPIKeyRoles
	if key.Role.Label != "Reader" || len(roles) != 2 {
		t.Errorf("createApiKey role = %q, getApiKeyRoles = %+v", key.Role.Label, roles)
	}
}

// TestRolesWithTwentyClientSDK runs Twenty's own client (twenty-client-sdk's MetadataApiClient,
// infra/e2e/sdk/permissions.mjs): getRoles, upsertObjectPermissions and
// currentUser{currentUserWorkspace{permissionFlags objectsPermissions}}.
func TestRolesWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	p := newPermWorkspace(t)
	role := p.createRole(t, map[string]any{"label": "Support", "canReadAllObjectRecords": true, "canUpdateAllObjectRecords": true})
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "permissions.mjs"),
		s.BaseURL, p.admin.access, role, p.objects["company"])
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node permissions.mjs: %v\n%s", err, stderr.String())
	}
	type objectPermission struct {
		ObjectMetadataID                                    string
		CanReadObjectRecords, CanUpdateObjectRecords        *bool
		CanSoftDeleteObjectRecords, CanDestroyObjectRecords *bool
	}
	var got struct {
		Roles []struct {
			ID, Label            string
			CanUpdateAllSettings bool
		}
		Upserted []objectPermission
		Me       struct {
			CurrentUserWorkspace struct {
				PermissionFlags    []string
				ObjectsPermissions []objectPermission
			}
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node permissions.mjs printed %q: %v", out, err)
	}
	labels := []string{}
	for _, r := range got.Roles {
		labels = append(labels, r.Label)
	}
	if strings.Join(labels, ",") != "Admin,Member,Support" {
		t.Errorf("getRoles through the SDK = %v", labels)
	}
	if len(got.Upserted) != 1 || got.Upserted[0].ObjectMetadataID != p.objects["company"] || got.Upserted[0].CanUpdateObjectRecords == nil || *got.Upserted[0].CanUpdateObjectRecords {
		t.Errorf("upsertObjectPermissions through the SDK = %s", out)
	}
	me := got.Me.CurrentUserWorkspace
	if !strings.Contains(strings.Join(me.PermissionFlags, ","), "ROLES") || len(me.ObjectsPermissions) < 10 {
		t.Errorf("the admin's currentUserWorkspace through the SDK = %+v", me)
	}
}
