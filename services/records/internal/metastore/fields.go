package metastore

import (
	"context"
	"reflect"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/views"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file holds the metadata operations on fields. Messages are Twenty's, from
// field-metadata/controllers/field-metadata-rest-api.controller.ts (not found),
// flat-field-metadata/validators/utils/validate-flat-field-metadata-name-availability.util.ts
// (names), validate-relation-creation-payload.util.ts (relations),
// flat-field-metadata/services/flat-field-metadata-validator.service.ts (updates) and
// flat-field-metadata/utils/from-delete-field-input-to-flat-field-metadatas-to-delete.util.ts
// (deletion).

// fieldRef is a field with the object it belongs to.
type fieldRef struct {
	obj   storedObject
	field metadata.Field
}

// field returns the indexes of the object and the field with id, or -1, -1.
func (st *metaState) field(id string) (int, int) {
	for i, o := range st.objects {
		if j := slices.IndexFunc(o.Fields, func(f metadata.Field) bool { return f.ID == id }); j >= 0 {
			return i, j
		}
	}
	return -1, -1
}

// fieldDTO renders field f of object o in the workspace whose objects are all.
func fieldDTO(f metadata.Field, o storedObject, all []storedObject) metadata.FieldDTO {
	return metadata.NewFieldDTO(f, o.Object, o.info(), objectsOf(all))
}

// listFields answers the fields of all the workspace's objects (the caller pages them).
func listFields(st *metaState) ([]metadata.FieldDTO, error) {
	out := []metadata.FieldDTO{}
	all := objectsOf(st.objects) // once for the list, not once per field
	for _, o := range st.objects {
		for _, f := range o.Fields {
			out = append(out, metadata.NewFieldDTO(f, o.Object, o.info(), all))
		}
	}
	return out, nil
}

// getField answers one field.
func getField(st *metaState, id string) (metadata.FieldDTO, error) {
	id, err := metadataID(id)
	if err != nil {
		return metadata.FieldDTO{}, err
	}
	i, j := st.field(id)
	if i < 0 {
		return metadata.FieldDTO{}, missing("Field metadata with id %s not found", id)
	}
	return fieldDTO(st.objects[i].Fields[j], st.objects[i], st.objects), nil
}

// nameAvailable checks that a field of o other than except may be named name: no field has the
// name, no relation has it as its join column, no composite field has it as a column. SQLite's
// names ignore case, so the comparisons do too.
func nameAvailable(o metadata.Object, name, except string) error {
	for _, f := range o.Fields {
		if except != "" && f.ID == except {
			continue
		}
		if strings.EqualFold(f.Name, name) || f.IsManyToOne() && strings.EqualFold(f.JoinColumnName(), name) {
			return invalid(`Name "%s" is not available as it is already used by another field`, name)
		}
		if f.Type.IsComposite() && slices.ContainsFunc(metadata.Columns(f), func(c metadata.Column) bool { return strings.EqualFold(c.Name, name) }) {
			return invalid(`Name "%s" is reserved composite field name`, name)
		}
	}
	return nil
}

// withOptionIDs gives each option an id: its own, the id of the option of old with the same
// value, or a new one.
func withOptionIDs(opts, old []metadata.Option) []metadata.Option {
	out := slices.Clone(opts)
	for i, o := range out {
		if o.ID != "" {
			continue
		}
		if j := slices.IndexFunc(old, func(p metadata.Option) bool { return p.Value == o.Value }); j >= 0 {
			out[i].ID = old[j].ID
		} else {
			out[i].ID = ids.NewUUID()
		}
	}
	return out
}

// cloneAll returns copies of objects that can be changed without changing them.
func cloneAll(objects []storedObject) []storedObject {
	out := make([]storedObject, len(objects))
	for i, o := range objects {
		out[i] = o.clone()
	}
	return out
}

// columnExists reports whether the first column of field f already exists in object o's table.
func (st *metaState) columnExists(ctx context.Context, o metadata.Object, f metadata.Field) (bool, error) {
	cols := metadata.Columns(f)
	if len(cols) == 0 {
		return false, nil
	}
	table, err := ddl.TableName(st.workspaceID, o.NameSingular)
	if err != nil {
		return false, err
	}
	existing, _, err := tableColumns(ctx, st.shard, table)
	if err != nil {
		return false, err
	}
	return existing[strings.ToLower(cols[0].Name)], nil
}

// createField adds a field of any type to an object; a RELATION field also gets its inverse on
// the target object (relationCreationPayload), and a MORPH_RELATION is one field per target object
// with the inverse of each (morphRelationsCreationPayload). The columns are added in one shard
// batch, then the objects' metadata written in one control batch.
func (s *Store) createField(ctx context.Context, st *metaState, input []byte) (metadata.FieldDTO, error) {
	in, err := metadata.ParseCreateFieldInput(input)
	if err != nil {
		return metadata.FieldDTO{}, err
	}
	oi := st.object(in.ObjectMetadataID)
	if oi < 0 {
		return metadata.FieldDTO{}, invalid("Object metadata not found")
	}
	f := metadata.Field{
		ID: ids.NewUUID(), ObjectMetadataID: in.ObjectMetadataID, Type: in.Type, Name: in.Name, Label: in.Label,
		Description: in.Description, Icon: in.Icon, IsCustom: true, IsActive: true, IsNullable: in.IsNullable,
		IsUnique: in.IsUnique, DefaultValue: in.DefaultValue, Options: withOptionIDs(in.Options, nil), Settings: in.Settings,
	}
	var adds []addedField
	switch {
	case in.Relation != nil:
		ti := st.object(in.Relation.TargetObjectMetadataID)
		if ti < 0 {
			return metadata.FieldDTO{}, invalid("Object metadata relation target not found for relation creation payload")
		}
		pair, err := st.relationPair(oi, ti, f, *in.Relation, in.IsLabelSyncedWithName)
		if err != nil {
			return metadata.FieldDTO{}, err
		}
		adds = pair
	case in.Type == metadata.TypeMorphRelation:
		// One MORPH_RELATION field per target, named for it and sharing a morphId, each with its
		// inverse RELATION field on the target (from-morph-relation-create-field-input-to-flat-field-metadatas.util.ts).
		morphID := ids.NewUUID()
		for _, rp := range in.MorphRelations {
			ti := st.object(rp.TargetObjectMetadataID)
			if ti < 0 {
				return metadata.FieldDTO{}, invalid("Morph relation input transpilation failed")
			}
			g := f
			g.ID, g.Name = ids.NewUUID(), metadata.MorphFieldName(in.Name, rp.Type, st.objects[ti].Object)
			pair, err := st.relationPair(oi, ti, g, rp, in.IsLabelSyncedWithName)
			if err != nil {
				return metadata.FieldDTO{}, err
			}
			// The targets are distinct objects, whose names differ even ignoring case
			// (metadata.ValidateSchema), so the fields' names differ too.
			pair[0].field.Relation.MorphID = morphID
			adds = append(adds, pair...)
		}
	default:
		if err := nameAvailable(st.objects[oi].Object, in.Name, ""); err != nil {
			return metadata.FieldDTO{}, err
		}
		adds = []addedField{{oi, f, in.IsLabelSyncedWithName}}
	}

	now := nowStamp()
	after := cloneAll(st.objects)
	var stmts, undo []d1.Stmt
	var put []storedObject
	for _, a := range adds {
		before := after[a.obj].Object
		add, err := ddl.AddField(st.workspaceID, before, a.field)
		if err != nil {
			return metadata.FieldDTO{}, err
		}
		after[a.obj].Fields = append(after[a.obj].Fields, a.field)
		after[a.obj].setFieldInfo(a.field.ID, a.synced, now, true)
		drop, err := ddl.DropField(st.workspaceID, after[a.obj].Object, a.field)
		if err != nil {
			return metadata.FieldDTO{}, err
		}
		if left, err := st.columnExists(ctx, before, a.field); err != nil {
			return metadata.FieldDTO{}, err
		} else if left { // left by a create whose metadata and undo failed: drop it first
			stmts = append(stmts, drop...)
		}
		stmts = append(stmts, add...)
		undo = append(slices.Clone(drop), undo...)
	}
	for _, a := range adds {
		if !slices.ContainsFunc(put, func(p storedObject) bool { return p.ID == after[a.obj].ID }) {
			put = append(put, after[a.obj])
		}
	}
	if err := metadata.ValidateSchema(objectsOf(after)); err != nil {
		return metadata.FieldDTO{}, err
	}
	var viewStmts []d1.Stmt // the new fields join their objects' INDEX views
	for _, a := range adds {
		viewStmts = append(viewStmts, views.FieldAddedStatements(st.workspaceID, after[a.obj].ID, a.field)...)
	}
	if err := s.apply(ctx, st, stmts, undo, change{put: put, views: viewStmts}); err != nil {
		return metadata.FieldDTO{}, err
	}
	st.objects = after
	return fieldDTO(adds[0].field, after[oi], after), nil
}

// addedField is a field createField adds to the object at index obj of the workspace's objects.
type addedField struct {
	obj    int
	field  metadata.Field
	synced bool
}

// relationPair returns relation field f of the object at index oi, opening the relation rp to the
// object at index ti, and its inverse RELATION field there, named from rp's target label. Both
// names must be free. Both sides are nullable: a join column added to an existing table must be
// (see ddl).
func (st *metaState) relationPair(oi, ti int, f metadata.Field, rp metadata.RelationCreationPayload, synced bool) ([]addedField, error) {
	if err := nameAvailable(st.objects[oi].Object, f.Name, ""); err != nil {
		return nil, err
	}
	target := st.objects[ti].Object
	if ti == oi {
		target.Fields = append(slices.Clone(target.Fields), f)
	}
	invName := metadata.NameFromLabel(rp.TargetFieldLabel)
	if err := metadata.CheckName(invName); err != nil {
		return nil, err
	}
	if err := nameAvailable(target, invName, ""); err != nil {
		return nil, err
	}
	inverseType := metadata.OneToMany
	if rp.Type == metadata.OneToMany {
		inverseType = metadata.ManyToOne
	}
	f.IsNullable = true
	f.Relation = &metadata.Relation{Type: rp.Type, TargetObjectNameSingular: target.NameSingular, TargetFieldName: invName}
	inv := metadata.Field{
		ID: ids.NewUUID(), ObjectMetadataID: target.ID, Type: metadata.TypeRelation, Name: invName,
		Label: rp.TargetFieldLabel, Icon: rp.TargetFieldIcon, IsCustom: true, IsActive: true, IsNullable: true,
		Relation: &metadata.Relation{Type: inverseType, TargetObjectNameSingular: st.objects[oi].NameSingular, TargetFieldName: f.Name},
	}
	return []addedField{{oi, f, synced}, {ti, inv, false}}, nil
}

// updateField changes a field's label, description, icon, whether it is active, and for custom
// fields its name, nullability, uniqueness, default, options and settings (ddl.UpdateField
// rewrites the columns that change). A relation field only takes the first four, as in Twenty.
// A standard field keeps its name, nullability, uniqueness and settings, which the records engine
// relies on.
func (s *Store) updateField(ctx context.Context, st *metaState, id string, input []byte) (metadata.FieldDTO, error) {
	id, err := metadataID(id)
	if err != nil {
		return metadata.FieldDTO{}, err
	}
	oi, fi := st.field(id)
	if oi < 0 {
		// Twenty answers 400 here, unlike reads and deletes (field-metadata.integration-spec.ts).
		return metadata.FieldDTO{}, invalid("Field metadata to update not found")
	}
	in, err := metadata.ParseUpdateFieldInput(input)
	if err != nil {
		return metadata.FieldDTO{}, err
	}
	o := st.objects[oi].clone()
	from := o.Fields[fi]
	var changed []string
	if in.Name != nil && *in.Name != from.Name {
		changed = append(changed, "name")
	}
	if in.IsNullable != nil && *in.IsNullable != from.IsNullable {
		changed = append(changed, "isNullable")
	}
	if in.IsUnique != nil && *in.IsUnique != from.IsUnique {
		changed = append(changed, "isUnique")
	}
	if in.HasSettings && !reflect.DeepEqual(in.Settings, from.Settings) {
		changed = append(changed, "settings")
	}
	structural := slices.Clone(changed)
	if in.HasDefaultValue && !reflect.DeepEqual(in.DefaultValue, from.DefaultValue) {
		changed = append(changed, "defaultValue")
	}
	if in.HasOptions {
		changed = append(changed, "options")
	}
	switch {
	case from.Type.IsRelation() && len(changed) > 0:
		return metadata.FieldDTO{}, invalid("Forbidden updated properties for relation field metadata: %s", strings.Join(changed, ", "))
	case !from.IsCustom && len(structural) > 0:
		return metadata.FieldDTO{}, invalid("Forbidden updated properties for standard field metadata: %s", strings.Join(structural, ", "))
	}

	to := from
	for _, m := range []struct {
		from *string
		to   *string
	}{{in.Label, &to.Label}, {in.Description, &to.Description}, {in.Icon, &to.Icon}, {in.Name, &to.Name}} {
		if m.from != nil {
			*m.to = *m.from
		}
	}
	for _, m := range []struct {
		from *bool
		to   *bool
	}{{in.IsActive, &to.IsActive}, {in.IsNullable, &to.IsNullable}, {in.IsUnique, &to.IsUnique}} {
		if m.from != nil {
			*m.to = *m.from
		}
	}
	if in.HasDefaultValue {
		to.DefaultValue = in.DefaultValue
	}
	if in.HasSettings {
		to.Settings = in.Settings
	}
	old := from
	old.Options = from.OptionsWithIDs()
	if in.HasOptions {
		to.Options = withOptionIDs(in.Options, old.Options)
	}
	if to.Name != from.Name {
		if err := nameAvailable(o.Object, to.Name, from.ID); err != nil {
			return metadata.FieldDTO{}, err
		}
	}
	if err := metadata.CheckEnumField(to); err != nil {
		return metadata.FieldDTO{}, err
	}
	stmts, err := ddl.UpdateField(st.workspaceID, st.objects[oi].Object, old, to)
	if err != nil {
		return metadata.FieldDTO{}, err
	}
	o.Fields[fi] = to
	synced := o.info().Fields[id].IsLabelSyncedWithName
	if in.IsLabelSyncedWithName != nil {
		synced = *in.IsLabelSyncedWithName
	}
	o.setFieldInfo(id, synced, nowStamp(), false)
	after := slices.Clone(st.objects)
	after[oi] = o
	if err := metadata.ValidateSchema(objectsOf(after)); err != nil {
		return metadata.FieldDTO{}, err
	}
	var undo []d1.Stmt
	if len(stmts) > 0 {
		if undo, err = ddl.UpdateField(st.workspaceID, o.Object, to, old); err != nil {
			return metadata.FieldDTO{}, err
		}
	}
	if err := s.apply(ctx, st, stmts, undo, change{put: []storedObject{o}}); err != nil {
		return metadata.FieldDTO{}, err
	}
	st.objects = after
	return fieldDTO(to, o, after), nil
}

// deleteField deletes a custom field and, for a relation, its inverse (for a MORPH_RELATION, the
// fields of all its targets and their inverses): their columns, then their metadata. Twenty deletes active custom fields too (field-metadata.integration-spec.ts); the
// field naming the object's records must be replaced first.
func (s *Store) deleteField(ctx context.Context, st *metaState, id string) (metadata.FieldDTO, error) {
	id, err := metadataID(id)
	if err != nil {
		return metadata.FieldDTO{}, err
	}
	oi, fi := st.field(id)
	if oi < 0 {
		return metadata.FieldDTO{}, missing("Field to delete not found")
	}
	f := st.objects[oi].Fields[fi]
	switch {
	case !f.IsCustom:
		return metadata.FieldDTO{}, invalid("Deleting standard fields is not allowed")
	case st.objects[oi].LabelIdentifier() == f.ID:
		return metadata.FieldDTO{}, invalid("Cannot delete, please update the label identifier field first")
	}
	// A relation goes with its inverse; a MORPH_RELATION with the fields of its other targets
	// (those sharing its morphId) and their inverses.
	group := []metadata.Field{f}
	if f.Type == metadata.TypeMorphRelation && f.Relation != nil && f.Relation.MorphID != "" {
		group = slices.DeleteFunc(slices.Clone(st.objects[oi].Fields), func(g metadata.Field) bool {
			return g.Type != metadata.TypeMorphRelation || g.Relation == nil || g.Relation.MorphID != f.Relation.MorphID
		})
	}
	var removed []fieldRef
	for _, g := range group {
		removed = append(removed, fieldRef{st.objects[oi], g})
		if !g.Type.IsRelation() || g.Relation == nil {
			continue
		}
		if ti := st.objectNamed(g.Relation.TargetObjectNameSingular); ti >= 0 {
			if inv, ok := st.objects[ti].Field(g.Relation.TargetFieldName); ok && inv.ID != g.ID {
				removed = append(removed, fieldRef{st.objects[ti], inv})
			}
		}
	}
	after := cloneAll(st.objects)
	var stmts, undo []d1.Stmt
	var put []storedObject
	for _, r := range removed {
		i := st.object(r.obj.ID)
		before := after[i].Object
		exists, err := st.columnExists(ctx, before, r.field)
		if err != nil {
			return metadata.FieldDTO{}, err
		}
		if exists { // else a delete whose metadata failed dropped it already
			drop, err := ddl.DropField(st.workspaceID, before, r.field)
			if err != nil {
				return metadata.FieldDTO{}, err
			}
			stmts = append(stmts, drop...)
		}
		after[i].Fields = slices.DeleteFunc(after[i].Fields, func(g metadata.Field) bool { return g.ID == r.field.ID })
		delete(after[i].API.Fields, r.field.ID)
		if after[i].ImageIdentifierFieldMetadataID == r.field.ID {
			after[i].ImageIdentifierFieldMetadataID = ""
		}
		if exists {
			add, err := ddl.AddField(st.workspaceID, after[i].Object, r.field)
			if err != nil {
				return metadata.FieldDTO{}, err
			}
			undo = append(add, undo...)
		}
		put = slices.DeleteFunc(put, func(p storedObject) bool { return p.ID == after[i].ID })
		put = append(put, after[i])
	}
	if err := metadata.ValidateSchema(objectsOf(after)); err != nil {
		return metadata.FieldDTO{}, err
	}
	var gone []string // their view fields, sorts and filters go with them
	for _, r := range removed {
		gone = append(gone, r.field.ID)
	}
	if err := s.apply(ctx, st, stmts, undo, change{put: put, views: views.FieldRemovedStatements(st.workspaceID, gone...)}); err != nil {
		return metadata.FieldDTO{}, err
	}
	res := fieldDTO(f, st.objects[oi], st.objects)
	st.objects = after
	return res, nil
}
