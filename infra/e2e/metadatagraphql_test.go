//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gqlConnection is a nestjs-query connection as the metadata GraphQL API answers it.
type gqlConnection[T any] struct {
	Edges []struct {
		Cursor string
		Node   T
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	TotalCount int
}

// nodes answers the nodes of the connection's edges.
func (c gqlConnection[T]) nodes() []T {
	out := make([]T, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// gqlField is what the test reads of a field of the metadata GraphQL API.
type gqlField struct {
	ID, Name, Label, Type string
	IsActive              bool
	Options               []struct{ ID, Value, Label, Color string }
	Object                *struct{ NameSingular string }
}

// gqlObject is what the test reads of an object of the metadata GraphQL API.
type gqlObject struct {
	ID, NameSingular, NamePlural string
	IsCustom, IsActive           bool
	Fields                       gqlConnection[gqlField]
}

const gqlObjectFields = `id nameSingular namePlural isCustom isActive
	fields(paging: {first: 1000}) { edges { cursor node { id name label type isActive } } totalCount }`

// TestMetadataGraphQL drives Twenty's metadata GraphQL API on /metadata: a custom object created,
// listed with its fields, given a TEXT and a SELECT field, one updated and one deleted, records of
// it written through REST, then the object deactivated and deleted.
func TestMetadataGraphQL(t *testing.T) {
	a := onboard(t, "/metadata")
	q := func(query string, vars map[string]any) gqlReply {
		t.Helper()
		return gql(t, "/metadata", a.access, query, vars)
	}

	// createOneObject, as Twenty's create-one-object-metadata-query-factory.util.ts sends it.
	obj := data[struct{ CreateOneObject gqlObject }](t, q(`mutation CreateOneObjectMetadataItem($input: CreateOneObjectInput!) {
		createOneObject(input: $input) { `+gqlObjectFields+` } }`,
		map[string]any{"input": map[string]any{"object": map[string]any{
			"nameSingular": "gqlObjX", "namePlural": "gqlObjXs", "labelSingular": "Gql Obj X", "labelPlural": "Gql Obj Xs", "icon": "IconTestPipe",
		}}})).CreateOneObject
	if obj.ID == "" || obj.NameSingular != "gqlObjX" || !obj.IsCustom || !obj.IsActive || obj.Fields.TotalCount == 0 {
		t.Fatalf("createOneObject = %+v, want gqlObjX with its fields", obj)
	}

	// objects lists it, with its fields, under the filter Twenty's clients use and in the full list.
	lists := data[struct{ Custom, All gqlConnection[gqlObject] }](t, q(`query ObjectsMetadata($filter: ObjectFilter!, $paging: CursorPaging!) {
		custom: objects(filter: $filter, paging: $paging) { edges { node { `+gqlObjectFields+` } } totalCount }
		all: objects(paging: {first: 1000}) { edges { cursor node { id } } pageInfo { hasNextPage startCursor endCursor } totalCount } }`,
		map[string]any{"filter": map[string]any{"isCustom": map[string]any{"is": true}}, "paging": map[string]any{"first": 10}}))
	if custom := lists.Custom.nodes(); len(custom) != 1 || custom[0].ID != obj.ID || custom[0].Fields.TotalCount != obj.Fields.TotalCount {
		t.Errorf("custom objects = %+v, want the new object with its %d fields", custom, obj.Fields.TotalCount)
	}
	all := lists.All
	if all.TotalCount != 16 || len(all.Edges) != 16 || all.PageInfo.HasNextPage || all.PageInfo.StartCursor == nil || *all.PageInfo.StartCursor != all.Edges[0].Cursor {
		t.Errorf("all objects = %d edges, totalCount %d, pageInfo %+v; want the 15 standard objects and the new one", len(all.Edges), all.TotalCount, all.PageInfo)
	}
	// The next page after the first object starts at the second.
	next := data[struct{ Objects gqlConnection[gqlObject] }](t, q(`query($after: ConnectionCursor) { objects(paging: {first: 1, after: $after}) {
		edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } }`, map[string]any{"after": all.Edges[0].Cursor})).Objects
	if n := next.nodes(); len(n) != 1 || n[0].ID != all.Edges[1].Node.ID || !next.PageInfo.HasNextPage || !next.PageInfo.HasPreviousPage {
		t.Errorf("the page after the first object = %+v", next)
	}

	// createOneField: a TEXT field and a SELECT field with options.
	createField := `mutation CreateOneFieldMetadataItem($input: CreateOneFieldMetadataInput!) {
		createOneField(input: $input) { id name label type isActive options object { nameSingular } } }`
	text := data[struct{ CreateOneField gqlField }](t, q(createField, map[string]any{"input": map[string]any{"field": map[string]any{
		"objectMetadataId": obj.ID, "type": "TEXT", "name": "gqlFieldX", "label": "Gql Field X",
	}}})).CreateOneField
	if text.ID == "" || text.Type != "TEXT" || text.Object == nil || text.Object.NameSingular != "gqlObjX" {
		t.Errorf("createOneField TEXT = %+v", text)
	}
	sel := data[struct{ CreateOneField gqlField }](t, q(createField, map[string]any{"input": map[string]any{"field": map[string]any{
		"objectMetadataId": obj.ID, "type": "SELECT", "name": "stage", "label": "Stage", "defaultValue": "'NEW'",
		"options": []any{
			map[string]any{"value": "NEW", "label": "New", "color": "blue", "position": 0},
			map[string]any{"value": "DONE", "label": "Done", "color": "green", "position": 1},
		},
	}}})).CreateOneField
	if len(sel.Options) != 2 || sel.Options[0].ID == "" || sel.Options[1].Value != "DONE" {
		t.Errorf("createOneField SELECT = %+v", sel)
	}
	wantGQLError(t, "the same field again", q(createField, map[string]any{"input": map[string]any{"field": map[string]any{
		"objectMetadataId": obj.ID, "type": "TEXT", "name": "gqlFieldX", "label": "Gql Field X",
	}}}), "BAD_USER_INPUT", `Name "gqlFieldX" is not available as it is already used by another field`)

	// updateOneField, then fields lists the object's fields with the change.
	updated := data[struct{ UpdateOneField gqlField }](t, q(`mutation($id: UUID!) { updateOneField(input: {id: $id, update: {label: "Gql Field Renamed"}}) { id label } }`,
		map[string]any{"id": text.ID})).UpdateOneField
	if updated.ID != text.ID || updated.Label != "Gql Field Renamed" {
		t.Errorf("updateOneField = %+v", updated)
	}
	fields := data[struct{ Fields gqlConnection[gqlField] }](t, q(`query($id: UUID!) { fields(paging: {first: 1000}, filter: {objectMetadataId: {eq: $id}}) {
		edges { node { id name label } } totalCount } }`, map[string]any{"id": obj.ID})).Fields
	labels := map[string]string{}
	for _, f := range fields.nodes() {
		labels[f.Name] = f.Label
	}
	if fields.TotalCount != obj.Fields.TotalCount+2 || labels["gqlFieldX"] != "Gql Field Renamed" || labels["stage"] != "Stage" {
		t.Errorf("fields of the object = %d: %v", fields.TotalCount, labels)
	}

	// Records of the object through REST use the new fields.
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	if r := post(t, "/rest/gqlObjXs", `{"name":"first","gqlFieldX":"hello","stage":"DONE"}`, auth...); r.status != http.StatusCreated ||
		!strings.Contains(string(r.body), `"createGqlObjX":{`) || !strings.Contains(string(r.body), `"stage":"DONE"`) {
		t.Errorf("POST /rest/gqlObjXs = %d %s", r.status, r.body)
	}
	// …and through /graphql, whose schema has the object and its new fields on the next request.
	type gqlObjXs struct {
		GqlObjXs struct {
			TotalCount int
			Edges      []struct {
				Node struct{ GqlFieldX, Stage string }
			}
		}
	}
	listed := data[gqlObjXs](t, gql(t, "/graphql", a.access, `{ gqlObjXs(filter: {stage: {in: [DONE]}}) { totalCount edges { node { gqlFieldX stage } } } }`, nil))
	if listed.GqlObjXs.TotalCount != 1 || len(listed.GqlObjXs.Edges) != 1 || listed.GqlObjXs.Edges[0].Node.GqlFieldX != "hello" {
		t.Errorf("gqlObjXs on /graphql = %+v, want the record created through REST", listed)
	}

	// deleteOneField; the column goes with it.
	deleted := data[struct{ DeleteOneField gqlField }](t, q(`mutation($id: UUID!) { deleteOneField(input: {id: $id}) { id name } }`,
		map[string]any{"id": text.ID})).DeleteOneField
	if deleted.ID != text.ID || deleted.Name != "gqlFieldX" {
		t.Errorf("deleteOneField = %+v", deleted)
	}
	r := get(t, "/rest/gqlObjXs", auth...)
	type record struct{ Name, Stage string }
	if got := decode[struct{ Data struct{ GqlObjXs []record } }](t, r).Data.GqlObjXs; r.status != http.StatusOK || !cmp.Equal(got, []record{{"first", "DONE"}}) ||
		strings.Contains(string(r.body), "gqlFieldX") {
		t.Errorf("GET /rest/gqlObjXs after the field's delete = %d %s", r.status, r.body)
	}
	wantGQLError(t, "an unknown field", q(`{ field(id: "00000000-0000-4000-8000-000000000000") { id } }`, nil),
		"NOT_FOUND", "Field metadata with id 00000000-0000-4000-8000-000000000000 not found")

	// updateOneObject renames a custom object: its records answer under the new names on /graphql
	// and REST at once, and the old names are gone.
	updateObject := `mutation UpdateOneObjectMetadataItem($idToUpdate: UUID!, $updatePayload: UpdateObjectPayload!) {
		updateOneObject(input: {id: $idToUpdate, update: $updatePayload}) { ` + gqlObjectFields + ` } }`
	renamed := data[struct{ UpdateOneObject gqlObject }](t, q(updateObject, map[string]any{"idToUpdate": obj.ID, "updatePayload": map[string]any{
		"nameSingular": "gqlRenamed", "namePlural": "gqlRenameds", "labelSingular": "Gql Renamed", "labelPlural": "Gql Renameds"}})).UpdateOneObject
	if renamed.ID != obj.ID || renamed.NameSingular != "gqlRenamed" || renamed.NamePlural != "gqlRenameds" {
		t.Errorf("updateOneObject with new names = %+v", renamed)
	}
	type gqlRenameds struct {
		GqlRenameds struct {
			TotalCount int
			Edges      []struct{ Node struct{ Name, Stage string } }
		}
	}
	moved := data[gqlRenameds](t, gql(t, "/graphql", a.access, `{ gqlRenameds { totalCount edges { node { name stage } } } }`, nil))
	if moved.GqlRenameds.TotalCount != 1 || moved.GqlRenameds.Edges[0].Node.Name != "first" {
		t.Errorf("gqlRenameds on /graphql after the rename = %+v, want the record", moved)
	}
	if r := get(t, "/rest/gqlRenameds", auth...); r.status != http.StatusOK || !strings.Contains(string(r.body), `"gqlRenameds":[{`) {
		t.Errorf("GET /rest/gqlRenameds after the rename = %d %s", r.status, r.body)
	}
	if r := get(t, "/rest/gqlObjXs", auth...); r.status != http.StatusBadRequest {
		t.Errorf("GET /rest/gqlObjXs after the rename = %d %s, want 400", r.status, r.body)
	}

	// An active object cannot be deleted; updateOneObject deactivates it, and deleteOneObject deletes it.
	deleteObject := `mutation DeleteOneObjectMetadataItem($idToDelete: UUID!) { deleteOneObject(input: {id: $idToDelete}) { id nameSingular } }`
	wantGQLError(t, "deleting an active object", q(deleteObject, map[string]any{"idToDelete": obj.ID}), "BAD_USER_INPUT", "Active objects can't be deleted")
	off := data[struct{ UpdateOneObject gqlObject }](t, q(updateObject,
		map[string]any{"idToUpdate": obj.ID, "updatePayload": map[string]any{"isActive": false}})).UpdateOneObject
	if off.ID != obj.ID || off.IsActive || off.Fields.TotalCount != obj.Fields.TotalCount+1 {
		t.Errorf("updateOneObject isActive false = %+v", off)
	}
	gone := data[struct{ DeleteOneObject gqlObject }](t, q(deleteObject, map[string]any{"idToDelete": obj.ID})).DeleteOneObject
	if gone.ID != obj.ID || gone.NameSingular != "gqlRenamed" {
		t.Errorf("deleteOneObject = %+v", gone)
	}
	wantGQLError(t, "the deleted object", q(`query($id: UUID!) { object(id: $id) { id } }`, map[string]any{"id": obj.ID}),
		"NOT_FOUND", "Object metadata with id "+obj.ID+" not found")
	if r := get(t, "/rest/gqlRenameds", auth...); r.status != http.StatusBadRequest {
		t.Errorf("GET /rest/gqlRenameds after the object's delete = %d %s, want 400", r.status, r.body)
	}

	// Without a token the metadata operations are refused, as Twenty's WorkspaceAuthGuard does.
	wantGQLError(t, "objects without a token", gql(t, "/metadata", "", `{ objects { totalCount } }`, nil),
		"UNAUTHENTICATED", "Missing authentication token")
}
