//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// gqlView is what the tests read of a view.
type gqlView struct {
	ID, Name, ObjectMetadataID, Type, Visibility string
	Key                                          *string
	IsCustom                                     bool
	ViewFields                                   []struct {
		ID, FieldMetadataID string
		Position, Size      float64
		IsVisible           bool
	}
	ViewFilters []struct{ ID, Operand string }
	ViewSorts   []struct{ ID, Direction string }
}

const viewFields = `id name objectMetadataId type key visibility isCustom
  viewFields { id fieldMetadataId position size isVisible } viewFilters { id operand } viewSorts { id direction }`

// personObject reads the person object of a workspace and the ids of its fields by name.
func personObject(t *testing.T, token string) (string, map[string]string) {
	t.Helper()
	r := get(t, "/rest/metadata/objects", "Authorization", "Bearer "+token)
	objects := decode[struct {
		Data struct{ Objects []metadataObject }
	}](t, r).Data.Objects
	for _, o := range objects {
		if o.NameSingular == "person" {
			fields := map[string]string{}
			for _, f := range o.Fields {
				fields[f.Name] = f.ID
			}
			return o.ID, fields
		}
	}
	t.Fatal("no person object")
	return "", nil
}

// TestViews: a workspace starts with Twenty's "All" views; a view with a filter and a sort drives
// a REST group-by through viewId; a custom object gets its "All" view; another workspace can
// neither see nor change the view.
func TestViews(t *testing.T) {
	a, b := onboard(t, "/metadata"), onboard(t, "/metadata")
	all := data[struct{ GetViews []gqlView }](t, gql(t, "/metadata", a.access, `{ getViews { `+viewFields+` } }`, nil)).GetViews
	names := map[string]gqlView{}
	for _, v := range all {
		names[v.Name] = v
	}
	for _, want := range []string{"All People", "All Companies", "All Opportunities"} {
		v, ok := names[want]
		if !ok || v.Key == nil || *v.Key != "INDEX" || v.Type != "TABLE" || v.IsCustom || len(v.ViewFields) < 5 {
			t.Errorf("getViews: %q = %+v (found %v)", want, v, ok)
		}
	}

	people, fields := personObject(t, a.access)
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	send, expect := sender(t, auth)
	for _, city := range []string{"Paris", "Paris", "Lyon"} {
		expect(send("POST", "/rest/people", `{"name":{"firstName":"Ana","lastName":"B"},"city":"`+city+`"}`), http.StatusCreated, "POST /rest/people")
	}
	created := data[struct{ CreateView gqlView }](t, gql(t, "/metadata", a.access,
		`mutation($o: UUID!) { createView(input: {name: "Parisians", objectMetadataId: $o, icon: "IconMapPin"}) { `+viewFields+` } }`,
		map[string]any{"o": people})).CreateView
	if created.Name != "Parisians" || !created.IsCustom || created.Type != "TABLE" || created.Visibility != "WORKSPACE" {
		t.Errorf("createView = %+v", created)
	}
	data[struct{ CreateManyViewFields []struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($v: UUID!, $name: UUID!, $city: UUID!) { createManyViewFields(inputs: [
  {viewId: $v, fieldMetadataId: $name, position: 0}, {viewId: $v, fieldMetadataId: $city, position: 1, size: 120}]) { id } }`,
		map[string]any{"v": created.ID, "name": fields["name"], "city": fields["city"]}))
	data[struct{ CreateViewFilter struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($v: UUID!, $f: UUID!) { createViewFilter(input: {viewId: $v, fieldMetadataId: $f, operand: CONTAINS, value: "Par"}) { id } }`,
		map[string]any{"v": created.ID, "f": fields["city"]}))
	data[struct{ CreateViewSort struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($v: UUID!, $f: UUID!) { createViewSort(input: {viewId: $v, fieldMetadataId: $f, direction: DESC}) { id } }`,
		map[string]any{"v": created.ID, "f": fields["createdAt"]}))
	got := data[struct{ GetView *gqlView }](t, gql(t, "/metadata", a.access, `query($id: String!) { getView(id: $id) { `+viewFields+` } }`,
		map[string]any{"id": created.ID})).GetView
	if got == nil || len(got.ViewFields) != 2 || len(got.ViewFilters) != 1 || len(got.ViewSorts) != 1 || got.ViewFields[1].Size != 120 {
		t.Fatalf("getView = %+v", got)
	}

	groupBy := "/rest/people/groupBy?group_by=" + url.QueryEscape(`[{"city":true}]`) + "&aggregate=" + url.QueryEscape(`["totalCount"]`)
	for _, tc := range []struct{ path, want string }{
		{groupBy, `[{"totalCount":"1","groupByDimensionValues":["Lyon"]},{"totalCount":"2","groupByDimensionValues":["Paris"]}]`},
		{groupBy + "&viewId=" + created.ID, `[{"totalCount":"2","groupByDimensionValues":["Paris"]}]`},
		{groupBy + "&view_id=" + created.ID, `[{"totalCount":"2","groupByDimensionValues":["Paris"]}]`},
		{groupBy + "&viewId=" + created.ID + "&filter=city[eq]:Lyon", `[]`},
	} {
		r := get(t, tc.path, auth...)
		if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != tc.want {
			t.Errorf("GET %s = %d %s, want %s", tc.path, r.status, r.body, tc.want)
		}
	}
	// GraphQL's group-by takes the view too.
	type group struct {
		GroupByDimensionValues []string
		TotalCount             int
	}
	byView := data[struct{ PeopleGroupBy []group }](t, gql(t, "/graphql", a.access,
		`query($v: UUID) { peopleGroupBy(groupBy: [{city: true}], viewId: $v) { groupByDimensionValues totalCount } }`,
		map[string]any{"v": created.ID})).PeopleGroupBy
	if len(byView) != 1 || byView[0].TotalCount != 2 || byView[0].GroupByDimensionValues[0] != "Paris" {
		t.Errorf("peopleGroupBy(viewId) = %+v, want the 2 Parisians", byView)
	}
	if r := get(t, groupBy+"&viewId=not-a-uuid", auth...); r.status != http.StatusBadRequest {
		t.Errorf("group-by with a viewId that is no UUID = %d %s, want 400", r.status, r.body)
	}

	// A custom object comes with its "All" view.
	r := send("POST", "/rest/metadata/objects", `{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets","icon":"IconRocket"}`)
	expect(r, http.StatusCreated, "POST /rest/metadata/objects")
	rocket := decode[struct {
		Data struct{ CreateOneObject metadataObject }
	}](t, r).Data.CreateOneObject
	rockets := data[struct{ GetViews []gqlView }](t, gql(t, "/metadata", a.access, `query($o: String) { getViews(objectMetadataId: $o) { `+viewFields+` } }`,
		map[string]any{"o": rocket.ID})).GetViews
	if len(rockets) != 1 || rockets[0].Name != "All Rockets" || !rockets[0].IsCustom || len(rockets[0].ViewFields) == 0 {
		t.Errorf("the custom object's views = %+v", rockets)
	}

	// The other workspace sees none of it and cannot change it; its group-by ignores the id, as
	// Twenty's finds no filters of the view in that workspace.
	theirs := data[struct{ GetViews []gqlView }](t, gql(t, "/metadata", b.access, `{ getViews { id name } }`, nil)).GetViews
	if slices.ContainsFunc(theirs, func(v gqlView) bool { return v.ID == created.ID || v.Name == "All Rockets" }) {
		t.Errorf("another workspace lists %+v", theirs)
	}
	if v := data[struct{ GetView *gqlView }](t, gql(t, "/metadata", b.access, `query($id: String!) { getView(id: $id) { id } }`,
		map[string]any{"id": created.ID})).GetView; v != nil {
		t.Errorf("another workspace's getView = %+v", v)
	}
	for _, tc := range []struct{ what, doc, code, msg string }{
		{"updateView", `mutation($id: String!) { updateView(id: $id, input: {name: "Mine"}) { id } }`, "NOT_FOUND", "View to update not found"},
		{"destroyView", `mutation($id: String!) { destroyView(id: $id) }`, "NOT_FOUND", "View to destroy not found"},
		{"createViewFilter", `mutation($id: UUID!) { createViewFilter(input: {viewId: $id, fieldMetadataId: $id, value: "x"}) { id } }`,
			"METADATA_VALIDATION_FAILED", "Multiple validation errors occurred while creating view filter"},
	} {
		wantGQLError(t, tc.what+" from another workspace", gql(t, "/metadata", b.access, tc.doc, map[string]any{"id": created.ID}), tc.code, tc.msg)
	}
	// Deleting the view hides it; destroying it removes it.
	if ok := data[struct{ DeleteView bool }](t, gql(t, "/metadata", a.access, `mutation($id: String!) { deleteView(id: $id) }`, map[string]any{"id": created.ID})).DeleteView; !ok {
		t.Error("deleteView = false")
	}
	if v := data[struct{ GetView *gqlView }](t, gql(t, "/metadata", a.access, `query($id: String!) { getView(id: $id) { id } }`, map[string]any{"id": created.ID})).GetView; v != nil {
		t.Errorf("a deleted view's getView = %+v", v)
	}
	if ok := data[struct{ DestroyView bool }](t, gql(t, "/metadata", a.access, `mutation($id: String!) { destroyView(id: $id) }`, map[string]any{"id": created.ID})).DestroyView; !ok {
		t.Error("destroyView = false")
	}
}

// TestViewsWithTwentyClientSDK runs Twenty's own client (twenty-client-sdk's MetadataApiClient,
// infra/e2e/sdk/views.mjs): getViews with every part, createView and its parts, getView.
func TestViewsWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	people, fields := personObject(t, a.access)
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "views.mjs"),
		s.BaseURL, a.access, people, fields["city"])
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node views.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Before, After []gqlView
		Created       gqlView
		ViewFields    []struct{ ID string }
		Filter        struct{ Operand, Value string }
		Sort          struct{ Direction string }
		Fetched       gqlView
		Filters       []struct{ ID string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node views.mjs printed %q: %v", out, err)
	}
	if len(got.Before) != 1 || got.Before[0].Name != "All People" || len(got.Before[0].ViewFields) != 10 {
		t.Errorf("getViews(person) through the SDK = %+v", got.Before)
	}
	if got.Created.Name != "Parisians" || got.Created.ObjectMetadataID != people {
		t.Errorf("createView through the SDK = %+v", got.Created)
	}
	if len(got.ViewFields) != 1 || got.Filter.Operand != "CONTAINS" || got.Filter.Value != "Paris" || got.Sort.Direction != "DESC" {
		t.Errorf("view parts through the SDK = %+v %+v %+v", got.ViewFields, got.Filter, got.Sort)
	}
	if f := got.Fetched; f.ID != got.Created.ID || len(f.ViewFields) != 1 || len(f.ViewFilters) != 1 || len(f.ViewSorts) != 1 || len(got.Filters) != 1 {
		t.Errorf("getView through the SDK = %+v (filters %v)", f, got.Filters)
	}
	if len(got.After) != 2 {
		t.Errorf("getViews after createView through the SDK = %+v", got.After)
	}
}

// TestViewsREST drives Twenty's view REST controller on /rest/metadata/views.
func TestViewsREST(t *testing.T) {
	a, b := onboard(t, "/metadata"), onboard(t, "/metadata")
	people, _ := personObject(t, a.access)
	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	r := send("GET", "/rest/metadata/views?objectMetadataId="+people, "")
	expect(r, http.StatusOK, "GET /rest/metadata/views")
	if got := decode[[]gqlView](t, r); len(got) != 1 || got[0].Name != "All People" || len(got[0].ViewFields) != 10 {
		t.Errorf("GET /rest/metadata/views?objectMetadataId = %+v", got)
	}
	r = send("POST", "/rest/metadata/views", `{"name":"Mine","objectMetadataId":"`+people+`","icon":"IconList","type":"KANBAN"}`)
	expect(r, http.StatusCreated, "POST /rest/metadata/views")
	v := decode[gqlView](t, r)
	if v.Name != "Mine" || v.Type != "KANBAN" || !v.IsCustom {
		t.Errorf("POST /rest/metadata/views = %+v", v)
	}
	r = send("PATCH", "/rest/metadata/views/"+v.ID, `{"name":"Ours"}`)
	expect(r, http.StatusOK, "PATCH /rest/metadata/views/{id}")
	if got := decode[gqlView](t, r); got.Name != "Ours" {
		t.Errorf("PATCH = %+v", got)
	}
	sendB, _ := sender(t, []string{"Authorization", "Bearer " + b.access, "Content-Type", "application/json"})
	if r := sendB("GET", "/rest/metadata/views/"+v.ID, ""); r.status != http.StatusNotFound {
		t.Errorf("another workspace's GET = %d %s, want 404", r.status, r.body)
	}
	if r := sendB("PATCH", "/rest/metadata/views/"+v.ID, `{"name":"Theirs"}`); r.status != http.StatusNotFound {
		t.Errorf("another workspace's PATCH = %d %s, want 404", r.status, r.body)
	}
	r = send("DELETE", "/rest/metadata/views/"+v.ID, "")
	expect(r, http.StatusOK, "DELETE /rest/metadata/views/{id}")
	if strings.TrimSpace(string(r.body)) != `{"success":true}` {
		t.Errorf("DELETE = %s", r.body)
	}
	if r := send("GET", "/rest/metadata/views/"+v.ID, ""); r.status != http.StatusNotFound {
		t.Errorf("GET of a deleted view = %d %s, want 404", r.status, r.body)
	}
}
