package permissions

import (
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// HiddenKeys answers the keys Redact removes from obj's records (its unreadable fields, its
// relations to objects the scope may not read, and their join columns), for those who redact
// records elsewhere: the realtime Worker's event streams. Nil when nothing is hidden.
func (s *Scope) HiddenKeys(obj metadata.Object, all []metadata.Object) []string {
	if s.Unrestricted() {
		return nil
	}
	return slices.Clone(s.plan(obj, all).hide)
}
