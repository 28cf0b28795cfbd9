//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// metadataField is what the examples look at of a field of the metadata API.
type metadataField struct {
	ID, Name, Type, ObjectMetadataID string
	Options                          []struct{ ID, Value, Label string }
}

// metadataObject is what the examples look at of an object of the metadata API.
type metadataObject struct {
	ID, NameSingular, NamePlural string
	IsCustom, IsActive           bool
	Fields                       []metadataField
}

// TestRESTMetadataExamples replays Twenty's examples 28 and 29 (reference §9) on the metadata REST
// API, then uses the custom object at once through /rest/{plural}, with a SELECT field added to
// it, and deletes it.
func TestRESTMetadataExamples(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	send, expect := sender(t, auth)
	type page struct {
		Data     map[string][]metadataObject
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		TotalCount int
	}

	// 28. Create an object; it comes back with its default fields, and lists page by plain ids.
	r := send("POST", "/rest/metadata/objects", `{"nameSingular":"postObjX","namePlural":"postObjXs","labelSingular":"Post Obj X","labelPlural":"Post Obj Xs","icon":"IconTestPipe","isLabelSyncedWithName":false}`)
	expect(r, http.StatusCreated, "POST /rest/metadata/objects")
	obj := decode[struct {
		Data struct{ CreateOneObject metadataObject }
	}](t, r).Data.CreateOneObject
	if obj.ID == "" || obj.NameSingular != "postObjX" || !obj.IsCustom || len(obj.Fields) == 0 {
		t.Fatalf("createOneObject = %+v, want postObjX with its fields", obj)
	}
	r = get(t, "/rest/metadata/objects?limit=1", auth...)
	expect(r, http.StatusOK, "GET /rest/metadata/objects?limit=1")
	p := decode[page](t, r)
	items := p.Data["objects"]
	if len(items) != 1 || !p.PageInfo.HasNextPage || p.PageInfo.StartCursor == nil || *p.PageInfo.StartCursor != items[0].ID ||
		p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != items[0].ID || p.TotalCount != 16 || len(items[0].Fields) == 0 {
		t.Errorf("GET /rest/metadata/objects?limit=1 = %s", r.body)
	}
	r = get(t, "/rest/metadata/objects?limit=2&starting_after="+items[0].ID, auth...)
	if next := decode[page](t, r).Data["objects"]; r.status != 200 || len(next) != 2 || next[0].ID == items[0].ID {
		t.Errorf("the next page = %d %s", r.status, r.body)
	}

	// 29. Add a field; the same again is refused; deleting an unknown field is a 404.
	field := `{"objectMetadataId":"` + obj.ID + `","type":"TEXT","name":"postFieldX","label":"Post Field X","isLabelSyncedWithName":false}`
	r = send("POST", "/rest/metadata/fields", field)
	expect(r, http.StatusCreated, "POST /rest/metadata/fields")
	if f := decode[struct {
		Data struct{ CreateOneField metadataField }
	}](t, r).Data.CreateOneField; f.ObjectMetadataID != obj.ID || f.Name != "postFieldX" {
		t.Errorf("createOneField = %+v", f)
	}
	r = send("POST", "/rest/metadata/fields", field)
	want := envelope{400, "BadRequestException", []string{`Name "postFieldX" is not available as it is already used by another field`}}
	if diff := cmp.Diff(want, decode[envelope](t, r)); r.status != 400 || diff != "" {
		t.Errorf("the same field again = %d (-want +got):\n%s", r.status, diff)
	}
	r = send("DELETE", "/rest/metadata/fields/00000000-0000-4000-8000-000000000000", "")
	if r.status != 404 || decode[envelope](t, r).StatusCode != 404 {
		t.Errorf("DELETE an unknown field = %d %s, want 404", r.status, r.body)
	}
	for path, status := range map[string]int{
		"/rest/metadata/objects/not-a-uuid":                           400,
		"/rest/metadata/objects/00000000-0000-4000-8000-000000000000": 404,
		"/rest/metadata/objects/" + strings.ToUpper(obj.ID):           200,
	} {
		if r := get(t, path, auth...); r.status != status {
			t.Errorf("GET %s = %d %s, want %d", path, r.status, r.body, status)
		}
	}

	// The object is usable at once, and so is a SELECT field added to it.
	expect(post(t, "/rest/postObjXs", `{"name":"first","postFieldX":"hello"}`, auth...), http.StatusCreated, "POST /rest/postObjXs")
	r = send("POST", "/rest/metadata/fields", `{"objectMetadataId":"`+obj.ID+`","type":"SELECT","name":"stage","label":"Stage",
		"options":[{"value":"NEW","label":"New","color":"blue","position":0},{"value":"DONE","label":"Done","color":"green","position":1}],"defaultValue":"'NEW'"}`)
	expect(r, http.StatusCreated, "POST a SELECT field")
	if f := decode[struct {
		Data struct{ CreateOneField metadataField }
	}](t, r).Data.CreateOneField; len(f.Options) != 2 || f.Options[0].ID == "" {
		t.Errorf("the SELECT field = %+v", f)
	}
	r = post(t, "/rest/postObjXs", `{"name":"second","stage":"DONE"}`, auth...)
	expect(r, http.StatusCreated, "POST a record with the SELECT field")
	if !strings.Contains(string(r.body), `"createPostObjX":{`) || !strings.Contains(string(r.body), `"stage":"DONE"`) {
		t.Errorf("created record = %s", r.body)
	}
	if r := post(t, "/rest/postObjXs", `{"stage":"LATER"}`, auth...); r.status != http.StatusBadRequest {
		t.Errorf("a value outside the options = %d %s, want 400", r.status, r.body)
	}
	r = get(t, "/rest/postObjXs?order_by=name", auth...)
	expect(r, http.StatusOK, "GET /rest/postObjXs")
	type record struct{ Name, Stage, PostFieldX string }
	got := decode[struct{ Data struct{ PostObjXs []record } }](t, r).Data.PostObjXs
	if diff := cmp.Diff([]record{{"first", "NEW", "hello"}, {"second", "DONE", ""}}, got); diff != "" {
		t.Errorf("GET /rest/postObjXs (-want +got):\n%s", diff)
	}

	// An active object cannot be deleted; a deactivated one can, and its records go with it.
	r = send("DELETE", "/rest/metadata/objects/"+obj.ID, "")
	if diff := cmp.Diff(envelope{400, "BadRequestException", []string{"Active objects can't be deleted"}}, decode[envelope](t, r)); diff != "" {
		t.Errorf("DELETE an active object (-want +got):\n%s", diff)
	}
	r = send("PATCH", "/rest/metadata/objects/"+obj.ID, `{"isActive":false}`)
	expect(r, http.StatusOK, "PATCH isActive false")
	if o := decode[struct {
		Data struct{ UpdateOneObject metadataObject }
	}](t, r).Data.UpdateOneObject; o.IsActive || len(o.Fields) == 0 {
		t.Errorf("updateOneObject = %+v", o)
	}
	r = send("DELETE", "/rest/metadata/objects/"+obj.ID, "")
	expect(r, http.StatusOK, "DELETE the object")
	if o := decode[struct {
		Data struct{ DeleteOneObject metadataObject }
	}](t, r).Data.DeleteOneObject; o.ID != obj.ID {
		t.Errorf("deleteOneObject = %s", r.body)
	}
	if r := get(t, "/rest/postObjXs", auth...); r.status != http.StatusBadRequest {
		t.Errorf("GET /rest/postObjXs after the delete = %d %s, want 400", r.status, r.body)
	}
}
