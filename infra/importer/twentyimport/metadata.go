package twentyimport

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// twentyObject and twentyField are Twenty's core.objectMetadata and core.fieldMetadata rows.
type twentyObject struct {
	ID, NameSingular, NamePlural, LabelSingular, LabelPlural string
	Description, Icon, TargetTableName                       string
	IsCustom, IsActive, IsSystem, IsRemote, IsSearchable     bool
	LabelIdentifier, ImageIdentifier                         *string
}

type twentyField struct {
	ID, ObjectID, Type, Name, Label, Description, Icon string
	DefaultValue, Options, Settings                    []byte
	IsCustom, IsActive, IsSystem, IsNullable, IsUnique bool
	TargetObjectID, TargetFieldID, MorphID             *string
}

// Skipped is something the import leaves out, with why.
type Skipped struct {
	What, Reason string
}

// relationSettings are the keys of a relation field's settings that our Relation holds.
var relationSettings = []string{"relationType", "onDelete", "joinColumnName"}

// ReadMetadata reads a workspace's objects and fields and converts them to the records Worker's
// metadata, ids kept. Remote objects and fields of types the records Worker lacks are skipped
// with their reasons; the schema is then validated as the metadata API validates it.
func (s *Source) ReadMetadata(ctx context.Context, workspaceID string) ([]importschema.Object, map[string]string, []Skipped, error) {
	rows, err := s.conn.Query(ctx, `SELECT id::text, "nameSingular", "namePlural", "labelSingular", "labelPlural", coalesce(description, ''), coalesce(icon, ''),
"targetTableName", "isCustom", "isActive", "isSystem", "isRemote", "isSearchable", "labelIdentifierFieldMetadataId"::text, "imageIdentifierFieldMetadataId"::text
FROM core."objectMetadata" WHERE "workspaceId" = $1 ORDER BY "createdAt", id`, workspaceID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read objects of %s: %w", workspaceID, err)
	}
	objs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (twentyObject, error) {
		var o twentyObject
		return o, r.Scan(&o.ID, &o.NameSingular, &o.NamePlural, &o.LabelSingular, &o.LabelPlural, &o.Description, &o.Icon, &o.TargetTableName,
			&o.IsCustom, &o.IsActive, &o.IsSystem, &o.IsRemote, &o.IsSearchable, &o.LabelIdentifier, &o.ImageIdentifier)
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read objects of %s: %w", workspaceID, err)
	}
	rows, err = s.conn.Query(ctx, `SELECT id::text, "objectMetadataId"::text, type, name, label, coalesce(description, ''), coalesce(icon, ''),
"defaultValue", options, settings, "isCustom", "isActive", "isSystem", coalesce("isNullable", true), coalesce("isUnique", false),
"relationTargetObjectMetadataId"::text, "relationTargetFieldMetadataId"::text, "morphId"::text
FROM core."fieldMetadata" WHERE "workspaceId" = $1 ORDER BY "createdAt", id`, workspaceID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read fields of %s: %w", workspaceID, err)
	}
	fields, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (twentyField, error) {
		var f twentyField
		return f, r.Scan(&f.ID, &f.ObjectID, &f.Type, &f.Name, &f.Label, &f.Description, &f.Icon, &f.DefaultValue, &f.Options, &f.Settings,
			&f.IsCustom, &f.IsActive, &f.IsSystem, &f.IsNullable, &f.IsUnique, &f.TargetObjectID, &f.TargetFieldID, &f.MorphID)
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read fields of %s: %w", workspaceID, err)
	}
	out, tables, skipped, err := convertMetadata(objs, fields)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("workspace %s: %w", workspaceID, err)
	}
	return out, tables, skipped, nil
}

// convertMetadata turns Twenty's rows into our objects, and answers each object's source table.
func convertMetadata(objs []twentyObject, fields []twentyField) ([]importschema.Object, map[string]string, []Skipped, error) {
	var skipped []Skipped
	byID := map[string]twentyObject{}
	fieldByID := map[string]twentyField{}
	for _, o := range objs {
		byID[o.ID] = o
	}
	for _, f := range fields {
		fieldByID[f.ID] = f
	}
	known := map[string]bool{}
	for _, o := range importschema.StandardObjects() {
		for _, f := range o.Fields {
			known[string(f.Type)] = true
		}
	}
	for _, t := range []string{"NUMERIC", "RATING", "MULTI_SELECT", "ADDRESS", "RAW_JSON", "RICH_TEXT", "ARRAY", "DATE", "FILES", "PHONES", "EMAILS", "LINKS"} {
		known[t] = true
	}
	out := make([]importschema.Object, 0, len(objs))
	tables := map[string]string{}
	for _, o := range objs {
		if o.IsRemote {
			skipped = append(skipped, Skipped{"object " + o.NameSingular, "remote objects (foreign tables) have no data in the workspace schema"})
			continue
		}
		obj := importschema.Object{
			ID: o.ID, NameSingular: o.NameSingular, NamePlural: o.NamePlural, LabelSingular: o.LabelSingular, LabelPlural: o.LabelPlural,
			Description: o.Description, Icon: o.Icon, IsCustom: o.IsCustom, IsActive: o.IsActive, IsSystem: o.IsSystem, IsSearchable: o.IsSearchable,
		}
		if o.LabelIdentifier != nil {
			obj.LabelIdentifierFieldMetadataID = *o.LabelIdentifier
		}
		if o.ImageIdentifier != nil {
			obj.ImageIdentifierFieldMetadataID = *o.ImageIdentifier
		}
		for _, f := range fields {
			if f.ObjectID != o.ID {
				continue
			}
			if !known[f.Type] {
				skipped = append(skipped, Skipped{"field " + o.NameSingular + "." + f.Name, "type " + f.Type + " is not supported by the records Worker"})
				continue
			}
			fl, err := convertField(f, byID, fieldByID)
			if err != nil {
				skipped = append(skipped, Skipped{"field " + o.NameSingular + "." + f.Name, err.Error()})
				continue
			}
			obj.Fields = append(obj.Fields, fl)
		}
		tables[o.NameSingular] = o.TargetTableName
		if tables[o.NameSingular] == "" {
			tables[o.NameSingular] = o.NameSingular
			if o.IsCustom {
				tables[o.NameSingular] = "_" + o.NameSingular
			}
		}
		out = append(out, obj)
	}
	if err := importschema.ValidateSchema(out); err != nil {
		return nil, nil, skipped, fmt.Errorf("the metadata does not fit the records Worker: %w", err)
	}
	return out, tables, skipped, nil
}

func convertField(f twentyField, objs map[string]twentyObject, fields map[string]twentyField) (importschema.Field, error) {
	fl := importschema.Field{
		ID: f.ID, ObjectMetadataID: f.ObjectID, Type: importschema.FieldType(f.Type), Name: f.Name, Label: f.Label,
		Description: f.Description, Icon: f.Icon, IsCustom: f.IsCustom, IsActive: f.IsActive, IsSystem: f.IsSystem,
		IsNullable: f.IsNullable, IsUnique: f.IsUnique,
	}
	if len(f.DefaultValue) > 0 {
		var v any
		if err := json.Unmarshal(f.DefaultValue, &v); err != nil {
			return fl, fmt.Errorf("default value: %w", err)
		}
		if arr, ok := v.([]any); ok { // MULTI_SELECT and ARRAY defaults are lists of quoted strings
			ss := make([]string, 0, len(arr))
			for _, x := range arr {
				if s, ok := x.(string); ok {
					ss = append(ss, s)
				}
			}
			v = ss
		}
		fl.DefaultValue = v
	}
	if len(f.Options) > 0 && string(f.Options) != "null" {
		var opts []struct {
			ID, Value, Label, Color string
			Position                float64
		}
		if err := json.Unmarshal(f.Options, &opts); err != nil {
			return fl, fmt.Errorf("options: %w", err)
		}
		for _, o := range opts {
			fl.Options = append(fl.Options, importschema.Option{ID: o.ID, Value: o.Value, Label: o.Label, Color: o.Color, Position: int(o.Position)})
		}
	}
	var settings map[string]any
	if len(f.Settings) > 0 && string(f.Settings) != "null" {
		if err := json.Unmarshal(f.Settings, &settings); err != nil {
			return fl, fmt.Errorf("settings: %w", err)
		}
	}
	if f.Type == "RELATION" || f.Type == "MORPH_RELATION" {
		rt, _ := settings["relationType"].(string)
		if f.TargetObjectID == nil || f.TargetFieldID == nil {
			return fl, fmt.Errorf("relation without a target")
		}
		target, ok := objs[*f.TargetObjectID]
		tf, ok2 := fields[*f.TargetFieldID]
		if !ok || !ok2 {
			return fl, fmt.Errorf("relation to a missing object or field")
		}
		r := &importschema.Relation{
			Type: importschema.RelationType(rt), TargetObjectNameSingular: target.NameSingular, TargetFieldName: tf.Name,
			TargetObjectMetadataID: target.ID, TargetFieldMetadataID: tf.ID,
		}
		if jc, ok := settings["joinColumnName"].(string); ok && r.Type == importschema.ManyToOne && jc != f.Name+"Id" {
			return fl, fmt.Errorf("join column %q: the records Worker keeps a relation's join column as %q", jc, f.Name+"Id")
		}
		if od, ok := settings["onDelete"].(string); ok && r.Type == importschema.ManyToOne {
			r.OnDelete = importschema.OnDeleteAction(od)
		}
		if f.MorphID != nil {
			r.MorphID = *f.MorphID
		}
		fl.Relation = r
		for _, k := range relationSettings {
			delete(settings, k)
		}
	}
	if len(settings) > 0 {
		fl.Settings = settings
	}
	return fl, nil
}
