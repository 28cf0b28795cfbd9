package permissions

import (
	"fmt"
	"testing"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// BenchmarkListOf20 is what the engine asks of the permissions on a list of 20 people: the check
// and the redaction, for Admin (nothing to do) and a role hiding a field. `go test -bench .`
// prints it; the end-to-end figure is infra/bench -permissions.
func BenchmarkListOf20(b *testing.B) {
	objects := metadata.StandardObjects()
	for i := range objects {
		objects[i].ID = objects[i].NameSingular
		for j := range objects[i].Fields {
			objects[i].Fields[j].ID = objects[i].NameSingular + "." + objects[i].Fields[j].Name
		}
	}
	var person metadata.Object
	for _, o := range objects {
		if o.NameSingular == "person" {
			person = o
		}
	}
	admin := NewScope(&Role{ID: "a", CanUpdateAllSettings: true, CanReadAllObjectRecords: true, CanUpdateAllObjectRecords: true,
		CanSoftDeleteAllObjectRecords: true, CanDestroyAllObjectRecords: true})
	restricted := NewScope(&Role{ID: "r", CanReadAllObjectRecords: true, CanUpdateAllObjectRecords: true,
		Objects: []ObjectPermission{{ObjectMetadataID: "opportunity", CanUpdate: ptr(false)}},
		Fields:  []FieldPermission{{ObjectMetadataID: "person", FieldMetadataID: "person.city", CanRead: ptr(false), CanUpdate: ptr(false)}}})
	page := func() []map[string]any {
		recs := make([]map[string]any, 20)
		for i := range recs {
			rec := map[string]any{}
			for _, f := range person.Fields {
				rec[f.Name] = fmt.Sprint(i)
			}
			recs[i] = rec
		}
		return recs
	}
	for _, bc := range []struct {
		name  string
		scope *Scope
	}{{"admin", admin}, {"restricted", restricted}} {
		b.Run(bc.name, func(b *testing.B) {
			recs := make([][]map[string]any, b.N)
			for i := range recs {
				recs[i] = page()
			}
			b.ResetTimer()
			for i := range b.N {
				if err := bc.scope.Check(person, objects, Read, nil, nil); err != nil {
					b.Fatal(err)
				}
				bc.scope.Redact(person, objects, recs[i])
			}
		})
	}
}
