package views

import (
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// IndexViewName is the name of every object's default view, "All People" when shown.
const IndexViewName = "All " + labelPlaceholder

// defaultField is a field of a default view: its name, width and footer aggregate.
type defaultField struct {
	name      string
	size      float64
	aggregate string
}

// standardIndexFields are the fields of the standard objects' "All" views, in Twenty's order,
// widths and aggregates (workspace-manager/standard-objects-prefill-data/views/*-all.view.ts).
// An object without an entry shows its label identifier and then its other fields.
var standardIndexFields = map[string][]defaultField{
	"person": {
		{"name", 210, ""}, {"emails", 150, "COUNT_UNIQUE_VALUES"}, {"createdBy", 150, ""}, {"company", 150, ""},
		{"phones", 150, "PERCENTAGE_EMPTY"}, {"createdAt", 150, "MIN"}, {"city", 150, ""}, {"jobTitle", 150, ""},
		{"linkedinLink", 150, ""}, {"xLink", 150, ""},
	},
	"company": {
		{"name", 180, ""}, {"domainName", 100, "COUNT"}, {"createdBy", 150, ""}, {"accountOwner", 150, ""},
		{"createdAt", 150, ""}, {"employees", 150, "MAX"}, {"linkedinLink", 170, "PERCENTAGE_EMPTY"},
		{"address", 170, "COUNT_NOT_EMPTY"},
	},
	"opportunity": {
		{"name", 150, ""}, {"amount", 150, "AVG"}, {"createdBy", 150, ""}, {"closeDate", 150, "MIN"},
		{"company", 150, ""}, {"pointOfContact", 150, ""},
	},
	"note": {
		{"title", 210, ""}, {"noteTargets", 150, ""}, {"bodyV2", 150, ""}, {"createdBy", 150, ""}, {"createdAt", 150, ""},
	},
	"task": {
		{"title", 210, ""}, {"taskTargets", 150, ""}, {"status", 150, ""}, {"dueAt", 150, ""}, {"assignee", 150, ""},
		{"bodyV2", 150, ""}, {"createdBy", 150, ""}, {"createdAt", 150, ""},
	},
}

// genericSize is the width of a default view's field without one of its own.
const genericSize = defaultFieldSize

// hiddenInIndex are the fields an object's default view leaves out.
var hiddenInIndex = []string{"id", "deletedAt", "position", "searchVector"}

// indexFields are the fields of o's default view.
func indexFields(o metadata.Object) []defaultField {
	if fs, ok := standardIndexFields[o.NameSingular]; ok && !o.IsCustom {
		return slices.DeleteFunc(slices.Clone(fs), func(f defaultField) bool { _, ok := o.Field(f.name); return !ok })
	}
	var out []defaultField
	label := o.LabelIdentifier()
	if _, ok := o.Field(label); ok {
		out = append(out, defaultField{label, 210, ""})
	}
	for _, f := range o.Fields {
		if f.Name == label || f.IsSystem || slices.Contains(hiddenInIndex, f.Name) || f.Type == metadata.TypeTSVector ||
			f.Type == metadata.TypePosition || (f.Type.IsRelation() && !f.IsManyToOne()) {
			continue
		}
		out = append(out, defaultField{f.Name, genericSize, ""})
	}
	return out
}

// IndexViewStatements are the statements creating the default "All" view (INDEX, TABLE) of each
// object that has one in Twenty (every object but the system ones), with its view fields, for the
// batch that stores the objects' metadata. A standard object's view is Twenty's (not custom);
// a custom object's is custom.
func IndexViewStatements(workspaceID string, objects []metadata.Object) []d1.Stmt {
	stamp := now()
	var stmts []d1.Stmt
	for _, o := range objects {
		if o.IsSystem || o.ID == "" {
			continue
		}
		viewID := ids.NewUUID()
		v := row{id: viewID, vals: map[string]any{}}
		for _, c := range View.cols {
			v.vals[c.key] = c.def
		}
		v.vals["name"], v.vals["objectMetadataId"], v.vals["key"], v.vals["icon"] = IndexViewName, o.ID, "INDEX", "IconList"
		v.vals["isCustom"] = o.IsCustom
		stmts = append(stmts, View.insert(workspaceID, v, stamp))
		for i, f := range indexFields(o) {
			field, _ := o.Field(f.name)
			vf := row{id: ids.NewUUID(), vals: map[string]any{}}
			for _, c := range ViewField.cols {
				vf.vals[c.key] = c.def
			}
			vf.vals["viewId"], vf.vals["fieldMetadataId"] = viewID, field.ID
			vf.vals["position"], vf.vals["size"], vf.vals["isVisible"] = float64(i), f.size, true
			if f.aggregate != "" {
				vf.vals["aggregateOperation"] = f.aggregate
			}
			vf.vals["isSystemSideEffect"] = o.IsCustom
			stmts = append(stmts, ViewField.insert(workspaceID, vf, stamp))
		}
	}
	return stmts
}

// FieldAddedStatements add a new field of object objectID, visible, at the end of the object's
// INDEX views, as Twenty does for a field created through the API.
func FieldAddedStatements(workspaceID, objectID string, f metadata.Field) []d1.Stmt {
	if f.IsSystem || f.Type == metadata.TypeTSVector || f.Type == metadata.TypePosition || (f.Type.IsRelation() && !f.IsManyToOne()) {
		return nil
	}
	stamp := now()
	return []d1.Stmt{{
		SQL: `INSERT INTO view_field (id, workspace_id, view_id, field_metadata_id, is_visible, size, position, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
  v.workspace_id, v.id, ?, 1, ?, coalesce((SELECT max(position) + 1 FROM view_field WHERE view_id = v.id), 0), ?, ?
FROM view AS v WHERE v.workspace_id = ? AND v.object_metadata_id = ? AND v.view_key = 'INDEX'`,
		Args: []any{f.ID, float64(genericSize), stamp, stamp, workspaceID, objectID},
	}}
}

// FieldRemovedStatements remove what refers to the deleted fields: their view fields, sorts and
// filters (Twenty's cascade of a field's deletion).
func FieldRemovedStatements(workspaceID string, fieldIDs ...string) []d1.Stmt {
	var stmts []d1.Stmt
	for _, id := range fieldIDs {
		for _, table := range []string{"view_field", "view_sort", "view_filter"} {
			stmts = append(stmts, d1.Stmt{SQL: "DELETE FROM " + table + " WHERE workspace_id = ? AND field_metadata_id = ?", Args: []any{workspaceID, id}})
		}
	}
	return stmts
}
