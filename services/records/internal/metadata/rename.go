package metadata

import (
	"fmt"
	"slices"
)

// FieldRename is a field that is renamed with the object it points at: field From of the object
// named Object becomes To. Its relation already targets the object's new name in both.
type FieldRename struct {
	Object   string
	From, To Field
}

// RenameObject returns the workspace's objects all with the object named from renamed to
// nameSingular and namePlural, labelled labelSingular. Every relation to it follows the new name,
// and the fields its links gave the standard objects when it was created (CustomObjectLinks:
// noteTarget.<name>, …, timelineActivity.target<Name>) are renamed with it, as Twenty renames the
// relation fields named after an object; their labels follow the object's label when they were
// it. Those fields are returned too: their join columns are renamed with them. all is not changed.
func RenameObject(all []Object, from, nameSingular, namePlural, labelSingular string) ([]Object, []FieldRename, error) {
	i := slices.IndexFunc(all, func(o Object) bool { return o.NameSingular == from })
	if i < 0 {
		return nil, nil, fmt.Errorf("metadata: no object %q to rename", from)
	}
	oldLabel := all[i].LabelSingular
	// The link fields pointing at the object, "object.field", and whether each is a morph field.
	links := map[string]bool{}
	for _, l := range customLinks {
		links[l.object+"."+linkFieldName(from, l.morph)] = l.morph
	}
	out := make([]Object, len(all))
	var renamed []FieldRename
	for k, o := range all {
		o.Fields = slices.Clone(o.Fields)
		if k == i {
			o.NameSingular, o.NamePlural, o.LabelSingular = nameSingular, namePlural, labelSingular
		}
		for j, f := range o.Fields {
			if f.Relation == nil {
				continue
			}
			r := *f.Relation
			inverseMorph, inverseOfLink := links[r.TargetObjectNameSingular+"."+r.TargetFieldName]
			switch {
			case r.TargetObjectNameSingular == from:
				r.TargetObjectNameSingular = nameSingular
			case k == i && inverseOfLink:
				// The renamed object's side of a link: the link field it names is renamed.
				r.TargetFieldName = linkFieldName(nameSingular, inverseMorph)
			default:
				continue
			}
			f.Relation = &r
			if morph, isLink := links[o.NameSingular+"."+f.Name]; isLink && k != i && f.IsManyToOne() {
				before := f
				f.Name = linkFieldName(nameSingular, morph)
				if f.Label == oldLabel {
					f.Label = labelSingular
				}
				renamed = append(renamed, FieldRename{Object: o.NameSingular, From: before, To: f})
			}
			o.Fields[j] = f
		}
		out[k] = o
	}
	return out, renamed, nil
}
