//go:build importe2e

package twentyimport

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/infra/importer/pgfixture"
)

// checkImportedRolesOnStack asks the running stack about the imported roles: getRoles answers
// the Sales role with its permissions, members and key, and the Sales member's and key's access
// is what the role says (opportunities read but not updated, people's city neither read nor
// written; the member lists API keys through the API_KEYS_AND_WEBHOOKS flag), while Admin's key may update.
func checkImportedRolesOnStack(t *testing.T, base, adminToken string, f pgfixture.Fixture, opportunityID, personID string) {
	c := client{t: t, base: base}
	var roles struct {
		GetRoles []struct {
			Label                                                 string
			CanUpdateAllSettings, CanReadAllObjectRecords         bool
			CanUpdateAllObjectRecords, CanDestroyAllObjectRecords bool
			ObjectPermissions                                     []struct {
				ObjectMetadataID                                                      string
				CanReadObjectRecords, CanUpdateObjectRecords, CanDestroyObjectRecords *bool
			}
			FieldPermissions []struct {
				FieldMetadataID                        string
				CanReadFieldValue, CanUpdateFieldValue *bool
			}
			PermissionFlags  []struct{ Flag string }
			WorkspaceMembers []struct{ ID string }
			APIKeys          []struct{ ID string } `json:"apiKeys"`
		}
	}
	c.gql("/metadata", adminToken, `{ getRoles { label canUpdateAllSettings canReadAllObjectRecords canUpdateAllObjectRecords canDestroyAllObjectRecords
objectPermissions { objectMetadataId canReadObjectRecords canUpdateObjectRecords canDestroyObjectRecords }
fieldPermissions { fieldMetadataId canReadFieldValue canUpdateFieldValue } permissionFlags { flag } workspaceMembers { id } apiKeys { id } } }`, nil, &roles)
	type summary struct {
		Label                      string
		Settings, Read, Update, Do bool
		Objects, Fields            int
		Flags, Members, Keys       []string
	}
	var got []summary
	for _, r := range roles.GetRoles {
		s := summary{Label: r.Label, Settings: r.CanUpdateAllSettings, Read: r.CanReadAllObjectRecords, Update: r.CanUpdateAllObjectRecords,
			Do: r.CanDestroyAllObjectRecords, Objects: len(r.ObjectPermissions), Fields: len(r.FieldPermissions)}
		for _, x := range r.PermissionFlags {
			s.Flags = append(s.Flags, x.Flag)
		}
		for _, x := range r.WorkspaceMembers {
			s.Members = append(s.Members, x.ID)
		}
		for _, x := range r.APIKeys {
			s.Keys = append(s.Keys, x.ID)
		}
		slices.Sort(s.Flags)
		got = append(got, s)
	}
	adminFlags := got[0].Flags // Admin answers every flag (it can update all settings)
	want := []summary{
		{Label: "Admin", Settings: true, Read: true, Update: true, Do: true, Flags: adminFlags, Members: []string{f.MemberID}, Keys: []string{f.APIKeyID}},
		{Label: "Member", Read: true, Update: true, Do: true, Objects: 1},
		{Label: "Sales", Read: true, Update: true, Objects: 1, Fields: 1, Flags: []string{"API_KEYS_AND_WEBHOOKS"}, Members: []string{f.SalesMemberID}, Keys: []string{f.SalesAPIKeyID}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("getRoles (-want +got):\n%s", diff)
	}

	salesKey := twentyAPIKey(f.WorkspaceID, f.SalesAPIKeyID)
	adminKey := twentyAPIKey(f.WorkspaceID, f.APIKeyID)
	do := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// The Sales key reads opportunities but may not update them; Admin's key may.
	if code, body := do(http.MethodGet, "/rest/opportunities/"+opportunityID, salesKey, ""); code != http.StatusOK {
		t.Errorf("Sales key GET opportunity = %d %s", code, body)
	}
	if code, body := do(http.MethodPatch, "/rest/opportunities/"+opportunityID, salesKey, `{"name":"Sales was here"}`); code != http.StatusForbidden || !strings.Contains(body, "permission") {
		t.Errorf("Sales key PATCH opportunity = %d %s, want 403 PERMISSION_DENIED", code, body)
	}
	if code, body := do(http.MethodPatch, "/rest/opportunities/"+opportunityID, adminKey, `{"name":"Admin was here"}`); code != http.StatusOK {
		t.Errorf("Admin key PATCH opportunity = %d %s", code, body)
	}
	// People's city is hidden from the Sales key and refused on its writes; the rest of a person it updates.
	code, body := do(http.MethodGet, "/rest/people/"+personID, salesKey, "")
	var person struct {
		Data struct{ Person map[string]any }
	}
	_ = json.Unmarshal([]byte(body), &person)
	if _, has := person.Data.Person["city"]; code != http.StatusOK || has || person.Data.Person["id"] != personID {
		t.Errorf("Sales key GET person = %d, city shown: %v: %.300s", code, has, body)
	}
	if code, body := do(http.MethodPatch, "/rest/people/"+personID, salesKey, `{"city":"Lyon"}`); code != http.StatusForbidden {
		t.Errorf("Sales key PATCH person city = %d %s, want 403", code, body)
	}
	if code, body := do(http.MethodPatch, "/rest/people/"+personID, salesKey, `{"jobTitle":"Buyer"}`); code != http.StatusOK {
		t.Errorf("Sales key PATCH person jobTitle = %d %s", code, body)
	}
	// The Sales member logs in with their Twenty password and is held to the role on GraphQL.
	var lt struct {
		GetLoginTokenFromCredentials struct{ LoginToken struct{ Token string } }
	}
	c.gql("/metadata", "", `mutation($e: String!, $p: String!) { getLoginTokenFromCredentials(email: $e, password: $p, origin: "http://localhost:3001/") { loginToken { token } } }`,
		map[string]any{"e": f.SalesEmail, "p": f.Password}, &lt)
	var tokens struct {
		GetAuthTokensFromLoginToken struct {
			Tokens struct{ AccessOrWorkspaceAgnosticToken struct{ Token string } }
		}
	}
	c.gql("/metadata", "", `mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001/") { tokens { accessOrWorkspaceAgnosticToken { token } } } }`,
		map[string]any{"t": lt.GetLoginTokenFromCredentials.LoginToken.Token}, &tokens)
	sales := tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token
	q, _ := json.Marshal(map[string]any{"query": `mutation($id: UUID!) { updateOpportunity(id: $id, data: {name: "Member was here"}) { id } }`, "variables": map[string]any{"id": opportunityID}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", bytes.NewReader(q))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+sales)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "FORBIDDEN") {
		t.Errorf("Sales member updateOpportunity = %d %s, want FORBIDDEN", resp.StatusCode, b)
	}
	// The flag: the Sales member lists the workspace's API keys (auth serves them to members only).
	var keys struct {
		APIKeys []struct{ ID string } `json:"apiKeys"`
	}
	c.gql("/metadata", sales, `{ apiKeys { id } }`, nil, &keys)
	if len(keys.APIKeys) != 2 {
		t.Errorf("Sales member apiKeys = %+v, want the workspace's 2", keys.APIKeys)
	}

	var me struct {
		CurrentUser struct {
			CurrentUserWorkspace struct{ PermissionFlags []string }
		}
	}
	c.gql("/metadata", sales, `{ currentUser { currentUserWorkspace { permissionFlags } } }`, nil, &me)
	if diff := cmp.Diff([]string{"API_KEYS_AND_WEBHOOKS"}, me.CurrentUser.CurrentUserWorkspace.PermissionFlags); diff != "" {
		t.Errorf("Sales member's permissionFlags (-want +got):\n%s", diff)
	}
}
