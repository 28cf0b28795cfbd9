package gqlapi

import (
	"reflect"
	"testing"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// TestSharedKeyLeavesOutOnlyTheIDs: changing any one exported field of an object, a field, a
// relation or an option changes the key, but for the metadata ids, which leave it (and the SDL)
// as it is. A field added to metadata later is covered without a change here.
func TestSharedKeyLeavesOutOnlyTheIDs(t *testing.T) {
	ids := map[string]bool{
		"Object.ID": true, "Object.LabelIdentifierFieldMetadataID": true, "Object.ImageIdentifierFieldMetadataID": true,
		"Field.ID": true, "Field.ObjectMetadataID": true,
		"Relation.TargetObjectMetadataID": true, "Relation.TargetFieldMetadataID": true,
	}
	key := func(objs []metadata.Object) string {
		t.Helper()
		k, err := sharedKey(objs)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(objects())
	// pick finds, in a fresh copy of the objects, the value to change: an object, a relation
	// field, its relation, a select field's option.
	type target struct {
		name string
		pick func(objs []metadata.Object) reflect.Value
	}
	find := func(objs []metadata.Object, ok func(f metadata.Field) bool) *metadata.Field {
		for i := range objs {
			for j := range objs[i].Fields {
				if ok(objs[i].Fields[j]) {
					return &objs[i].Fields[j]
				}
			}
		}
		t.Fatal("no such field in the fixture's objects")
		return nil
	}
	isRelation := func(f metadata.Field) bool { return f.Relation != nil }
	hasOptions := func(f metadata.Field) bool { return len(f.Options) > 0 }
	targets := []target{
		{"Object", func(objs []metadata.Object) reflect.Value { return reflect.ValueOf(&objs[0]).Elem() }},
		{"Field", func(objs []metadata.Object) reflect.Value { return reflect.ValueOf(find(objs, isRelation)).Elem() }},
		{"Relation", func(objs []metadata.Object) reflect.Value {
			return reflect.ValueOf(find(objs, isRelation).Relation).Elem()
		}},
		{"Option", func(objs []metadata.Object) reflect.Value {
			return reflect.ValueOf(&find(objs, hasOptions).Options[0]).Elem()
		}},
	}
	for _, tg := range targets {
		typ := tg.pick(objects()).Type()
		for i := range typ.NumField() {
			sf := typ.Field(i)
			if !sf.IsExported() {
				continue
			}
			name := tg.name + "." + sf.Name
			objs := objects()
			if !alter(tg.pick(objs).Field(i)) {
				t.Errorf("%s: the test cannot change a %s", name, sf.Type)
				continue
			}
			switch got := key(objs); {
			case ids[name] && got != base:
				t.Errorf("%s changed the key: a metadata id must not", name)
			case !ids[name] && got == base:
				t.Errorf("%s left the key as it was: two workspaces differing by it would share a schema", name)
			}
		}
	}
	if a, b := SDL(objectsWithIDs("a-")), SDL(objectsWithIDs("b-")); a != b {
		t.Error("two workspaces whose objects differ by their ids only write different SDLs")
	}
}

// alter sets v to another value of its type, reporting false for a kind it cannot change.
func alter(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "Changed")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Slice:
		if v.Len() > 0 {
			v.Set(v.Slice(0, v.Len()-1))
		} else {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf("changed"), reflect.ValueOf(any(true)))
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf("changed"))
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		} else {
			v.Set(reflect.Zero(v.Type()))
		}
	default:
		return false
	}
	return true
}
