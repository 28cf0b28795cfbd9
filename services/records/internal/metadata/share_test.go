package metadata

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/ids"
)

// storedWorkspace is the standard objects with a workspace's own ids, and a custom field whose
// label and options are its own, as the records Worker decodes them from the control database.
func storedWorkspace(t *testing.T, label string) []Object {
	t.Helper()
	objects := StandardObjects()
	for i := range objects {
		o := &objects[i]
		o.ID = ids.NewUUID()
		o.Fields = append([]Field(nil), o.Fields...)
		for j := range o.Fields {
			o.Fields[j].ID, o.Fields[j].ObjectMetadataID = ids.NewUUID(), o.ID
		}
		if o.NameSingular == "person" {
			f := newField(TypeSelect, "tier", label, "IconTag").withOptions(
				Option{ID: ids.NewUUID(), Value: "GOLD", Label: label + " gold", Color: "yellow"})
			f.ID, f.ObjectMetadataID = ids.NewUUID(), o.ID
			o.Fields = append(o.Fields, f)
		}
	}
	return decoded(t, objects)
}

func TestSharedKeepsEveryValue(t *testing.T) {
	var sh Shared
	a, b := storedWorkspace(t, "Tier"), storedWorkspace(t, "Level")
	wantA, wantB := decoded(t, a), decoded(t, b)
	sh.Objects(a)
	sh.Objects(b)
	if diff := cmp.Diff(wantA, a); diff != "" {
		t.Errorf("first workspace changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantB, b); diff != "" {
		t.Errorf("second workspace changed (-want +got):\n%s", diff)
	}
}

// same reports whether two values are one copy: a string's bytes, a map, a slice's array or a
// pointer.
func same(x, y any) bool {
	if s, ok := x.(string); ok {
		return unsafe.StringData(s) == unsafe.StringData(y.(string))
	}
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if !vx.IsValid() || vx.IsZero() {
		return false // nothing to share: the test names a field without the value
	}
	return vx.Kind() == vy.Kind() && vx.UnsafePointer() == vy.UnsafePointer()
}

func TestSharedSharesWhatWorkspacesRepeat(t *testing.T) {
	var sh Shared
	a, b := storedWorkspace(t, "Tier"), storedWorkspace(t, "Level")
	sh.Objects(a)
	sh.Objects(b)
	field := func(objects []Object, object, name string) Field {
		f, ok := objectByName(t, objects, object).Field(name)
		if !ok {
			t.Fatalf("no field %s.%s", object, name)
		}
		return f
	}
	tests := []struct {
		name     string
		of       func(objects []Object) any
		wantSame bool
	}{
		{"object label", func(o []Object) any { return objectByName(t, o, "company").LabelPlural }, true},
		{"field description", func(o []Object) any { return field(o, "person", "emails").Description }, true},
		{"field type", func(o []Object) any { return string(field(o, "person", "emails").Type) }, true},
		{"composite default", func(o []Object) any { return field(o, "person", "createdBy").DefaultValue }, true},
		{"settings", func(o []Object) any { return field(o, "person", "createdAt").Settings }, true},
		{"text default", func(o []Object) any { return field(o, "opportunity", "stage").DefaultValue }, true},
		{"options", func(o []Object) any { return field(o, "opportunity", "stage").Options }, true},
		{"relation", func(o []Object) any { return field(o, "person", "company").Relation }, true},
		{"object id", func(o []Object) any { return objectByName(t, o, "person").ID }, false},
		{"field id", func(o []Object) any { return field(o, "person", "name").ID }, false},
		{"a workspace's own label", func(o []Object) any { return field(o, "person", "tier").Label }, false},
		{"a workspace's own options", func(o []Object) any { return field(o, "person", "tier").Options }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := tt.of(a), tt.of(b)
			if tt.name == "text default" {
				if _, ok := x.(string); !ok {
					t.Fatalf("opportunity.stage default is %T, want a string", x)
				}
			}
			if got := same(x, y); got != tt.wantSame {
				t.Errorf("one copy in both workspaces: %v, want %v", got, tt.wantSame)
			}
		})
	}
	for _, o := range a {
		for _, f := range o.Fields {
			if unsafe.StringData(f.ObjectMetadataID) != unsafe.StringData(o.ID) {
				t.Fatalf("%s.%s keeps its own copy of its object's id", o.NameSingular, f.Name)
			}
		}
	}
	// The ids are one string: each lies within the ids' total length of the first.
	base, total := uintptr(unsafe.Pointer(unsafe.StringData(a[0].ID))), 0
	for _, o := range a {
		total += len(o.ID) + len(o.LabelIdentifierFieldMetadataID) + len(o.ImageIdentifierFieldMetadataID)
		for _, f := range o.Fields {
			total += len(f.ID)
			if f.Relation != nil {
				total += len(f.Relation.TargetObjectMetadataID) + len(f.Relation.TargetFieldMetadataID)
			}
		}
	}
	for _, o := range a {
		for _, id := range append([]string{o.ID}, fieldIDs(o)...) {
			if at := uintptr(unsafe.Pointer(unsafe.StringData(id))) - base; at >= uintptr(total) {
				t.Fatalf("id %s of %s is not with the workspace's other ids", id, o.NameSingular)
			}
		}
	}
	for s := range sh.strings {
		if ids.IsUUID(s) {
			t.Fatalf("an id is kept as shared: %s", s)
		}
	}
}

func TestSharedStartsAfreshPastItsBound(t *testing.T) {
	var sh Shared
	first := sh.string("first label")
	for i := range maxShared {
		sh.string(fmt.Sprintf("label %d", i))
	}
	if n := len(sh.strings); n > maxShared {
		t.Fatalf("%d shared strings, want at most %d", n, maxShared)
	}
	if again := sh.string("first label"); again != first {
		t.Fatalf("string changed: %q", again)
	}
}

func fieldIDs(o Object) []string {
	out := make([]string, len(o.Fields))
	for i, f := range o.Fields {
		out[i] = f.ID
	}
	return out
}
