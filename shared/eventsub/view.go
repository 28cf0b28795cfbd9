package eventsub

import (
	"slices"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// View is what a stream's subscriber may not see of the workspace's records, read from its role
// once when the stream opens (and again when it registers a query): the objects it may not read
// and, by object, the keys of records it may not read. Twenty's event stream publisher applies
// the same to each stream (ObjectRecordEventPublisher: no event of an object the role cannot
// read, restricted fields left out of before, after, diff and updatedFields). A nil View hides
// nothing (an admin, the system).
type View struct {
	Deny []string            `json:"deny,omitempty"` // objects (singular names) the subscriber may not read; "*": all
	Hide map[string][]string `json:"hide,omitempty"` // object -> record keys it may not read
}

// ViewOf is the View of a principal's effective permissions (RoleService.GetPermissions): nil
// when it may read every object whole.
func ViewOf(res *recordsv1.GetPermissionsResponse) *View {
	if res == nil || res.GetSystem() {
		return nil
	}
	v := &View{}
	for _, o := range res.GetObjectsPermissions() {
		name := o.GetObjectNameSingular()
		switch {
		case name == "":
			continue
		case !o.GetCanReadObjectRecords():
			v.Deny = append(v.Deny, name)
		case len(o.GetHiddenKeys()) > 0:
			if v.Hide == nil {
				v.Hide = map[string][]string{}
			}
			v.Hide[name] = slices.Clone(o.GetHiddenKeys())
		}
	}
	if len(v.Deny) == 0 && len(v.Hide) == 0 {
		return nil
	}
	slices.Sort(v.Deny)
	return v
}

// Denies reports whether the view hides object's records altogether.
func (v *View) Denies(object string) bool {
	return v != nil && (slices.Contains(v.Deny, object) || slices.Contains(v.Deny, "*"))
}

// Hidden answers the record keys of object the view hides.
func (v *View) Hidden(object string) []string {
	if v == nil {
		return nil
	}
	return v.Hide[object]
}
