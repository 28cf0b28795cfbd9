package views_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/metastore"
	"github.com/twentyworkers/twenty/services/records/internal/views"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// fixture is two initialised workspaces on one control database and one shard, with the views
// and metadata stores over them.
type fixture struct {
	t      *testing.T
	meta   *metastore.Store
	views  *views.Store
	ws     string
	other  string
	shard  *d1.DB
	people metadata.ObjectDTO
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	control, shard := sqltest.Open(t), sqltest.OpenEmpty(t)
	f := &fixture{t: t, meta: &metastore.Store{Control: control, Shards: map[string]*d1.DB{"DB_0": shard}},
		views: &views.Store{Control: control}, ws: ids.NewUUID(), other: ids.NewUUID(), shard: shard}
	for _, ws := range []string{f.ws, f.other} {
		for _, q := range []string{`INSERT INTO workspaces (id) VALUES (?)`, `INSERT INTO shard_map (workspace_id, binding) VALUES (?, 'DB_0')`} {
			if _, err := control.Exec(q, ws); err != nil {
				t.Fatal(err)
			}
		}
		version, err := f.meta.Init(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		stmts, err := ddl.InitWorkspace(ws, version)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := shard.Batch(ctx, stmts...); err != nil {
			t.Fatal(err)
		}
	}
	objects, err := f.meta.Objects(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objects {
		if o.NameSingular == "person" {
			f.people = o
		}
	}
	return f
}

// field is the id of the person field named name.
func (f *fixture) field(name string) string {
	for _, fd := range f.people.Fields {
		if fd.Name == name {
			return fd.ID
		}
	}
	f.t.Fatalf("person has no field %s", name)
	return ""
}

// indexView is the workspace's view named name.
func (f *fixture) indexView(ws, name string) views.DTO {
	f.t.Helper()
	all, err := f.views.Find(context.Background(), ws, views.View, views.Query{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, v := range all {
		if v["name"] == name {
			return v
		}
	}
	f.t.Fatalf("no view %q", name)
	return nil
}

func (f *fixture) create(k *views.Kind, inputs ...any) []views.DTO {
	f.t.Helper()
	var raw [][]byte
	for _, in := range inputs {
		b, _ := json.Marshal(in)
		raw = append(raw, b)
	}
	out, err := f.views.Create(context.Background(), f.ws, k, raw, "")
	if err != nil {
		f.t.Fatalf("create %s: %v", k.Name, err)
	}
	return out
}

func TestStandardObjectsGetTwentysAllViews(t *testing.T) {
	f := newFixture(t)
	all, err := f.views.Find(context.Background(), f.ws, views.View, views.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range all {
		names = append(names, v["name"].(string))
		if v["key"] != "INDEX" || v["type"] != "TABLE" || v["isCustom"] != false || v["visibility"] != "WORKSPACE" {
			t.Errorf("view %s: key %v type %v isCustom %v visibility %v", v["name"], v["key"], v["type"], v["isCustom"], v["visibility"])
		}
	}
	for _, want := range []string{"All People", "All Companies", "All Opportunities", "All Notes", "All Tasks"} {
		if !contains(names, want) {
			t.Errorf("views %v lack %q", names, want)
		}
	}
	for _, system := range []string{"All Favorites", "All Attachments", "All Timeline Activities"} {
		if contains(names, system) {
			t.Errorf("views %v have the system object's %q", names, system)
		}
	}
	people := f.indexView(f.ws, "All People")
	byID := map[string]string{}
	for _, fd := range f.people.Fields {
		byID[fd.ID] = fd.Name
	}
	var fields []string
	for _, vf := range people["viewFields"].([]views.DTO) {
		fields = append(fields, byID[vf["fieldMetadataId"].(string)])
	}
	want := []string{"name", "emails", "createdBy", "company", "phones", "createdAt", "city", "jobTitle", "linkedinLink", "xLink"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("All People's fields (-want +got):\n%s", diff)
	}
	first := people["viewFields"].([]views.DTO)[1]
	if first["aggregateOperation"] != "COUNT_UNIQUE_VALUES" || first["size"] != 150.0 || first["position"] != 1.0 || first["isVisible"] != true {
		t.Errorf("emails' view field = %v", first)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestCustomObjectsViewComesAndGoesWithIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	o, err := f.meta.CreateObject(ctx, f.ws, []byte(`{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets"}`))
	if err != nil {
		t.Fatal(err)
	}
	v := f.indexView(f.ws, "All Rockets")
	if v["objectMetadataId"] != o.ID || v["isCustom"] != true || len(v["viewFields"].([]views.DTO)) == 0 {
		t.Fatalf("All Rockets = %v", v)
	}
	field, err := f.meta.CreateField(ctx, f.ws, []byte(`{"objectMetadataId":"`+o.ID+`","type":"NUMBER","name":"thrust","label":"Thrust"}`))
	if err != nil {
		t.Fatal(err)
	}
	vfs := f.indexView(f.ws, "All Rockets")["viewFields"].([]views.DTO)
	if last := vfs[len(vfs)-1]; last["fieldMetadataId"] != field.ID || last["position"] != float64(len(vfs)-1) {
		t.Errorf("the new field's view field = %v, want it last", last)
	}
	if _, err := f.meta.DeleteField(ctx, f.ws, field.ID); err != nil {
		t.Fatal(err)
	}
	if vfs2 := f.indexView(f.ws, "All Rockets")["viewFields"].([]views.DTO); len(vfs2) != len(vfs)-1 {
		t.Errorf("after deleting the field the view has %d fields, want %d", len(vfs2), len(vfs)-1)
	}
	if _, err := f.meta.UpdateObject(ctx, f.ws, o.ID, []byte(`{"isActive":false}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.meta.DeleteObject(ctx, f.ws, o.ID); err != nil {
		t.Fatal(err)
	}
	got, err := f.views.Find(ctx, f.ws, views.View, views.Query{ObjectMetadataID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("the deleted object still has views %v", got)
	}
	var n int
	if err := f.views.Control.QueryRow(`SELECT count(*) FROM view_field WHERE view_id = ?`, v["id"]).Scan(&n); err != nil || n != 0 {
		t.Errorf("the deleted view's fields: %d left (%v)", n, err)
	}
}

func TestViewCRUD(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.create(views.View, map[string]any{"name": "Paris", "objectMetadataId": f.people.ID, "icon": "IconList"})[0]
	if v["type"] != "TABLE" || v["isCustom"] != true || v["position"] != 0.0 || v["openRecordIn"] != "SIDE_PANEL" ||
		len(v["viewFields"].([]views.DTO)) != 0 || v["workspaceId"] != f.ws || v["universalIdentifier"] != v["id"] {
		t.Fatalf("created view = %v", v)
	}
	id := v["id"].(string)
	fields := f.create(views.ViewField,
		map[string]any{"viewId": id, "fieldMetadataId": f.field("name"), "position": 0, "size": 180},
		map[string]any{"viewId": id, "fieldMetadataId": f.field("city"), "position": 1, "isVisible": false})
	if len(fields) != 2 || fields[1]["isVisible"] != false || fields[0]["size"] != 180.0 {
		t.Fatalf("created view fields = %v", fields)
	}
	f.create(views.ViewFilter, map[string]any{"viewId": id, "fieldMetadataId": f.field("city"), "operand": "CONTAINS", "value": "Paris"})
	f.create(views.ViewSort, map[string]any{"viewId": id, "fieldMetadataId": f.field("createdAt"), "direction": "DESC"})
	got, err := f.views.Find(ctx, f.ws, views.View, views.Query{ID: id})
	if err != nil || len(got) != 1 {
		t.Fatalf("find view: %v %v", got, err)
	}
	if n := []int{len(got[0]["viewFields"].([]views.DTO)), len(got[0]["viewFilters"].([]views.DTO)), len(got[0]["viewSorts"].([]views.DTO))}; !cmp.Equal(n, []int{2, 1, 1}) {
		t.Errorf("view parts = %v, want [2 1 1]", n)
	}
	up, err := f.views.Update(ctx, f.ws, views.View, id, []byte(`{"name":"Parisians","objectMetadataId":"`+ids.NewUUID()+`"}`))
	if err != nil || up["name"] != "Parisians" || up["objectMetadataId"] != f.people.ID {
		t.Fatalf("update view = %v, %v", up, err)
	}
	vf, err := f.views.Update(ctx, f.ws, views.ViewField, fields[1]["id"].(string), []byte(`{"isVisible":true,"position":5}`))
	if err != nil || vf["isVisible"] != true || vf["position"] != 5.0 {
		t.Fatalf("update view field = %v, %v", vf, err)
	}

	// Another workspace sees none of it, and cannot change it.
	others, err := f.views.Find(ctx, f.other, views.View, views.Query{ID: id})
	if err != nil || len(others) != 0 {
		t.Errorf("another workspace finds %v, %v", others, err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want views.Error
	}{
		{"update", func() error {
			_, err := f.views.Update(ctx, f.other, views.View, id, []byte(`{"name":"x"}`))
			return err
		}(),
			views.Error{NotFound: true, Message: "View to update not found"}},
		{"destroy", func() error { _, err := f.views.Delete(ctx, f.other, views.View, id, true); return err }(),
			views.Error{NotFound: true, Message: "View to destroy not found"}},
		{"add field", func() error {
			_, err := f.views.Create(ctx, f.other, views.ViewField, [][]byte{[]byte(`{"viewId":"` + id + `","fieldMetadataId":"` + f.field("city") + `"}`)}, "")
			return err
		}(), views.Error{Code: views.CodeInvalidViewData, Message: "View not found"}},
	} {
		if ve, ok := errors.AsType[*views.Error](tc.err); !ok || *ve != tc.want {
			t.Errorf("%s from another workspace: %v, want %+v", tc.name, tc.err, tc.want)
		}
	}

	if _, err := f.views.Delete(ctx, f.ws, views.View, id, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.views.Find(ctx, f.ws, views.View, views.Query{ID: id}); len(got) != 0 {
		t.Errorf("a deleted view is still found: %v", got)
	}
	if _, err := f.views.Delete(ctx, f.ws, views.View, id, true); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.views.Control.QueryRow(`SELECT (SELECT count(*) FROM view_field WHERE view_id = ?) + (SELECT count(*) FROM view_filter WHERE view_id = ?)`, id, id).Scan(&n); err != nil || n != 0 {
		t.Errorf("a destroyed view's parts: %d left (%v)", n, err)
	}
}

func TestCreateRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.create(views.View, map[string]any{"name": "Mine", "objectMetadataId": f.people.ID, "icon": "IconList"})[0]
	companies := f.indexView(f.ws, "All Companies")
	var companyField string
	for _, vf := range companies["viewFields"].([]views.DTO) {
		companyField = vf["fieldMetadataId"].(string)
	}
	otherPeople := f.indexView(f.other, "All People")
	for _, tc := range []struct {
		name  string
		kind  *views.Kind
		input string
		code  string // views.CodeInvalidViewData for Twenty's validation errors
		want  string
	}{
		{"unknown object", views.View, `{"name":"x","icon":"i","objectMetadataId":"` + ids.NewUUID() + `"}`, views.CodeInvalidViewData, "Object metadata not found"},
		{"another workspace's object", views.View, `{"name":"x","icon":"i","objectMetadataId":"` + otherPeople["objectMetadataId"].(string) + `"}`, views.CodeInvalidViewData, "Object metadata not found"},
		{"no name", views.View, `{"icon":"i","objectMetadataId":"` + f.people.ID + `"}`, "", "name is required"},
		{"bad type", views.View, `{"name":"x","icon":"i","type":"GRID","objectMetadataId":"` + f.people.ID + `"}`, "", "type must be one of TABLE, KANBAN, CALENDAR, LIST, FIELDS_WIDGET, TABLE_WIDGET, KANBAN_WIDGET, LIST_WIDGET, CALENDAR_WIDGET"},
		{"unknown view", views.ViewField, `{"viewId":"` + ids.NewUUID() + `","fieldMetadataId":"` + f.field("city") + `"}`, views.CodeInvalidViewData, "View not found"},
		{"another object's field", views.ViewField, `{"viewId":"` + v["id"].(string) + `","fieldMetadataId":"` + companyField + `"}`, views.CodeInvalidViewData, "Field metadata not found"},
		{"unknown group", views.ViewFilter, `{"viewId":"` + v["id"].(string) + `","fieldMetadataId":"` + f.field("city") + `","value":"x","viewFilterGroupId":"` + ids.NewUUID() + `"}`, views.CodeInvalidViewData, "View filter group not found"},
		{"not a UUID", views.ViewSort, `{"viewId":"nope","fieldMetadataId":"` + f.field("city") + `"}`, "", "viewId must be a UUID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.views.Create(ctx, f.ws, tc.kind, [][]byte{[]byte(tc.input)}, "")
			ve, ok := errors.AsType[*views.Error](err)
			if want := (views.Error{Code: tc.code, Message: tc.want}); !ok || *ve != want {
				t.Errorf("err = %v (%#v), want %+v", err, ve, want)
			}
		})
	}
}

func TestUnlistedViewsAreTheirCreators(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	me, someone := ids.NewUUID(), ids.NewUUID()
	created, err := f.views.Create(ctx, f.ws, views.View, [][]byte{[]byte(`{"name":"Private","icon":"i","visibility":"UNLISTED","objectMetadataId":"` + f.people.ID + `"}`)}, me)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		caller string
		want   bool
	}{{me, true}, {someone, false}, {"", false}} {
		all, err := f.views.Find(ctx, f.ws, views.View, views.Query{UserWorkspaceID: tc.caller, ObjectMetadataID: f.people.ID})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range all {
			found = found || v["id"] == created[0]["id"]
		}
		if found != tc.want {
			t.Errorf("caller %q lists the unlisted view: %v, want %v", tc.caller, found, tc.want)
		}
	}
}

func TestRecordFilter(t *testing.T) {
	var person metadata.Object
	for _, o := range metadata.StandardObjects() {
		if o.NameSingular == "person" {
			person = o
		}
	}
	for i := range person.Fields {
		person.Fields[i].ID = ids.NameUUID("person", person.Fields[i].Name)
	}
	f := &fixture{t: t}
	for _, fd := range person.Fields {
		f.people.Fields = append(f.people.Fields, metadata.FieldDTO{ID: fd.ID, Name: fd.Name})
	}
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	quoted := func(s string) recordquery.Value { return recordquery.Value{Raw: s, Quoted: true} }
	for _, tc := range []struct {
		name string
		spec views.Spec
		want *recordquery.Filter
	}{
		{"none", views.Spec{}, nil},
		{"text contains", views.Spec{Filters: []views.DTO{{"fieldMetadataId": f.field("city"), "operand": "CONTAINS", "value": "Par"}}},
			&recordquery.Filter{Field: "city", Op: recordquery.ILike, Value: quoted("%Par%")}},
		{"empty value filters nothing", views.Spec{Filters: []views.DTO{{"fieldMetadataId": f.field("city"), "operand": "CONTAINS", "value": ""}}}, nil},
		{"number and full name, and-ed", views.Spec{Filters: []views.DTO{
			{"fieldMetadataId": f.field("name"), "operand": "CONTAINS", "value": "an", "subFieldName": "firstName"},
			{"fieldMetadataId": f.field("city"), "operand": "IS_EMPTY", "value": ""},
		}}, &recordquery.Filter{And: []*recordquery.Filter{
			{Field: "name.firstName", Op: recordquery.ILike, Value: quoted("%an%")},
			{Or: []*recordquery.Filter{{Field: "city", Op: recordquery.Is, Value: recordquery.IsValue("NULL")}, {Field: "city", Op: recordquery.Eq, Value: quoted("")}}},
		}}},
		{"an OR group", views.Spec{
			Groups: []views.DTO{{"id": "g", "logicalOperator": "OR"}},
			Filters: []views.DTO{
				{"fieldMetadataId": f.field("city"), "operand": "CONTAINS", "value": "Paris", "viewFilterGroupId": "g"},
				{"fieldMetadataId": f.field("city"), "operand": "CONTAINS", "value": "Lyon", "viewFilterGroupId": "g"},
			}}, &recordquery.Filter{Or: []*recordquery.Filter{
			{Field: "city", Op: recordquery.ILike, Value: quoted("%Paris%")},
			{Field: "city", Op: recordquery.ILike, Value: quoted("%Lyon%")},
		}}},
		{"relation is", views.Spec{Filters: []views.DTO{{"fieldMetadataId": f.field("company"), "operand": "IS", "value": `{"isCurrentWorkspaceMemberSelected":false,"selectedRecordIds":["c1"]}`}}},
			&recordquery.Filter{Field: "companyId", Op: recordquery.In, Value: recordquery.Value{List: []recordquery.Value{quoted("c1")}}}},
		{"date is after", views.Spec{Filters: []views.DTO{{"fieldMetadataId": f.field("createdAt"), "operand": "IS_AFTER", "value": "2026-01-01T00:00:00.000Z"}}},
			&recordquery.Filter{Field: "createdAt", Op: recordquery.Gt, Value: quoted("2026-01-01T00:00:00.000Z")}},
		{"any field", views.Spec{AnyFieldFilterValue: "zz"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := views.RecordFilter(person, tc.spec, now)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "any field" {
				if got == nil || len(got.Or) == 0 {
					t.Errorf("any-field filter = %+v, want an or of text fields", got)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("filter (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := views.RecordFilter(person, views.Spec{Filters: []views.DTO{{"fieldMetadataId": ids.NewUUID(), "operand": "IS", "value": "x"}}}, now); err == nil {
		t.Error("a filter on a field the object does not have is accepted")
	}
}

func TestWorkspacesOlderThanViewsGetTheirAllViews(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.views.Control.Exec(`DELETE FROM view WHERE workspace_id = ?`, f.ws); err != nil {
		t.Fatal(err)
	}
	got := f.indexView(f.ws, "All People")
	if len(got["viewFields"].([]views.DTO)) != 10 {
		t.Errorf("the seeded All People = %v", got)
	}
	var n int
	if err := f.views.Control.QueryRow(`SELECT count(*) FROM view WHERE workspace_id = ? AND view_key = 'INDEX'`, f.ws).Scan(&n); err != nil {
		t.Fatal(err)
	}
	all, err := f.views.Find(ctx, f.ws, views.View, views.Query{})
	if err != nil || len(all) != n {
		t.Errorf("a second list = %d views (%v), want the %d seeded once", len(all), err, n)
	}
}

func TestKanbanViewGetsAGroupPerOption(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	objects, err := f.meta.Objects(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	var opportunity metadata.ObjectDTO
	for _, o := range objects {
		if o.NameSingular == "opportunity" {
			opportunity = o
		}
	}
	var stage metadata.FieldDTO
	for _, fd := range opportunity.Fields {
		if fd.Name == "stage" {
			stage = fd
		}
	}
	v := f.create(views.View, map[string]any{"name": "By stage", "objectMetadataId": opportunity.ID, "icon": "IconLayoutKanban",
		"type": "KANBAN", "mainGroupByFieldMetadataId": stage.ID})[0]
	var got []string
	for _, g := range v["viewGroups"].([]views.DTO) {
		got = append(got, g["fieldValue"].(string))
	}
	if want := []string{"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"}; !cmp.Equal(got[:min(len(got), len(want))], want) {
		t.Errorf("view groups = %q, want the stages %q first", got, want)
	}
}
