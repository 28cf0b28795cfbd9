package metadata

import (
	"encoding/json"
	"strings"

	"github.com/twentyworkers/twenty/shared/ids"
)

// Shared holds one copy of what the schemas of many workspaces repeat: every workspace starts
// from the standard objects, so their names, labels, descriptions, icons, default values,
// settings, options and relations are the same strings and values in each, and only the ids
// differ. Decoded, each workspace would hold its own copies: some 2,200 small allocations per
// workspace, which every garbage collection of the Worker marks again, and a collection runs
// within a request (the Worker's one thread). [Shared.Objects] points a schema's values at the
// copies it holds instead.
//
// What Shared hands out is shared between workspaces and must not be changed in place: the
// schemas that hold it are read-only once cached. The zero value is ready to use; it is not safe
// for concurrent use.
type Shared struct {
	strings   map[string]string
	values    map[string]any // default values and settings, by their JSON
	options   map[string][]Option
	relations map[Relation]*Relation
}

// maxShared bounds each of Shared's tables; a table past it starts afresh, and what it handed
// out before stays with the schemas that hold it. Custom metadata (a label each workspace names
// its own way) is what grows a table; the standard objects need some 2,000 entries.
const maxShared = 1 << 14

// Objects points the values of objects at the copies Shared holds, keeping the first of each it
// sees. The objects' ids stay their own, packed into one string (packIDs).
func (s *Shared) Objects(objects []Object) {
	packIDs(objects)
	for i := range objects {
		o := &objects[i]
		o.NameSingular, o.NamePlural = s.string(o.NameSingular), s.string(o.NamePlural)
		o.LabelSingular, o.LabelPlural = s.string(o.LabelSingular), s.string(o.LabelPlural)
		o.Description, o.Icon = s.string(o.Description), s.string(o.Icon)
		for j := range o.Fields {
			f := &o.Fields[j]
			f.Type = FieldType(s.string(string(f.Type)))
			f.Name, f.Label = s.string(f.Name), s.string(f.Label)
			f.Description, f.Icon = s.string(f.Description), s.string(f.Icon)
			f.DefaultValue = s.value(f.DefaultValue)
			if f.Settings != nil {
				if m, ok := s.value(f.Settings).(map[string]any); ok {
					f.Settings = m
				}
			}
			f.Options = s.optionList(f.Options)
			f.Relation = s.relation(f.Relation)
		}
	}
}

// packIDs re-points the ids objects hold (theirs, their fields', their relations' targets) into
// one string: one allocation instead of one per id, some 500 per workspace. A field's object id
// that equals its object's becomes that same string rather than a copy of it.
func packIDs(objects []Object) {
	var idRefs []*string
	n := 0
	add := func(p *string) {
		if *p != "" {
			idRefs = append(idRefs, p)
			n += len(*p)
		}
	}
	for i := range objects {
		o := &objects[i]
		add(&o.ID)
		add(&o.LabelIdentifierFieldMetadataID)
		add(&o.ImageIdentifierFieldMetadataID)
		for j := range o.Fields {
			f := &o.Fields[j]
			add(&f.ID)
			if f.ObjectMetadataID != o.ID {
				add(&f.ObjectMetadataID)
			}
			if r := f.Relation; r != nil {
				add(&r.TargetObjectMetadataID)
				add(&r.TargetFieldMetadataID)
			}
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range idRefs {
		b.WriteString(*p)
	}
	all, at := b.String(), 0
	for _, p := range idRefs {
		*p, at = all[at:at+len(*p)], at+len(*p)
	}
	for i := range objects {
		o := &objects[i]
		for j := range o.Fields {
			if f := &o.Fields[j]; f.ObjectMetadataID == o.ID {
				f.ObjectMetadataID = o.ID // equal already: now the packed string, not its own copy
			}
		}
	}
}

// keep answers table's copy under key, making it v when the table has none; a table past
// maxShared starts afresh.
func keep[K comparable, V any](table *map[K]V, key K, v V) V {
	if c, ok := (*table)[key]; ok {
		return c
	}
	if *table == nil || len(*table) >= maxShared {
		*table = map[K]V{}
	}
	(*table)[key] = v
	return v
}

// string answers the copy of v Shared holds. Ids are left alone: no two workspaces share one.
func (s *Shared) string(v string) string {
	if v == "" || ids.IsUUID(v) {
		return v
	}
	return keep(&s.strings, v, v)
}

// value answers the copy of a default value or settings map Shared holds, by its JSON.
func (s *Shared) value(v any) any {
	var key string
	switch t := v.(type) {
	case nil, bool:
		return v // stored in the interface itself
	case string:
		key = "s" + t
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return v
		}
		key = "j" + string(b)
	}
	return keep(&s.values, key, v)
}

// optionList answers the copy of a field's options Shared holds.
func (s *Shared) optionList(opts []Option) []Option {
	if len(opts) == 0 {
		return opts
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return opts
	}
	if c, ok := s.options[string(b)]; ok {
		return c
	}
	for i := range opts {
		opts[i].Value, opts[i].Label, opts[i].Color = s.string(opts[i].Value), s.string(opts[i].Label), s.string(opts[i].Color)
	}
	return keep(&s.options, string(b), opts)
}

// relation answers the copy of r Shared holds, for a relation that names its target by name only
// (the standard objects' do).
func (s *Shared) relation(r *Relation) *Relation {
	if r == nil {
		return nil
	}
	r.TargetObjectNameSingular, r.TargetFieldName = s.string(r.TargetObjectNameSingular), s.string(r.TargetFieldName)
	if r.TargetObjectMetadataID != "" || r.TargetFieldMetadataID != "" {
		return r // one workspace's
	}
	return keep(&s.relations, *r, r)
}
