package metastore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/views"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file holds the metadata operations on objects. Messages are Twenty's, from
// object-metadata/controllers/object-metadata-rest-api.controller.ts (not found),
// flat-object-metadata/validators (names, labels, "Object already exists") and
// object-metadata/hooks/before-delete-one-object.hook.ts (deletion).

// objectDTO renders object o of the workspace, with its fields when withFields is set.
func (st *metaState) objectDTO(o storedObject, withFields bool) metadata.ObjectDTO {
	return metadata.NewObjectDTO(o.Object, o.info(), st.schema(), withFields)
}

// findObject returns the index of the object the path's id names, or Twenty's 400 or 404.
func (st *metaState) findObject(id string) (int, error) {
	id, err := metadataID(id)
	if err != nil {
		return -1, err
	}
	i := st.object(id)
	if i < 0 {
		return -1, missing("Object metadata with id %s not found", id)
	}
	return i, nil
}

// listObjects answers the workspace's objects, each with its fields (the caller pages them).
func listObjects(st *metaState) ([]metadata.ObjectDTO, error) {
	out := make([]metadata.ObjectDTO, len(st.objects))
	for i, o := range st.objects {
		out[i] = st.objectDTO(o, true)
	}
	return out, nil
}

// getObject answers one object with its fields.
func getObject(st *metaState, id string) (metadata.ObjectDTO, error) {
	i, err := st.findObject(id)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	return st.objectDTO(st.objects[i], true), nil
}

// nameTaken reports whether an object other than except uses one of the names, singular or
// plural. Twenty compares them exactly (doesOtherObjectWithSameNameExists); SQLite table names
// ignore case, so this does too.
func (st *metaState) nameTaken(except string, names ...string) bool {
	for _, o := range st.objects {
		if o.ID == except {
			continue
		}
		for _, n := range names {
			if strings.EqualFold(n, o.NameSingular) || strings.EqualFold(n, o.NamePlural) {
				return true
			}
		}
	}
	return false
}

// createObject creates a custom object with Twenty's default fields, and the fields linking
// timelineActivity, favorite, attachment, noteTarget and taskTarget to it: its table and the link
// columns in one shard batch, then its metadata and the linked objects' in one control batch.
func (s *Store) createObject(ctx context.Context, st *metaState, input []byte) (metadata.ObjectDTO, error) {
	in, err := metadata.ParseCreateObjectInput(input)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	if st.nameTaken("", in.NameSingular, in.NamePlural) {
		return metadata.ObjectDTO{}, invalid("Object already exists")
	}
	now := nowStamp()
	o := storedObject{Object: metadata.CustomObject(in.NameSingular, in.NamePlural, in.LabelSingular, in.LabelPlural), createdAt: now, updatedAt: now}
	o.ID, o.Description = ids.NewUUID(), in.Description
	if in.Icon != "" {
		o.Icon = in.Icon
	}
	for i := range o.Fields {
		o.Fields[i].ID, o.Fields[i].ObjectMetadataID = ids.NewUUID(), o.ID
	}
	if name, ok := o.Field("name"); ok {
		o.LabelIdentifierFieldMetadataID = name.ID
	}
	o.API = &metadata.ObjectInfo{IsLabelSyncedWithName: in.IsLabelSyncedWithName, Shortcut: in.Shortcut}

	after := make([]storedObject, len(st.objects))
	for i, p := range st.objects {
		after[i] = p.clone()
	}
	type added struct {
		before metadata.Object
		field  metadata.Field
	}
	var links []added
	var put []storedObject
	for _, l := range metadata.CustomObjectLinks(o.Object) {
		j := slices.IndexFunc(after, func(p storedObject) bool { return p.NameSingular == l.Object })
		if j < 0 {
			return metadata.ObjectDTO{}, fmt.Errorf("workspace %s has no %s object to link %s to", st.workspaceID, l.Object, o.NameSingular)
		}
		f := l.Field
		f.ID, f.ObjectMetadataID = ids.NewUUID(), after[j].ID
		links = append(links, added{before: after[j].Object, field: f})
		after[j].Fields = append(after[j].Fields, f)
		after[j].setFieldInfo(f.ID, false, now, true)
		put = append(put, after[j])
	}
	all := append(objectsOf(after), o.Object)
	if err := metadata.ValidateSchema(all); err != nil {
		return metadata.ObjectDTO{}, err
	}

	stmts, err := ddl.CreateObject(st.workspaceID, o.Object, all)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	for _, l := range links {
		s, err := ddl.AddField(st.workspaceID, l.before, l.field)
		if err != nil {
			return metadata.ObjectDTO{}, err
		}
		stmts = append(stmts, s...)
	}
	undo, err := ddl.DropObject(st.workspaceID, o.Object, all)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	table, err := ddl.TableName(st.workspaceID, o.NameSingular)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	if _, exists, err := tableColumns(ctx, st.shard, table); err != nil {
		return metadata.ObjectDTO{}, err
	} else if exists {
		// Left by a create whose metadata failed and whose undo failed too: drop it first.
		stmts = append(slices.Clone(undo), stmts...)
	}
	c := change{put: append([]storedObject{o}, put...), touched: []string{o.ID}, views: views.IndexViewStatements(st.workspaceID, []metadata.Object{o.Object})}
	if err := s.apply(ctx, st, stmts, undo, c); err != nil {
		return metadata.ObjectDTO{}, err
	}
	st.objects = append(after, o)
	return st.objectDTO(o, true), nil
}

// objectsOf returns the objects of stored ones.
func objectsOf(stored []storedObject) []metadata.Object {
	out := make([]metadata.Object, len(stored))
	for i, o := range stored {
		out[i] = o.Object
	}
	return out
}

// updateObject changes an object's labels, description, icon, shortcut, whether it is active or
// its names follow its labels, and its label and image identifier fields. A custom object can be
// renamed, as Twenty does: by new names, or by new labels when its names follow them. Renaming
// moves its table and the link fields named after it (renameObject); a standard object's names
// cannot change.
func (s *Store) updateObject(ctx context.Context, st *metaState, id string, input []byte) (metadata.ObjectDTO, error) {
	i, err := st.findObject(id)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	in, err := metadata.ParseUpdateObjectInput(input)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	o := st.objects[i].clone()
	if !o.IsCustom && (in.NameSingular != nil && *in.NameSingular != o.NameSingular || in.NamePlural != nil && *in.NamePlural != o.NamePlural) {
		return metadata.ObjectDTO{}, invalid("Cannot edit standard object metadata properties: %s", strings.Join(namesIn(in), ", "))
	}
	for _, m := range []struct {
		from *string
		to   *string
	}{
		{in.LabelSingular, &o.LabelSingular}, {in.LabelPlural, &o.LabelPlural},
		{in.Description, &o.Description}, {in.Icon, &o.Icon}, {in.Shortcut, &o.API.Shortcut},
	} {
		if m.from != nil {
			*m.to = *m.from
		}
	}
	if in.IsActive != nil {
		o.IsActive = *in.IsActive
	}
	if in.IsLabelSyncedWithName != nil {
		o.API.IsLabelSyncedWithName = *in.IsLabelSyncedWithName
	}
	for _, m := range []struct {
		key string
		id  *string
		to  *string
	}{
		{"labelIdentifierFieldMetadataId", in.LabelIdentifierFieldMetadataID, &o.LabelIdentifierFieldMetadataID},
		{"imageIdentifierFieldMetadataId", in.ImageIdentifierFieldMetadataID, &o.ImageIdentifierFieldMetadataID},
	} {
		if m.id == nil {
			continue
		}
		if !slices.ContainsFunc(o.Fields, func(f metadata.Field) bool { return f.ID == *m.id }) {
			return metadata.ObjectDTO{}, invalid("%s must be the id of one of the object's fields", m.key)
		}
		*m.to = *m.id
	}
	singular, plural := o.NameSingular, o.NamePlural
	if in.NameSingular != nil {
		singular = *in.NameSingular
	}
	if in.NamePlural != nil {
		plural = *in.NamePlural
	}
	synced := o.IsCustom && o.API.IsLabelSyncedWithName
	if synced && in.NameSingular == nil && in.NamePlural == nil && (in.LabelSingular != nil || in.LabelPlural != nil) {
		singular, plural = metadata.NameFromLabel(o.LabelSingular), metadata.NameFromLabel(o.LabelPlural)
	}
	rename := singular != o.NameSingular || plural != o.NamePlural
	// Names that do not change are not checked against the labels: they may predate them.
	if err := metadata.CheckObjectNamesAndLabels(singular, plural, o.LabelSingular, o.LabelPlural, rename && synced); err != nil {
		return metadata.ObjectDTO{}, err
	}
	if !rename {
		var dropSearch []d1.Stmt // a new label identifier is searched instead: the next search rebuilds the index
		if o.LabelIdentifier() != st.objects[i].LabelIdentifier() {
			if dropSearch, err = ddl.DropSearch(st.workspaceID, st.objects[i].Object); err != nil {
				return metadata.ObjectDTO{}, err
			}
		}
		if err := s.apply(ctx, st, dropSearch, nil, change{put: []storedObject{o}, touched: []string{o.ID}}); err != nil {
			return metadata.ObjectDTO{}, err
		}
		o.updatedAt = nowStamp()
		st.objects[i] = o
		return st.objectDTO(o, true), nil
	}
	if st.nameTaken(o.ID, singular, plural) {
		return metadata.ObjectDTO{}, invalid("Object already exists")
	}
	return s.renameObject(ctx, st, i, o, singular, plural)
}

// namesIn lists the names an update of an object gives, in Twenty's order.
func namesIn(in metadata.UpdateObjectInput) []string {
	var out []string
	if in.NamePlural != nil {
		out = append(out, "namePlural")
	}
	if in.NameSingular != nil {
		out = append(out, "nameSingular")
	}
	return out
}

// renameObject renames object i, updated as o, to singular and plural: its table (ddl.RenameObject),
// every relation to it, and the link fields named after it on noteTarget, taskTarget, attachment,
// favorite and timelineActivity with their join columns (ddl.UpdateField), all in one shard batch,
// then the metadata of every object that changed in one control batch. Its records, and the
// links of other records to them, stay as they are. If the metadata cannot be written, the
// statements are undone in reverse; should that fail too, the shard has the new names and the
// metadata the old ones until a rename back.
func (s *Store) renameObject(ctx context.Context, st *metaState, i int, o storedObject, singular, plural string) (metadata.ObjectDTO, error) {
	from := st.objects[i].Object
	all, links, err := metadata.RenameObject(objectsOf(st.objects), from.NameSingular, singular, plural, o.LabelSingular)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	if err := metadata.ValidateSchema(all); err != nil {
		return metadata.ObjectDTO{}, err
	}
	o.NameSingular, o.NamePlural, o.Fields = singular, plural, all[i].Fields
	stmts, err := ddl.RenameObject(st.workspaceID, from, o.Object)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	undo, err := ddl.RenameObject(st.workspaceID, o.Object, from)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	for _, l := range links {
		k := slices.IndexFunc(all, func(p metadata.Object) bool { return p.NameSingular == l.Object })
		before := all[k]
		before.Fields = slices.Clone(before.Fields)
		before.Fields[slices.IndexFunc(before.Fields, func(f metadata.Field) bool { return f.ID == l.To.ID })] = l.From
		forward, err := ddl.UpdateField(st.workspaceID, before, l.From, l.To)
		if err != nil {
			return metadata.ObjectDTO{}, err
		}
		back, err := ddl.UpdateField(st.workspaceID, all[k], l.To, l.From)
		if err != nil {
			return metadata.ObjectDTO{}, err
		}
		stmts, undo = append(stmts, forward...), append(back, undo...)
	}
	now := nowStamp()
	after := make([]storedObject, len(st.objects))
	put := []storedObject{o}
	for k, p := range st.objects {
		if k == i {
			after[k] = o
			continue
		}
		after[k] = p
		if fieldsChanged(p.Fields, all[k].Fields) {
			q := p.clone()
			q.Fields = all[k].Fields
			for _, l := range links {
				if l.Object == q.NameSingular {
					q.setFieldInfo(l.To.ID, q.API.Fields[l.To.ID].IsLabelSyncedWithName, now, false)
				}
			}
			after[k] = q
			put = append(put, q)
		}
	}
	if err := s.apply(ctx, st, stmts, undo, change{put: put, touched: []string{o.ID}}); err != nil {
		return metadata.ObjectDTO{}, err
	}
	o.updatedAt = now
	after[i] = o
	st.objects = after
	return st.objectDTO(o, true), nil
}

// fieldsChanged reports whether a rename changed one of the fields: its name, label or relation.
func fieldsChanged(before, after []metadata.Field) bool {
	for j := range before {
		a, b := before[j], after[j]
		if a.Name != b.Name || a.Label != b.Label || (a.Relation != nil && b.Relation != nil && *a.Relation != *b.Relation) {
			return true
		}
	}
	return false
}

// deleteObject deletes a deactivated custom object: its table, the join columns of the other
// objects' relations to it, and their fields. The DDL runs first; if the metadata cannot be
// written, the table and columns are re-created empty.
func (s *Store) deleteObject(ctx context.Context, st *metaState, id string) (metadata.ObjectDTO, error) {
	i, err := st.findObject(id)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	o := st.objects[i]
	switch {
	case !o.IsCustom:
		return metadata.ObjectDTO{}, invalid("Standard Objects can't be deleted")
	case o.IsActive:
		return metadata.ObjectDTO{}, invalid("Active objects can't be deleted")
	}
	before := st.schema()
	var put []storedObject
	var relink []d1.Stmt // re-creates the other objects' join columns to o
	for _, p := range st.objects {
		if p.ID == o.ID {
			continue
		}
		q := p.clone()
		q.Fields = slices.DeleteFunc(q.Fields, func(f metadata.Field) bool {
			return f.Type.IsRelation() && f.Relation != nil && f.Relation.TargetObjectNameSingular == o.NameSingular
		})
		if len(q.Fields) == len(p.Fields) {
			continue
		}
		for _, f := range p.Fields {
			if f.IsManyToOne() && f.Relation.TargetObjectNameSingular == o.NameSingular {
				s, err := ddl.AddField(st.workspaceID, q.Object, f)
				if err != nil {
					return metadata.ObjectDTO{}, err
				}
				relink = append(relink, s...)
			}
		}
		for id := range q.API.Fields {
			if !slices.ContainsFunc(q.Fields, func(f metadata.Field) bool { return f.ID == id }) {
				delete(q.API.Fields, id)
			}
		}
		put = append(put, q)
	}
	table, err := ddl.TableName(st.workspaceID, o.NameSingular)
	if err != nil {
		return metadata.ObjectDTO{}, err
	}
	var stmts, undo []d1.Stmt
	if _, exists, err := tableColumns(ctx, st.shard, table); err != nil {
		return metadata.ObjectDTO{}, err
	} else if exists { // else a delete whose metadata failed dropped it (and the join columns) already
		if stmts, err = ddl.DropObject(st.workspaceID, o.Object, before); err != nil {
			return metadata.ObjectDTO{}, err
		}
		if undo, err = ddl.CreateObject(st.workspaceID, o.Object, before); err != nil {
			return metadata.ObjectDTO{}, err
		}
		undo = append(undo, relink...)
	}
	if err := s.apply(ctx, st, stmts, undo, change{put: put, deleted: []string{o.ID}}); err != nil {
		return metadata.ObjectDTO{}, err
	}
	return st.objectDTO(o, false), nil
}
