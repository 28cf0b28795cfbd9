package metadata

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		want error
	}{
		{"person", nil},
		{"workspaceMember", nil},
		{"x2", nil},
		{strings.Repeat("a", MaxNameLength), nil},
		{"", ErrInvalidName},
		{strings.Repeat("a", MaxNameLength+1), ErrInvalidName},
		{"Person", ErrInvalidName},
		{"2people", ErrInvalidName},
		{"first_name", ErrInvalidName},
		{"first-name", ErrInvalidName},
		{"naïve", ErrInvalidName},
		{`a"b`, ErrInvalidName},
		{"a b", ErrInvalidName},
	}
	for _, tt := range tests {
		if err := ValidateName(tt.name); !errors.Is(err, tt.want) {
			t.Errorf("ValidateName(%q) = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestValidateField(t *testing.T) {
	custom := func(f Field) Field { f.IsCustom = true; return f }
	with := func(f Field, change func(*Field)) Field { change(&f); return f }
	sel := with(field(TypeSelect, "status"), func(f *Field) {
		f.Options = []Option{{Value: "OPEN", Label: "Open"}, {Value: "CLOSED", Label: "Closed"}}
	})
	rel := func(r Relation) Field {
		return with(field(TypeRelation, "owner"), func(f *Field) { f.Relation = &r })
	}
	tests := []struct {
		name  string
		field Field
		want  error
	}{
		{"text", field(TypeText, "title"), nil},
		{"standard field may use a reserved word", field(TypeText, "type"), nil},
		{"custom field may not", custom(field(TypeText, "type")), ErrReservedName},
		{"bad name", field(TypeText, "Title"), ErrInvalidName},
		{"unknown type", field("COLOR", "shade"), ErrInvalidField},
		{"no label", with(field(TypeText, "title"), func(f *Field) { f.Label = " " }), ErrInvalidField},
		{"select", sel, nil},
		{"select default", with(sel, func(f *Field) { f.DefaultValue = "'OPEN'" }), nil},
		{"select default not an option", with(sel, func(f *Field) { f.DefaultValue = "'LOST'" }), ErrInvalidField},
		{"select without options", field(TypeSelect, "status"), ErrInvalidField},
		{"option value twice", with(sel, func(f *Field) {
			f.Options = append(slices.Clone(f.Options), Option{Value: "OPEN", Label: "Again"})
		}), ErrInvalidField},
		{"option value with a quote", with(sel, func(f *Field) { f.Options = []Option{{Value: "IT'S", Label: "It's"}} }), ErrInvalidField},
		{"option without label", with(sel, func(f *Field) { f.Options = []Option{{Value: "A"}} }), ErrInvalidField},
		{"options on text", with(field(TypeText, "title"), func(f *Field) { f.Options = sel.Options }), ErrInvalidField},
		{"multi-select default not an option", with(field(TypeMultiSelect, "tags"), func(f *Field) {
			f.Options = sel.Options
			f.DefaultValue = []string{"'OPEN'", "'LOST'"}
		}), ErrInvalidField},
		{"number default is text", with(field(TypeNumber, "n"), func(f *Field) { f.DefaultValue = "'x'" }), ErrInvalidField},
		{"boolean default is a number", with(field(TypeBoolean, "b"), func(f *Field) { f.DefaultValue = 1 }), ErrInvalidField},
		{"now on text", with(field(TypeText, "t"), func(f *Field) { f.DefaultValue = Now }), ErrInvalidField},
		{"composite default not an object", with(field(TypeFullName, "name"), func(f *Field) { f.DefaultValue = "'x'" }), ErrInvalidField},
		{"composite default unknown sub-field", with(field(TypeFullName, "name"), func(f *Field) {
			f.DefaultValue = map[string]any{"middleName": "''"}
		}), ErrInvalidField},
		{"raw json default not JSON", with(field(TypeRawJSON, "j"), func(f *Field) { f.DefaultValue = "'{'" }), ErrInvalidField},
		{"non-nullable custom field without default", custom(with(field(TypeNumber, "n"), func(f *Field) { f.IsNullable = false })), ErrInvalidField},
		{"unique emails", with(field(TypeEmails, "emails"), func(f *Field) { f.IsUnique = true }), nil},
		{"unique text with a default", with(field(TypeText, "code"), func(f *Field) { f.IsUnique, f.DefaultValue = true, "'x'" }), ErrInvalidField},
		{"unique text with the empty default", with(field(TypeText, "code"), func(f *Field) { f.IsUnique, f.DefaultValue = true, "''" }), nil},
		{"unique full name", with(field(TypeFullName, "name"), func(f *Field) { f.IsUnique = true }), ErrInvalidField},
		{"unique boolean", with(field(TypeBoolean, "b"), func(f *Field) { f.IsUnique = true }), ErrInvalidField},
		{"many to one", rel(Relation{Type: ManyToOne, TargetObjectNameSingular: "workspaceMember", TargetFieldName: "things"}), nil},
		{"one to many", rel(Relation{Type: OneToMany, TargetObjectNameSingular: "task", TargetFieldName: "owner"}), nil},
		{"relation without settings", field(TypeRelation, "owner"), ErrInvalidField},
		{"relation on text", with(field(TypeText, "t"), func(f *Field) { f.Relation = &Relation{Type: ManyToOne} }), ErrInvalidField},
		{"relation bad target", rel(Relation{Type: ManyToOne, TargetObjectNameSingular: "Task", TargetFieldName: "owner"}), ErrInvalidName},
		{"relation type", rel(Relation{Type: "ONE_TO_ONE", TargetObjectNameSingular: "task", TargetFieldName: "owner"}), ErrInvalidField},
		{"onDelete", rel(Relation{Type: ManyToOne, TargetObjectNameSingular: "task", TargetFieldName: "x", OnDelete: "DELETE"}), ErrInvalidField},
		{"onDelete on one to many", rel(Relation{Type: OneToMany, TargetObjectNameSingular: "task", TargetFieldName: "x", OnDelete: Cascade}), ErrInvalidField},
		{"set null needs nullable", with(rel(Relation{Type: ManyToOne, TargetObjectNameSingular: "task", TargetFieldName: "x"}), func(f *Field) {
			f.IsNullable = false
		}), ErrInvalidField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateField(tt.field)
			if !errors.Is(err, tt.want) {
				t.Errorf("ValidateField(%s %s) = %v, want %v", tt.field.Type, tt.field.Name, err, tt.want)
			}
		})
	}
}

// textFields returns n custom TEXT fields f0, f1, ….
func textFields(n int) []Field {
	fs := make([]Field, n)
	for i := range fs {
		fs[i] = field(TypeText, fmt.Sprintf("f%d", i))
		fs[i].IsCustom = true
	}
	return fs
}

func TestValidateObject(t *testing.T) {
	base := CustomObject("rocket", "rockets", "Rocket", "Rockets")
	with := func(change func(*Object)) Object {
		o := base
		o.Fields = append([]Field(nil), base.Fields...)
		change(&o)
		return o
	}
	baseColumns := len(base.Columns())
	tests := []struct {
		name   string
		object Object
		want   error
	}{
		{"custom object", base, nil},
		{"reserved singular", with(func(o *Object) { o.NameSingular = "event" }), ErrReservedName},
		{"reserved plural", with(func(o *Object) { o.NamePlural = "users" }), ErrReservedName},
		{"standard object may use a reserved word", with(func(o *Object) { o.NameSingular, o.IsCustom = "event", false }), nil},
		{"singular equals plural", with(func(o *Object) { o.NamePlural = "rocket" }), ErrInvalidName},
		{"singular equals plural but for case", with(func(o *Object) { o.NamePlural = "rOcket" }), ErrInvalidName},
		{"bad plural", with(func(o *Object) { o.NamePlural = "Rockets" }), ErrInvalidName},
		{"no label", with(func(o *Object) { o.LabelPlural = "" }), ErrInvalidObject},
		{"bad field", with(func(o *Object) { o.Fields = append(o.Fields, field(TypeText, "Bad")) }), ErrInvalidName},
		{"duplicate field", with(func(o *Object) { o.Fields = append(o.Fields, field(TypeText, "name")) }), ErrDuplicateName},
		{"fields differing only in case", with(func(o *Object) {
			o.Fields = append(o.Fields, field(TypeText, "fuel"), field(TypeText, "fUEL"))
		}), ErrDuplicateName},
		{"flattened column collides with a field", with(func(o *Object) {
			o.Fields = append(o.Fields, field(TypeFullName, "pilot"), field(TypeText, "pilotFirstName"))
		}), ErrDuplicateName},
		{"join column collides with a field", with(func(o *Object) {
			f := field(TypeRelation, "owner")
			f.Relation = &Relation{Type: ManyToOne, TargetObjectNameSingular: "workspaceMember", TargetFieldName: "rockets"}
			o.Fields = append(o.Fields, f, field(TypeUUID, "ownerId"))
		}), ErrDuplicateName},
		{"no id", with(func(o *Object) { o.Fields = o.Fields[1:] }), ErrInvalidObject},
		{"nullable createdAt", with(func(o *Object) { o.Fields[1].IsNullable = true }), ErrInvalidObject},
		{"deletedAt is text", with(func(o *Object) { o.Fields[3].Type = TypeText }), ErrInvalidObject},
		{"exactly 100 columns", with(func(o *Object) {
			o.Fields = append(o.Fields, textFields(MaxColumns-baseColumns)...)
		}), nil},
		{"101 columns", with(func(o *Object) {
			o.Fields = append(o.Fields, textFields(MaxColumns-baseColumns+1)...)
		}), ErrTooManyColumns},
		{"101 columns counting composite sub-fields", with(func(o *Object) {
			o.Fields = append(o.Fields, textFields(MaxColumns-baseColumns-1)...)
			o.Fields = append(o.Fields, field(TypeFullName, "pilot"))
		}), ErrTooManyColumns},
		{"no-column fields do not count", with(func(o *Object) {
			o.Fields = append(o.Fields, textFields(MaxColumns-baseColumns)...)
			o.Fields = append(o.Fields, field(TypeTSVector, "searchTerms"))
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateObject(tt.object)
			if !errors.Is(err, tt.want) {
				t.Errorf("ValidateObject(%s) = %v, want %v", tt.object.NameSingular, err, tt.want)
			}
		})
	}
}

func TestValidateObjectTooManyColumnsMessage(t *testing.T) {
	o := CustomObject("rocket", "rockets", "Rocket", "Rockets")
	o.Fields = append(o.Fields, textFields(100)...)
	err := ValidateObject(o)
	want := `object "rocket" needs 114 columns, D1 allows at most 100 per table: too many columns`
	if err == nil || err.Error() != want {
		t.Errorf("ValidateObject = %v, want %q", err, want)
	}
}

func TestValidateSchema(t *testing.T) {
	tests := []struct {
		name   string
		change func([]Object) []Object
		want   error
	}{
		{"standard objects", func(o []Object) []Object { return o }, nil},
		{"with a custom object and its links", func(objects []Object) []Object {
			return withCustomObject(objects, CustomObject("rocket", "rockets", "Rocket", "Rockets"))
		}, nil},
		{"custom object without its links", func(objects []Object) []Object {
			return append(objects, CustomObject("rocket", "rockets", "Rocket", "Rockets"))
		}, ErrInvalidRelation},
		{"object names differing only in case", func(objects []Object) []Object {
			o := CustomObject("pErson", "rockets", "Rocket", "Rockets")
			o.Fields = o.Fields[:9]
			return append(objects, o)
		}, ErrDuplicateName},
		{"singular of one is plural of another", func(objects []Object) []Object {
			o := CustomObject("people", "peoples", "Rocket", "Rockets")
			o.Fields = o.Fields[:9]
			return append(objects, o)
		}, ErrDuplicateName},
		{"missing target", func(objects []Object) []Object {
			return objects[1:] // no workspaceMember
		}, ErrInvalidRelation},
		{"inverse pointing elsewhere", func(objects []Object) []Object {
			for i, o := range objects {
				if o.NameSingular == "company" {
					for j, f := range o.Fields {
						if f.Name == "people" {
							r := *f.Relation
							r.TargetFieldName = "pointOfContactForOpportunities"
							objects[i].Fields[j].Relation = &r
						}
					}
				}
			}
			return objects
		}, ErrInvalidRelation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSchema(tt.change(StandardObjects()))
			if !errors.Is(err, tt.want) {
				t.Errorf("ValidateSchema = %v, want %v", err, tt.want)
			}
		})
	}
}

// withCustomObject adds custom object c to objects, with the links CustomObjectLinks gives.
func withCustomObject(objects []Object, c Object) []Object {
	for _, l := range CustomObjectLinks(c) {
		for i := range objects {
			if objects[i].NameSingular == l.Object {
				objects[i].Fields = append(objects[i].Fields, l.Field)
			}
		}
	}
	return append(objects, c)
}
