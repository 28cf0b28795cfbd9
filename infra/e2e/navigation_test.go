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

// gqlNavItem is what the tests read of a navigation menu item.
type gqlNavItem struct {
	ID, Type                                string
	Name, ViewID, FolderID, UserWorkspaceID *string
	TargetRecordID, TargetObjectMetadataID  *string
	Position                                float64
	TargetRecordIdentifier                  *struct{ ID, LabelIdentifier string }
}

const navFields = `id type name viewId folderId userWorkspaceId targetRecordId targetObjectMetadataId position
  targetRecordIdentifier { id labelIdentifier imageIdentifier }`

// userWorkspaceID reads the caller's userWorkspace id.
func userWorkspaceID(t *testing.T, token string) string {
	t.Helper()
	return data[struct {
		CurrentUser struct{ CurrentUserWorkspace struct{ ID string } }
	}](t, gql(t, "/metadata", token, `{ currentUser { currentUserWorkspace { id } } }`, nil)).CurrentUser.CurrentUserWorkspace.ID
}

// navItems lists the caller's items but Twenty's standard ones (the "All" views and the
// Workflows folder every new workspace gets; their ids are in standard).
func navItems(t *testing.T, token string, standard map[string]bool) []gqlNavItem {
	t.Helper()
	all := data[struct{ NavigationMenuItems []gqlNavItem }](t, gql(t, "/metadata", token, `{ navigationMenuItems { `+navFields+` } }`, nil)).NavigationMenuItems
	var out []gqlNavItem
	for _, it := range all {
		if !standard[it.ID] {
			out = append(out, it)
		}
	}
	return out
}

func createNavItem(t *testing.T, token string, input map[string]any) gqlNavItem {
	t.Helper()
	return data[struct{ CreateNavigationMenuItem gqlNavItem }](t, gql(t, "/metadata", token,
		`mutation($i: CreateNavigationMenuItemInput!) { createNavigationMenuItem(input: $i) { `+navFields+` } }`, map[string]any{"i": input})).CreateNavigationMenuItem
}

// TestNavigationMenuItems: an admin's workspace folder holds a VIEW item of a view just made; a
// member's favorite person (a RECORD item, named by targetRecordIdentifier) is listed to that
// member only; a member cannot make workspace items (LAYOUTS) nor change another's; another
// workspace sees none of them and can change none.
func TestNavigationMenuItems(t *testing.T) {
	p := newPermWorkspace(t)
	admin, colleague := p.admin.access, p.colleague
	other := onboard(t, "/metadata")
	colleagueUWS := userWorkspaceID(t, colleague)

	// A new workspace has Twenty's standard items: the "All" views of companies, notes,
	// opportunities, people and tasks, and a Workflows folder holding the workflow objects'.
	standard := map[string]bool{}
	folders, inFolder := 0, 0
	for _, it := range navItems(t, admin, nil) {
		standard[it.ID] = true
		switch {
		case it.Type == "FOLDER" && it.Name != nil && *it.Name == "Workflows":
			folders++
		case it.Type == "VIEW" && it.FolderID != nil:
			inFolder++
		case it.Type != "VIEW":
			t.Errorf("standard item %+v", it)
		}
	}
	if len(standard) < 8 || folders != 1 || inFolder < 2 {
		t.Errorf("a new workspace has %d standard items (%d Workflows folders, %d views in it)", len(standard), folders, inFolder)
	}
	standardB := map[string]bool{}
	for _, it := range navItems(t, other.access, nil) {
		standardB[it.ID] = true
	}

	view := data[struct{ CreateView struct{ ID string } }](t, gql(t, "/metadata", admin,
		`mutation($i: CreateViewInput!) { createView(input: $i) { id } }`,
		map[string]any{"i": map[string]any{"name": "Parisians", "objectMetadataId": p.objects["person"], "icon": "IconMapPin"}})).CreateView.ID
	folder := createNavItem(t, admin, map[string]any{"type": "FOLDER", "name": "Sales", "icon": "IconFolder"})
	viewItem := createNavItem(t, admin, map[string]any{"type": "VIEW", "viewId": view, "folderId": folder.ID})
	if viewItem.FolderID == nil || *viewItem.FolderID != folder.ID || viewItem.ViewID == nil || *viewItem.ViewID != view || viewItem.Position != 1 || folder.Position != 7 {
		t.Errorf("VIEW item = %+v", viewItem)
	}

	r := post(t, "/rest/people", `{"name":{"firstName":"Grace","lastName":"Hopper"}}`, "Authorization", "Bearer "+admin, "Content-Type", "application/json")
	if r.status != http.StatusCreated {
		t.Fatalf("POST /rest/people = %d %s", r.status, r.body)
	}
	grace := decode[struct {
		Data struct {
			CreatePerson struct{ ID string } `json:"createPerson"`
		} `json:"data"`
	}](t, r).Data.CreatePerson.ID
	favorite := createNavItem(t, colleague, map[string]any{"type": "RECORD", "userWorkspaceId": colleagueUWS,
		"targetRecordId": grace, "targetObjectMetadataId": p.objects["person"]})
	if id := favorite.TargetRecordIdentifier; id == nil || id.ID != grace || id.LabelIdentifier != "Grace Hopper" {
		t.Errorf("favorite's targetRecordIdentifier = %+v", id)
	}

	ids := func(items []gqlNavItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	if got := sortedIDs(ids(navItems(t, admin, standard))); strings.Join(got, ",") != strings.Join(sortedIDs([]string{folder.ID, viewItem.ID}), ",") {
		t.Errorf("admin lists %v, want the folder and the view item", got)
	}
	colleagueSees := navItems(t, colleague, standard)
	if got := ids(colleagueSees); len(got) != 3 || got[2] != favorite.ID && got[1] != favorite.ID {
		t.Errorf("colleague lists %v, want the folder, the view item and the favorite", got)
	}
	for _, it := range colleagueSees {
		if it.ID == favorite.ID && (it.TargetRecordIdentifier == nil || it.TargetRecordIdentifier.LabelIdentifier != "Grace Hopper") {
			t.Errorf("listed favorite = %+v", it)
		}
	}
	if got := navItems(t, other.access, standardB); len(got) != 0 {
		t.Errorf("another workspace lists %v", got)
	}
	if it := data[struct{ NavigationMenuItem *gqlNavItem }](t, gql(t, "/metadata", admin,
		`query($id: UUID!) { navigationMenuItem(id: $id) { id } }`, map[string]any{"id": favorite.ID})).NavigationMenuItem; it != nil {
		t.Errorf("admin reads the colleague's favorite: %+v", it)
	}

	wantGQLError(t, "colleague creates a workspace folder", gql(t, "/metadata", colleague,
		`mutation { createNavigationMenuItem(input: {type: FOLDER, name: "Mine"}) { id } }`, nil),
		"FORBIDDEN", "Entity performing the request does not have permission")
	wantGQLError(t, "admin renames the colleague's favorite", gql(t, "/metadata", admin,
		`mutation($id: UUID!) { updateNavigationMenuItem(input: {id: $id, update: {name: "x"}}) { id } }`, map[string]any{"id": favorite.ID}),
		"BAD_USER_INPUT", "You can only update your own navigation menu items")
	wantGQLError(t, "folder without a name", gql(t, "/metadata", admin,
		`mutation { createNavigationMenuItem(input: {type: FOLDER}) { id } }`, nil),
		"METADATA_VALIDATION_FAILED", "Multiple validation errors occurred while creating navigation menu item")
	for _, op := range []string{
		`mutation($id: UUID!) { updateNavigationMenuItem(input: {id: $id, update: {name: "stolen"}}) { id } }`,
		`mutation($id: UUID!) { deleteNavigationMenuItem(id: $id) { id } }`,
	} {
		wantGQLError(t, "another workspace: "+op, gql(t, "/metadata", other.access, op, map[string]any{"id": folder.ID}),
			"NOT_FOUND", "Navigation menu item not found")
	}

	// The colleague moves the favorite; the admin renames the folder; deleting the folder takes
	// its view item along.
	moved := data[struct{ UpdateManyNavigationMenuItems []gqlNavItem }](t, gql(t, "/metadata", colleague,
		`mutation($i: [UpdateOneNavigationMenuItemInput!]!) { updateManyNavigationMenuItems(inputs: $i) { `+navFields+` } }`,
		map[string]any{"i": []any{map[string]any{"id": favorite.ID, "update": map[string]any{"position": 0.5}}}})).UpdateManyNavigationMenuItems
	if len(moved) != 1 || moved[0].Position != 0.5 {
		t.Errorf("updateManyNavigationMenuItems = %+v", moved)
	}
	deleted := data[struct{ DeleteNavigationMenuItem gqlNavItem }](t, gql(t, "/metadata", admin,
		`mutation($id: UUID!) { deleteNavigationMenuItem(id: $id) { id name } }`, map[string]any{"id": folder.ID})).DeleteNavigationMenuItem
	if deleted.ID != folder.ID {
		t.Errorf("deleteNavigationMenuItem = %+v", deleted)
	}
	if got := ids(navItems(t, colleague, standard)); len(got) != 1 || got[0] != favorite.ID {
		t.Errorf("after the folder's deletion the colleague lists %v, want only the favorite", got)
	}
	// Deleting the person takes the favorite along once the response is on its way.
	if r := call(t, http.MethodDelete, "/rest/people/"+grace, nil, "Authorization", "Bearer "+admin); r.status != http.StatusOK {
		t.Fatalf("DELETE /rest/people/%s = %d %s", grace, r.status, r.body)
	}
	eventually(t, 10*time.Second, "the deleted person's favorite removed", func() bool { return len(navItems(t, colleague, standard)) == 0 })
}

// TestNavigationMenuItemsWithTwentyClientSDK runs Twenty's own client (twenty-client-sdk's
// MetadataApiClient, infra/e2e/sdk/navigation.mjs): a folder, a VIEW item in it, a personal OBJECT
// item, navigationMenuItems, an update and a delete.
func TestNavigationMenuItemsWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	people, _ := personObject(t, a.access)
	view := data[struct{ GetViews []struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`query($o: String) { getViews(objectMetadataId: $o) { id } }`, map[string]any{"o": people})).GetViews
	if len(view) == 0 {
		t.Fatal("no person view")
	}
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "navigation.mjs"),
		s.BaseURL, a.access, view[0].ID, people, userWorkspaceID(t, a.access))
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node navigation.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Folder, ViewItem, Favorite, Updated, Deleted gqlNavItem
		Before, Listed, After                        []gqlNavItem
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node navigation.mjs printed %q: %v", out, err)
	}
	if got.Folder.Type != "FOLDER" || got.ViewItem.FolderID == nil || *got.ViewItem.FolderID != got.Folder.ID || got.Favorite.UserWorkspaceID == nil {
		t.Errorf("created through the SDK: %+v %+v %+v", got.Folder, got.ViewItem, got.Favorite)
	}
	if len(got.Listed) != len(got.Before)+3 || got.Updated.Name == nil || *got.Updated.Name != "Team" || got.Deleted.ID != got.Favorite.ID || len(got.After) != len(got.Before)+2 {
		t.Errorf("through the SDK: listed %+v, updated %+v, deleted %+v, after %+v", got.Listed, got.Updated, got.Deleted, got.After)
	}
}
