package twentyimport

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

func TestValueExpr(t *testing.T) {
	tests := []struct {
		name   string
		col    importschema.Column
		pgType string
		want   string
	}{
		{"timestamp", importschema.Column{Name: "createdAt", Type: "DATE_TIME", SQLType: importschema.SQLText, Nullable: true}, "timestamp with time zone",
			`to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`},
		{"date", importschema.Column{Name: "birthday", Type: "DATE", SQLType: importschema.SQLText, Nullable: true}, "date", `to_char("birthday", 'YYYY-MM-DD')`},
		{"boolean", importschema.Column{Name: "icp", Type: "BOOLEAN", SQLType: importschema.SQLInteger, Nullable: true}, "boolean", `"icp"::int`},
		{"micros", importschema.Column{Name: "amountAmountMicros", SQLType: importschema.SQLInteger, Nullable: true}, "numeric", `round("amountAmountMicros"::numeric)::bigint`},
		{"position", importschema.Column{Name: "position", SQLType: importschema.SQLReal, Default: int64(0)}, "double precision", `coalesce("position"::float8, 0)`},
		{"array", importschema.Column{Name: "tags", Type: "ARRAY", SQLType: importschema.SQLText, Nullable: true}, "ARRAY", `to_jsonb("tags")::text`},
		{"unique text", importschema.Column{Name: "emailsPrimaryEmail", SQLType: importschema.SQLText, Nullable: true, Unique: true}, "text", `nullif("emailsPrimaryEmail"::text, '')`},
		{"enum with default", importschema.Column{Name: "stage", SQLType: importschema.SQLText, Default: "NEW"}, "USER-DEFINED", `coalesce("stage"::text, 'NEW')`},
		{"quote in default", importschema.Column{Name: "x", SQLType: importschema.SQLText, Default: "it's"}, "text", `coalesce("x"::text, 'it''s')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withDefault(valueExpr(tt.col, tt.pgType), tt.col); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestConvertMetadata(t *testing.T) {
	objs := []twentyObject{
		{ID: "o1", NameSingular: "rocket", NamePlural: "rockets", LabelSingular: "Rocket", LabelPlural: "Rockets", IsCustom: true, IsActive: true},
		{ID: "o2", NameSingular: "remote", NamePlural: "remotes", LabelSingular: "Remote", LabelPlural: "Remotes", IsRemote: true},
	}
	base := func(id, typ, name string) twentyField {
		return twentyField{ID: id, ObjectID: "o1", Type: typ, Name: name, Label: name, IsActive: true, IsNullable: true}
	}
	id := base("f1", "UUID", "id")
	id.IsNullable, id.DefaultValue = false, []byte(`"uuid"`)
	fuel := base("f2", "SELECT", "fuel")
	fuel.Options = []byte(`[{"id": "x1", "value": "KEROSENE", "label": "Kerosene", "color": "red", "position": 0}]`)
	fuel.DefaultValue = []byte(`"'KEROSENE'"`)
	tags := base("f3", "MULTI_SELECT", "tags")
	tags.Options = []byte(`[{"id": "x2", "value": "A", "label": "A", "color": "blue", "position": 0}]`)
	tags.DefaultValue = []byte(`["'A'"]`)
	parent := base("f4", "RELATION", "parent")
	parent.Settings = []byte(`{"relationType": "MANY_TO_ONE", "onDelete": "CASCADE", "joinColumnName": "parentId", "extra": 1}`)
	parent.TargetObjectID, parent.TargetFieldID = ptr("o1"), ptr("f5")
	children := base("f5", "RELATION", "children")
	children.Settings = []byte(`{"relationType": "ONE_TO_MANY"}`)
	children.TargetObjectID, children.TargetFieldID = ptr("o1"), ptr("f4")
	odd := base("f6", "RELATION", "odd")
	odd.Settings = []byte(`{"relationType": "MANY_TO_ONE", "joinColumnName": "weirdId"}`)
	odd.TargetObjectID, odd.TargetFieldID = ptr("o1"), ptr("f5")
	unknown := base("f7", "HOLOGRAM", "hologram")
	var stamps []twentyField
	for i, n := range []string{"createdAt", "updatedAt", "deletedAt"} {
		f := base("t"+n, "DATE_TIME", n)
		if i < 2 {
			f.IsNullable, f.DefaultValue = false, []byte(`"now"`)
		}
		stamps = append(stamps, f)
	}

	got, tables, skipped, err := convertMetadata(objs, append([]twentyField{id, fuel, tags, parent, children, odd, unknown}, stamps...))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || tables["rocket"] != "_rocket" {
		t.Fatalf("objects %d, tables %v", len(got), tables)
	}
	want := []importschema.Field{
		{ID: "f1", ObjectMetadataID: "o1", Type: "UUID", Name: "id", Label: "id", IsActive: true, DefaultValue: "uuid"},
		{ID: "f2", ObjectMetadataID: "o1", Type: "SELECT", Name: "fuel", Label: "fuel", IsActive: true, IsNullable: true, DefaultValue: "'KEROSENE'",
			Options: []importschema.Option{{ID: "x1", Value: "KEROSENE", Label: "Kerosene", Color: "red"}}},
		{ID: "f3", ObjectMetadataID: "o1", Type: "MULTI_SELECT", Name: "tags", Label: "tags", IsActive: true, IsNullable: true, DefaultValue: []string{"'A'"},
			Options: []importschema.Option{{ID: "x2", Value: "A", Label: "A", Color: "blue"}}},
		{ID: "f4", ObjectMetadataID: "o1", Type: "RELATION", Name: "parent", Label: "parent", IsActive: true, IsNullable: true, Settings: map[string]any{"extra": float64(1)},
			Relation: &importschema.Relation{Type: "MANY_TO_ONE", TargetObjectNameSingular: "rocket", TargetFieldName: "children", OnDelete: "CASCADE",
				TargetObjectMetadataID: "o1", TargetFieldMetadataID: "f5"}},
		{ID: "f5", ObjectMetadataID: "o1", Type: "RELATION", Name: "children", Label: "children", IsActive: true, IsNullable: true,
			Relation: &importschema.Relation{Type: "ONE_TO_MANY", TargetObjectNameSingular: "rocket", TargetFieldName: "parent",
				TargetObjectMetadataID: "o1", TargetFieldMetadataID: "f4"}},
	}
	if diff := cmp.Diff(want, got[0].Fields[:5]); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	wantSkipped := []string{"field rocket.odd", "field rocket.hologram", "object remote"}
	var gotSkipped []string
	for _, s := range skipped {
		gotSkipped = append(gotSkipped, s.What)
	}
	if diff := cmp.Diff(wantSkipped, gotSkipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}
