package recordquery

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func cond(field string, op Op, v Value) *Filter { return &Filter{Field: field, Op: op, Value: v} }

func TestOps(t *testing.T) {
	// The order of Twenty's FilterComparators (parse-base-filter.util.ts), which its messages list.
	want := []Op{"eq", "neq", "in", "containsAny", "is", "gt", "gte", "lt", "lte", "startsWith", "endsWith", "like", "ilike"}
	if diff := cmp.Diff(Ops(), want); diff != "" {
		t.Errorf("Ops() mismatch (-got +want):\n%s", diff)
	}
	for _, op := range want {
		if !op.Valid() {
			t.Errorf("%q.Valid() = false, want true", op)
		}
		if got, want := op.TakesList(), op == "in" || op == "containsAny"; got != want {
			t.Errorf("%q.TakesList() = %v, want %v", op, got, want)
		}
	}
	for _, op := range []Op{"", "EQ", "containsExactly", "regex", "toString"} {
		if op.Valid() {
			t.Errorf("%q.Valid() = true, want false", op)
		}
	}
}

func TestDirections(t *testing.T) {
	want := []Direction{"AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast"}
	if diff := cmp.Diff(Directions(), want); diff != "" {
		t.Errorf("Directions() mismatch (-got +want):\n%s", diff)
	}
	tests := []struct {
		d                     Direction
		valid, asc, nullFirst bool
	}{
		{AscNullsFirst, true, true, true},
		{AscNullsLast, true, true, false},
		{DescNullsFirst, true, false, true},
		{DescNullsLast, true, false, false},
		{"asc", false, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		if got := tt.d.Valid(); got != tt.valid {
			t.Errorf("%q.Valid() = %v, want %v", tt.d, got, tt.valid)
		}
		if got := tt.d.Ascending(); got != tt.asc {
			t.Errorf("%q.Ascending() = %v, want %v", tt.d, got, tt.asc)
		}
		if got := tt.d.NullsFirst(); got != tt.nullFirst {
			t.Errorf("%q.NullsFirst() = %v, want %v", tt.d, got, tt.nullFirst)
		}
	}
	if DefaultDirection != AscNullsFirst {
		t.Errorf("DefaultDirection = %q, want AscNullsFirst", DefaultDirection)
	}
}

func TestIsValue(t *testing.T) {
	tests := []struct {
		raw  string
		want Value
	}{
		{"NULL", Value{Raw: "NULL", Null: true}},
		{"NOT_NULL", Value{Raw: "NOT_NULL", NotNull: true}},
		{"null", Value{Raw: "null"}},
		{`"NULL"`, Value{Raw: `"NULL"`}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(IsValue(tt.raw), tt.want); diff != "" {
			t.Errorf("IsValue(%q) mismatch (-got +want):\n%s", tt.raw, diff)
		}
	}
}

// nest returns n nested not nodes around a condition.
func nest(n int) *Filter {
	f := cond("a", Eq, Value{Raw: "1"})
	for range n {
		f = &Filter{Not: f}
	}
	return f
}

func TestFilterValidate(t *testing.T) {
	list := Value{Raw: "[a]", List: []Value{{Raw: "a"}}}
	tests := []struct {
		name    string
		f       *Filter
		wantErr bool
	}{
		{"condition", cond("city", Eq, Value{Raw: "Paris"}), false},
		{"composite", cond("name.firstName", Like, Value{Raw: "%a%", Quoted: true}), false},
		{"empty field passes (engine checks names)", cond("", Eq, Value{Raw: "1"}), false},
		{"in with list", cond("id", In, list), false},
		{"containsAny with list", cond("tags", ContainsAny, list), false},
		{"is with anything (engine checks)", cond("id", Is, IsValue("maybe")), false},
		{"and", &Filter{And: []*Filter{cond("a", Eq, Value{}), cond("b", Eq, Value{})}}, false},
		{"empty and (GraphQL)", &Filter{And: []*Filter{}}, false},
		{"or", &Filter{Or: []*Filter{cond("a", Eq, Value{})}}, false},
		{"not", &Filter{Not: cond("a", Eq, Value{})}, false},
		{"deepest allowed", nest(MaxFilterDepth), false},
		{"too deep", nest(MaxFilterDepth + 1), true},
		{"nil", nil, true},
		{"no kind", &Filter{}, true},
		{"field without op", &Filter{Field: "a"}, true},
		{"two kinds", &Filter{And: []*Filter{}, Op: Eq}, true},
		{"and and or", &Filter{And: []*Filter{}, Or: []*Filter{}}, true},
		{"unknown op", cond("a", "containsExactly", Value{}), true},
		{"in without list", cond("a", In, Value{Raw: "a"}), true},
		{"eq with list", cond("a", Eq, list), true},
		{"nil child", &Filter{And: []*Filter{nil}}, true},
		{"bad grandchild", &Filter{Or: []*Filter{{Not: &Filter{}}}}, true},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: Validate() = %v, want error %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestMentionsDeletedAt(t *testing.T) {
	null := IsValue("NULL")
	tests := []struct {
		name string
		f    *Filter
		want bool
	}{
		{"nil", nil, false},
		{"other field", cond("city", Eq, Value{Raw: "x"}), false},
		{"deletedAt", cond("deletedAt", Is, null), true},
		{"prefix only", cond("deletedAtX", Is, null), false},
		{"sub-field", cond("foo.deletedAt", Is, null), true},
		{"under not", &Filter{Not: cond("deletedAt", Is, null)}, true},
		{"deep in and/or", &Filter{And: []*Filter{cond("a", Eq, Value{}), {Or: []*Filter{cond("b", Eq, Value{}), {Not: cond("deletedAt", Gt, Value{Raw: "2024"})}}}}}, true},
		{"not in and/or", &Filter{And: []*Filter{cond("a", Eq, Value{}), {Or: []*Filter{cond("b", Eq, Value{Raw: "deletedAt"})}}}}, false},
	}
	for _, tt := range tests {
		if got := MentionsDeletedAt(tt.f); got != tt.want {
			t.Errorf("%s: MentionsDeletedAt() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestEncodeCursor(t *testing.T) {
	const id = "20202020-0687-4c41-b707-ed1bfca972a7"
	record := map[string]any{
		"id":       id,
		"position": 3.0,
		"city":     "Paris <&>",
		"deleted":  nil,
		"name":     map[string]any{"firstName": "Ada", "lastName": "Lovelace"},
		"amount":   map[string]any{"amountMicros": json.Number("12345678901234567890")},
		"score":    math.NaN(),
	}
	tests := []struct {
		name    string
		orderBy []Order
		want    string // the JSON inside the base64
	}{
		// Twenty's default ordering is by id alone: {"id":…}.
		{"no ordering", nil, `{"id":"` + id + `"}`},
		{"one field", []Order{{"position", DescNullsLast}}, `{"position":3,"id":"` + id + `"}`},
		{"no HTML escaping", []Order{{"city", AscNullsFirst}}, `{"city":"Paris <&>","id":"` + id + `"}`},
		{"order kept", []Order{{"city", AscNullsFirst}, {"position", AscNullsFirst}}, `{"city":"Paris <&>","position":3,"id":"` + id + `"}`},
		{"null kept", []Order{{"deleted", AscNullsFirst}}, `{"deleted":null,"id":"` + id + `"}`},
		{"absent left out", []Order{{"nope", AscNullsFirst}}, `{"id":"` + id + `"}`},
		{"composite sub-field", []Order{{"name.lastName", AscNullsFirst}}, `{"name":{"lastName":"Lovelace"},"id":"` + id + `"}`},
		{"composite sub-fields merged in order", []Order{{"name.lastName", AscNullsFirst}, {"position", AscNullsFirst}, {"name.firstName", AscNullsFirst}},
			`{"name":{"lastName":"Lovelace","firstName":"Ada"},"position":3,"id":"` + id + `"}`},
		{"composite absent sub-field", []Order{{"name.middleName", AscNullsFirst}}, `{"name":{},"id":"` + id + `"}`},
		{"composite absent root", []Order{{"address.addressCity", AscNullsFirst}}, `{"address":{},"id":"` + id + `"}`},
		{"large number kept", []Order{{"amount.amountMicros", AscNullsFirst}}, `{"amount":{"amountMicros":12345678901234567890},"id":"` + id + `"}`},
		{"NaN is null", []Order{{"score", AscNullsFirst}}, `{"score":null,"id":"` + id + `"}`},
		{"id keeps its first place", []Order{{"id", DescNullsFirst}, {"position", AscNullsFirst}}, `{"id":"` + id + `","position":3}`},
	}
	for _, tt := range tests {
		got := EncodeCursor(tt.orderBy, record)
		if got != b64(tt.want) {
			dec, _ := base64.StdEncoding.DecodeString(got)
			t.Errorf("%s: EncodeCursor() = %s, want %s", tt.name, dec, tt.want)
		}
		if _, err := DecodeCursor(got); err != nil {
			t.Errorf("%s: DecodeCursor(EncodeCursor()) = %v", tt.name, err)
		}
	}
}

func TestEncodeCursorFields(t *testing.T) {
	got := EncodeCursorFields([]CursorField{
		{"b", 1},
		{"a", []CursorField{{"y", "z"}, {"x", true}}},
		{"c", make(chan int)}, // not encodable
		{"d", math.Inf(1)},
	})
	if want := b64(`{"b":1,"a":{"y":"z","x":true},"c":null,"d":null}`); got != want {
		t.Errorf("EncodeCursorFields() = %q, want %q", got, want)
	}
}

func TestDecodeCursor(t *testing.T) {
	tests := []struct {
		name   string
		cursor string
		want   map[string]any
	}{
		{"Twenty's cursor", b64(`{"position":1,"id":"x"}`), map[string]any{"position": json.Number("1"), "id": "x"}},
		{"nested and null", b64(`{"name":{"firstName":"Ada"},"deletedAt":null,"id":"x"}`),
			map[string]any{"name": map[string]any{"firstName": "Ada"}, "deletedAt": nil, "id": "x"}},
		{"large number keeps its digits", b64(`{"n":12345678901234567890}`), map[string]any{"n": json.Number("12345678901234567890")}},
		{"no padding", strings.TrimRight(b64(`{"id":"xy"}`), "="), map[string]any{"id": "xy"}},
		{"URL-safe alphabet", base64.URLEncoding.EncodeToString([]byte(`{"id":"?>?>"}`)), map[string]any{"id": "?>?>"}},
		{"white space and stray characters skipped", " " + b64(`{"id":"x"}`)[:4] + "\n\t!" + b64(`{"id":"x"}`)[4:], map[string]any{"id": "x"}},
		{"data after padding ignored", b64(`{"id":"x"}`) + "AAAA", map[string]any{"id": "x"}},
		{"surrounding JSON white space", b64(" {\"id\":\"x\"} \n"), map[string]any{"id": "x"}},
	}
	for _, tt := range tests {
		got, err := DecodeCursor(tt.cursor)
		if err != nil {
			t.Errorf("%s: DecodeCursor(%q) = %v", tt.name, tt.cursor, err)
			continue
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s: DecodeCursor(%q) mismatch (-got +want):\n%s", tt.name, tt.cursor, diff)
		}
	}
}

func TestDecodeCursorErrors(t *testing.T) {
	for _, cursor := range []string{
		"invalid-cursor", // Twenty's find-many test: messages[0] contains "Invalid cursor"
		"",
		"====",
		b64("1"),
		b64("null"),
		b64(`["id"]`),
		b64(`"id"`),
		b64(`{"id":"x"} {}`),
		b64(`{"id":"x"`),
		b64(`{"id":"x"}x`),
		"\xff\xfe",
	} {
		_, err := DecodeCursor(cursor)
		var ice *InvalidCursorError
		if !errors.As(err, &ice) {
			t.Errorf("DecodeCursor(%q) = %v, want an *InvalidCursorError", cursor, err)
			continue
		}
		// cursors.util.ts: `Invalid cursor: ${cursor}`
		if got, want := err.Error(), "Invalid cursor: "+cursor; got != want {
			t.Errorf("DecodeCursor(%q) error = %q, want %q", cursor, got, want)
		}
		if ice.Cursor != cursor || ice.Unwrap() == nil {
			t.Errorf("DecodeCursor(%q) error = %#v, want the cursor and a cause", cursor, ice)
		}
	}
}

func TestQuery(t *testing.T) {
	good := EncodeCursor(nil, map[string]any{"id": "x"})
	tests := []struct {
		name     string
		q        Query
		backward bool
		cursor   string
		wantErr  error // nil, ErrBothCursors, or errAny
	}{
		{"zero", Query{}, false, "", nil},
		{"full", Query{Filter: cond("a", Eq, Value{}), OrderBy: []Order{{"a", DescNullsLast}}, Limit: MaxLimit, Depth: 1, StartingAfter: good, Fields: []string{"id"}}, false, good, nil},
		{"backward", Query{EndingBefore: good, Limit: DefaultLimit}, true, good, nil},
		{"both cursors", Query{StartingAfter: good, EndingBefore: good}, true, good, ErrBothCursors},
		{"bad cursor", Query{StartingAfter: "x"}, false, "x", errAny},
		{"limit too large", Query{Limit: MaxLimit + 1}, false, "", errAny},
		{"negative limit", Query{Limit: -1}, false, "", errAny},
		{"depth 2", Query{Depth: 2}, false, "", errAny},
		{"bad direction", Query{OrderBy: []Order{{"a", "asc"}}}, false, "", errAny},
		{"bad filter", Query{Filter: &Filter{}}, false, "", errAny},
	}
	for _, tt := range tests {
		if got := tt.q.Backward(); got != tt.backward {
			t.Errorf("%s: Backward() = %v, want %v", tt.name, got, tt.backward)
		}
		if got := tt.q.Cursor(); got != tt.cursor {
			t.Errorf("%s: Cursor() = %q, want %q", tt.name, got, tt.cursor)
		}
		err := tt.q.Validate()
		switch {
		case tt.wantErr == nil && err != nil, tt.wantErr != nil && err == nil:
			t.Errorf("%s: Validate() = %v, want %v", tt.name, err, tt.wantErr)
		case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
			t.Errorf("%s: Validate() = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	// common-find-many-query-runner.service.ts
	if got, want := ErrBothCursors.Error(), "Cannot provide both before and after"; got != want {
		t.Errorf("ErrBothCursors = %q, want %q", got, want)
	}
}

var errAny = errors.New("any error")
