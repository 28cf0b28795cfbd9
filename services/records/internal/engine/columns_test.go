package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// TestSelectedColumns checks the columns a page reads against their definition: in table order,
// those of the shown fields, id and the ordering's.
func TestSelectedColumns(t *testing.T) {
	person := object(t, "person")
	fieldsNamed := func(names ...string) []metadata.Field {
		var out []metadata.Field
		for _, n := range names {
			f, ok := person.Field(n)
			if !ok {
				t.Fatalf("no field %q", n)
			}
			out = append(out, f)
		}
		return out
	}
	tests := []struct {
		name   string
		fields []metadata.Field
		order  []recordquery.Order
	}{
		{"all fields", person.Fields, nil},
		{"projection", fieldsNamed("name", "city", "emails", "position", "createdAt"), nil},
		{"projection without id, ordered", fieldsNamed("city"), []recordquery.Order{{Field: "name.lastName", Direction: recordquery.DescNullsLast}, {Field: "position", Direction: recordquery.AscNullsFirst}}},
		{"projection out of table order", fieldsNamed("emails", "city", "name"), []recordquery.Order{{Field: "companyId", Direction: recordquery.AscNullsFirst}}},
		{"no fields", nil, nil},
	}
	for _, tt := range tests {
		leaves, err := resolveOrder(person, tt.order)
		if err != nil {
			t.Fatalf("%s: resolveOrder: %v", tt.name, err)
		}
		want := map[string]bool{"id": true}
		for _, f := range tt.fields {
			for _, c := range metadata.Columns(f) {
				want[c.Name] = true
			}
		}
		for _, l := range leaves {
			want[l.column.Name] = true
		}
		var wantNames []string
		for _, c := range person.Columns() {
			if want[c.Name] {
				wantNames = append(wantNames, c.Name)
			}
		}
		got := selectedColumns(person, tt.fields, leaves)
		if diff := cmp.Diff(got, wantNames); diff != "" {
			t.Errorf("%s: selectedColumns() mismatch (-got +want):\n%s", tt.name, diff)
		}
	}
}

// TestJoinChunks checks that the chunks of an embedded record hold the object's columns in table
// order, joinChunkColumns at most each, and that joinChunkAliases names as many.
func TestJoinChunks(t *testing.T) {
	for _, o := range objects() {
		var got []string
		chunks := joinChunks(o)
		for _, chunk := range chunks {
			if len(chunk) == 0 || len(chunk) > joinChunkColumns {
				t.Errorf("%s: a chunk of %d columns", o.NameSingular, len(chunk))
			}
			for _, c := range chunk {
				got = append(got, c.Name)
			}
		}
		var want []string
		for _, c := range o.Columns() {
			want = append(want, c.Name)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s: joinChunks() columns mismatch (-got +want):\n%s", o.NameSingular, diff)
		}
		if n := len(joinChunkAliases("rel", o)); n != len(chunks) {
			t.Errorf("%s: %d chunk aliases, want %d", o.NameSingular, n, len(chunks))
		}
	}
}

func TestCol(t *testing.T) {
	tests := []struct{ alias, column, want string }{
		{"t", "nameFirstName", `"t"."nameFirstName"`},
		{"r0", `we"ird`, `"r0"."we""ird"`},
		{`a"b`, "id", `"a""b"."id"`},
	}
	for _, tt := range tests {
		if got := col(tt.alias, tt.column); got != tt.want {
			t.Errorf("col(%q, %q) = %s, want %s", tt.alias, tt.column, got, tt.want)
		}
	}
}
