package engine

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/twentyworkers/twenty/shared/d1"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// columns reads the values of one record's columns by name: nil for NULL or a column not read.
type columns func(name string) any

// columnIndex maps the column names of a result to their positions in its rows.
func columnIndex(r d1.Result) map[string]int {
	index := make(map[string]int, len(r.Columns))
	for i, name := range r.Columns {
		index[name] = i
	}
	return index
}

// rowColumns reads the main record's columns in a result row.
func rowColumns(index map[string]int, row []any) columns {
	return func(name string) any {
		if i, ok := index[name]; ok {
			return row[i]
		}
		return nil
	}
}

// joinedColumns reads the columns of the record embedded under join j in a result row: the
// JSON objects of its column chunks (see joinChunks), merged. Numbers are typed as D1 types
// result values: int64 when integral, else float64.
func joinedColumns(j join, get columns) columns {
	chunks := j.chunks
	if chunks == nil {
		chunks = joinChunkAliases(j.field.Name, j.target)
	}
	values := make(map[string]any, joinChunkColumns*len(chunks))
	var buf [joinChunkColumns]jsonMember
	for _, alias := range chunks {
		s, ok := get(alias).(string)
		if !ok {
			continue
		}
		members, ok := decodeChunk(s, buf[:0])
		if !ok {
			continue
		}
		for _, m := range members {
			values[m.key] = m.value
		}
	}
	return func(name string) any { return values[name] }
}

// d1Number types a JSON number as D1 types a result value.
func d1Number(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, err := n.Float64()
	if err != nil {
		return n.String()
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return int64(f)
	}
	return f
}

// layout is how the records of a list of fields render: each field's columns and, for a
// composite, its sub-fields, worked out once per query instead of once per record (computing a
// field's columns was most of the cost of rendering a page).
type layout []fieldLayout

type fieldLayout struct {
	// f is the field, in the slice the layout was made of (a Field is large to copy).
	f *metadata.Field
	// key is the field's key in records: its name, or a relation's join column (companyId).
	key  string
	cols []metadata.Column
	// comp is a composite's sub-fields, nil for other fields.
	comp *compositeLayout
}

// compositeLayout is how a composite type renders: its sub-fields, and Twenty's values for its
// NULL sub-fields, nil for none, by sub-field (compositeNullEquivalents). It depends on the type
// only, so each type's is made once (compositeLayoutOf) and shared by every layout.
type compositeLayout struct {
	props   []metadata.Property
	empties []func() any
}

var compositeLayouts = struct {
	mu sync.Mutex
	m  map[metadata.FieldType]*compositeLayout
}{m: map[metadata.FieldType]*compositeLayout{}}

// compositeLayoutOf returns the layout of composite type t.
func compositeLayoutOf(t metadata.FieldType) *compositeLayout {
	compositeLayouts.mu.Lock()
	defer compositeLayouts.mu.Unlock()
	if c, ok := compositeLayouts.m[t]; ok {
		return c
	}
	c := &compositeLayout{props: t.Properties()}
	c.empties = make([]func() any, len(c.props))
	for k, p := range c.props {
		c.empties[k] = compositeNullEquivalents[t][p.Name]
	}
	compositeLayouts.m[t] = c
	return c
}

// layoutOf returns the layout of fields, which it points into: fields must not change while the
// layout is in use.
func layoutOf(fields []metadata.Field) layout {
	l := make(layout, len(fields))
	for i := range fields {
		f := &fields[i]
		l[i] = fieldLayout{f: f, key: f.Name, cols: metadata.ReadColumns(*f)}
		if f.Type.IsRelation() {
			l[i].key = f.JoinColumnName()
		}
		if f.Type.IsComposite() {
			l[i].comp = compositeLayoutOf(f.Type)
		}
	}
	return l
}

// renderRecord builds the record of obj shown with fields from its columns; joins are the
// relations to embed (none for an embedded record, which does not embed its own). A loop over
// many records renders with one layout instead (layoutOf, render).
func renderRecord(obj metadata.Object, fields []metadata.Field, get columns, joins []join) map[string]any {
	return layoutOf(fields).render(get, joins)
}

// render builds one record from its columns, embedding the records of joins.
func (l layout) render(get columns, joins []join) map[string]any {
	rec := make(map[string]any, len(l)+len(joins))
	for i := range l {
		fl := &l[i]
		switch {
		case len(fl.cols) == 0: // ONE_TO_MANY relations, the search vector
		case fl.comp != nil:
			rec[fl.key] = compositeValue(fl.f, fl.cols, fl.comp, get)
		case fl.f.Type.IsRelation():
			rec[fl.key] = get(fl.cols[0].Name)
		default:
			rec[fl.key] = simpleValue(fl.f.Type, get(fl.cols[0].Name))
		}
	}
	for _, j := range joins {
		nested := joinedColumns(j, get)
		if nested("id") == nil {
			rec[j.field.Name] = nil
			continue
		}
		if j.layout == nil {
			j.layout = objectLayout(j.target.Fields)
		}
		rec[j.field.Name] = j.layout.render(nested, nil)
	}
	return rec
}

// simpleValue converts the stored value of a one-column field of type t to its API value, as
// Twenty's formatResult does: booleans from 0/1, JSON parsed, and Twenty's empty values for NULL
// ("" for TEXT, [] for MULTI_SELECT and ARRAY).
func simpleValue(t metadata.FieldType, v any) any {
	switch t {
	case metadata.TypeText:
		if v == nil {
			return ""
		}
	case metadata.TypeBoolean:
		if n, ok := v.(int64); ok {
			return n != 0
		}
	case metadata.TypeMultiSelect, metadata.TypeArray:
		if v == nil {
			return []any{}
		}
		return parseJSON(v)
	case metadata.TypeRawJSON, metadata.TypeFiles:
		return parseJSON(v)
	}
	return v
}

// parseJSON parses a JSON column's text, leaving other values (NULL) as they are.
func parseJSON(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return s
	}
	return out
}

// compositeNullEquivalents are the values Twenty shows for NULL sub-fields
// (DEFAULT_COMPOSITE_FIELDS_NULL_EQUIVALENT_VALUE in null-equivalent-values.constant.ts).
var compositeNullEquivalents = map[metadata.FieldType]map[string]func() any{
	metadata.TypeAddress: {
		"addressStreet1": emptyString, "addressStreet2": emptyString, "addressCity": emptyString,
		"addressState": emptyString, "addressCountry": emptyString, "addressPostcode": emptyString,
	},
	metadata.TypeEmails:     {"primaryEmail": emptyString, "additionalEmails": emptyList},
	metadata.TypeLinks:      {"primaryLinkUrl": emptyString, "primaryLinkLabel": emptyString, "secondaryLinks": emptyList},
	metadata.TypePhones:     {"primaryPhoneNumber": emptyString, "primaryPhoneCountryCode": emptyString, "primaryPhoneCallingCode": emptyString, "additionalPhones": emptyList},
	metadata.TypeFullName:   {"firstName": emptyString, "lastName": emptyString},
	metadata.TypeActor:      {"name": emptyString},
	metadata.TypeRichTextV2: {"markdown": emptyString},
}

func emptyString() any { return "" }
func emptyList() any   { return emptyListValue }

// emptyListValue is the one empty list records show: it has no capacity, so nothing can write
// into it (appending copies), and sharing it saves an allocation per NULL list of every record.
var emptyListValue any = []any{}

// compositeValue nests the columns of composite field f into its API object: sub-fields keyed
// by name, NULLs replaced by Twenty's empty values, JSON sub-fields parsed, a link's trailing
// slash dropped. A field whose required sub-fields are all NULL is null when nullable, else
// Twenty's default (handleEmptyCompositeFields in format-result.util.ts).
// comp is the type's sub-fields and their empty values (see compositeLayout).
func compositeValue(f *metadata.Field, cols []metadata.Column, comp *compositeLayout, get columns) any {
	props, empties := comp.props, comp.empties
	m := make(map[string]any, len(props))
	required, allNull := 0, true
	for i, p := range props {
		v := get(cols[i].Name)
		switch {
		case v == nil:
			if empties[i] != nil {
				v = empties[i]()
			}
		case p.Type == metadata.TypeRawJSON:
			v = parseJSON(v)
		case f.Type == metadata.TypeLinks && p.Name == "primaryLinkUrl":
			if s, ok := v.(string); ok {
				v = strings.TrimSuffix(s, "/")
			}
		}
		m[p.Name] = v
		if p.IsRequired {
			required++
			allNull = allNull && v == nil
		}
	}
	if required > 0 && allNull {
		if f.IsNullable {
			return nil
		}
		if f.Type == metadata.TypeActor {
			return map[string]any{"source": "MANUAL", "name": "", "workspaceMemberId": nil, "context": map[string]any{}}
		}
		return nil
	}
	return m
}

// cursorEncoder encodes the cursors of a page's records, as recordquery.EncodeCursor encodes the
// stored values of the ordering's columns (composite sub-fields nested under their field).
// Cursors carry stored values, not shown ones (a link without its trailing slash, "" for NULL),
// so that the keyset predicate compares like with like. The cursor's members are worked out once
// per page from the ordering, and no record map is built per row. Not safe for concurrent use:
// it reuses its members from one cursor to the next.
type cursorEncoder struct {
	leaves []orderLeaf
	// members are the cursor's members; a member's Value is set to each record's value of the
	// leaf of leafOf (for a composite's member, -1, Value is its subs, boxed once: the slice
	// keeps its backing array, whose elements encode sets).
	members []recordquery.CursorField
	leafOf  []int
	subs    [][]recordquery.CursorField
	subLeaf [][]int
}

// newCursorEncoder lays out the cursors of leaves as EncodeCursor does for the ordering's values:
// a member per leaf, in leaf order, except that the sub-fields of one composite field share its
// member, placed at the first of them; the tie-breaker id is a leaf, so EncodeCursor's final id
// is already in place.
func newCursorEncoder(leaves []orderLeaf) *cursorEncoder {
	e := &cursorEncoder{leaves: leaves}
	for i, l := range leaves {
		key := l.key()
		if l.prop != nil {
			key = l.field.Name
		}
		m := slices.IndexFunc(e.members, func(f recordquery.CursorField) bool { return f.Key == key })
		if m < 0 {
			m = len(e.members)
			e.members = append(e.members, recordquery.CursorField{Key: key})
			e.leafOf = append(e.leafOf, i)
			e.subs = append(e.subs, nil)
			e.subLeaf = append(e.subLeaf, nil)
		}
		if l.prop == nil {
			e.leafOf[m] = i
			continue
		}
		e.leafOf[m] = -1
		e.subs[m] = append(e.subs[m], recordquery.CursorField{Key: l.prop.Name})
		e.subLeaf[m] = append(e.subLeaf[m], i)
	}
	for m, subs := range e.subs {
		if e.leafOf[m] < 0 {
			e.members[m].Value = subs[:len(subs):len(subs)]
		}
	}
	return e
}

// encode returns the cursor of the record whose columns get reads.
func (e *cursorEncoder) encode(get columns) string {
	for m, i := range e.leafOf {
		if i >= 0 {
			e.members[m].Value = e.value(i, get)
			continue
		}
		for k, i := range e.subLeaf[m] {
			e.subs[m][k].Value = e.value(i, get)
		}
	}
	return recordquery.EncodeCursorFields(e.members)
}

// value is the stored value of leaf i, a boolean as a boolean (D1 stores them as 0 and 1).
func (e *cursorEncoder) value(i int, get columns) any {
	l := e.leaves[i]
	v := get(l.column.Name)
	if n, ok := v.(int64); ok && l.column.Type == metadata.TypeBoolean {
		return n != 0
	}
	return v
}

// omitNulls drops the null-valued fields of rec and of the records it embeds.
func omitNulls(rec map[string]any, joins []join) {
	for _, j := range joins {
		if nested, ok := rec[j.field.Name].(map[string]any); ok {
			omitNulls(nested, nil)
		}
	}
	for k, v := range rec {
		if v == nil {
			delete(rec, k)
		}
	}
}
