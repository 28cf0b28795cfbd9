package views

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// This file is what a view adds to a group-by with viewId (Twenty's
// CommonGroupByQueryRunnerService.addFiltersFromView): its filters, in its filter groups, and its
// any-field filter, made a record filter as twenty-shared's computeRecordGqlOperationFilter and
// turnAnyFieldFilterIntoRecordGqlFilter make them, and-ed with the request's filter. A view the
// workspace does not have adds nothing, as in Twenty (its filters are looked up by view and
// workspace and none are found).

// Spec is what of a view filters records.
type Spec struct {
	Filters             []DTO
	Groups              []DTO
	AnyFieldFilterValue string
}

// FilterSpec reads the filters, filter groups and any-field filter of the workspace's view with
// id, in one round trip. An id that is not a UUID is refused.
func (s *Store) FilterSpec(ctx context.Context, ws, viewID string) (Spec, error) {
	if !ids.IsUUID(viewID) {
		return Spec{}, invalid("viewId must be a UUID")
	}
	viewID = strings.ToLower(viewID)
	res, err := s.Control.Batch(ctx,
		d1.Stmt{SQL: selectSQL(ViewFilter) + " WHERE workspace_id = ? AND view_id = ? AND deleted_at IS NULL ORDER BY " + ViewFilter.order, Args: []any{ws, viewID}},
		d1.Stmt{SQL: selectSQL(ViewFilterGroup) + " WHERE workspace_id = ? AND view_id = ? AND deleted_at IS NULL ORDER BY " + ViewFilterGroup.order, Args: []any{ws, viewID}},
		d1.Stmt{SQL: `SELECT any_field_filter_value FROM view WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL`, Args: []any{ws, viewID}},
	)
	if err != nil {
		return Spec{}, fmt.Errorf("read the filters of view %s of %s: %w", viewID, ws, err)
	}
	var sp Spec
	for _, r := range res[0].Rows {
		sp.Filters = append(sp.Filters, ViewFilter.dto(r))
	}
	for _, r := range res[1].Rows {
		sp.Groups = append(sp.Groups, ViewFilterGroup.dto(r))
	}
	if len(res[2].Rows) == 1 {
		sp.AnyFieldFilterValue, _ = res[2].Rows[0][0].(string)
	}
	return sp, nil
}

// RecordFilter is the record filter of sp on object o: nil when it filters nothing. A filter on
// a field o does not have, or an operand this backend cannot apply to its field, is refused.
func RecordFilter(o metadata.Object, sp Spec, now time.Time) (*recordquery.Filter, error) {
	byID := map[string]metadata.Field{}
	for _, f := range o.Fields {
		byID[f.ID] = f
	}
	var all []*recordquery.Filter
	for _, vf := range sp.Filters {
		if g, _ := vf["viewFilterGroupId"].(string); g != "" && slices.ContainsFunc(sp.Groups, func(d DTO) bool { return d["id"] == g }) {
			continue
		}
		f, err := viewFilter(byID, vf, now)
		if err != nil {
			return nil, err
		}
		if f != nil {
			all = append(all, f)
		}
	}
	for _, g := range sp.Groups {
		if p, _ := g["parentViewFilterGroupId"].(string); p != "" {
			continue
		}
		f, err := groupFilter(byID, sp, g, now, 0)
		if err != nil {
			return nil, err
		}
		if f != nil {
			all = append(all, f)
		}
	}
	if search := anyFieldFilter(o, sp.AnyFieldFilterValue); search != nil {
		all = append(all, search)
	}
	switch len(all) {
	case 0:
		return nil, nil
	case 1:
		return all[0], nil
	}
	return &recordquery.Filter{And: all}, nil
}

// groupFilter is the filter of group g: its filters and child groups joined by its operator.
func groupFilter(byID map[string]metadata.Field, sp Spec, g DTO, now time.Time, depth int) (*recordquery.Filter, error) {
	if depth > recordquery.MaxFilterDepth/2 {
		return nil, invalid("The view's filter groups are nested too deep")
	}
	var children []*recordquery.Filter
	for _, vf := range sp.Filters {
		if vf["viewFilterGroupId"] != g["id"] {
			continue
		}
		f, err := viewFilter(byID, vf, now)
		if err != nil {
			return nil, err
		}
		if f != nil {
			children = append(children, f)
		}
	}
	for _, c := range sp.Groups {
		if c["parentViewFilterGroupId"] != g["id"] {
			continue
		}
		f, err := groupFilter(byID, sp, c, now, depth+1)
		if err != nil {
			return nil, err
		}
		if f != nil {
			children = append(children, f)
		}
	}
	if len(children) == 0 {
		return nil, nil
	}
	switch g["logicalOperator"] {
	case "OR":
		return &recordquery.Filter{Or: children}, nil
	case "NOT":
		return &recordquery.Filter{Not: &recordquery.Filter{And: children}}, nil
	}
	return &recordquery.Filter{And: children}, nil
}

// filterValue is a view filter's value as a string (convertViewFilterValueToString).
func filterValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func cond(field string, op recordquery.Op, raw string) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: op, Value: recordquery.Value{Raw: raw, Quoted: true}}
}

func isNull(field string) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: recordquery.Is, Value: recordquery.IsValue("NULL")}
}

func isNotNull(field string) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: recordquery.Is, Value: recordquery.IsValue("NOT_NULL")}
}

func in(field string, values []string) *recordquery.Filter {
	list := make([]recordquery.Value, len(values))
	for i, v := range values {
		list[i] = recordquery.Value{Raw: v, Quoted: true}
	}
	return &recordquery.Filter{Field: field, Op: recordquery.In, Value: recordquery.Value{List: list}}
}

func or(fs ...*recordquery.Filter) *recordquery.Filter  { return &recordquery.Filter{Or: fs} }
func and(fs ...*recordquery.Filter) *recordquery.Filter { return &recordquery.Filter{And: fs} }
func not(f *recordquery.Filter) *recordquery.Filter     { return &recordquery.Filter{Not: f} }

// empty is a text sub-field without a value: NULL or "".
func empty(field string) *recordquery.Filter {
	return or(isNull(field), cond(field, recordquery.Eq, ""))
}

// textFields are the sub-fields a composite's text filter looks in, by type.
var textFields = map[metadata.FieldType][]string{
	metadata.TypeFullName: {"firstName", "lastName"},
	metadata.TypeEmails:   {"primaryEmail"},
	metadata.TypePhones:   {"primaryPhoneNumber"},
	metadata.TypeLinks:    {"primaryLinkUrl", "primaryLinkLabel"},
	metadata.TypeAddress:  {"addressStreet1", "addressStreet2", "addressCity", "addressState", "addressCountry", "addressPostcode"},
	metadata.TypeActor:    {"name"},
}

// stringList reads a SELECT's or relation's value: a JSON array of strings, or Twenty's
// {selectedRecordIds: [...]} of a relation.
func stringList(raw string) []string {
	var list []string
	if json.Unmarshal([]byte(raw), &list) == nil {
		return list
	}
	var rel struct {
		SelectedRecordIDs []string `json:"selectedRecordIds"`
	}
	if json.Unmarshal([]byte(raw), &rel) == nil {
		return rel.SelectedRecordIDs
	}
	return []string{raw}
}

// viewFilter is the record filter of one view filter, or nil when its value is empty.
func viewFilter(byID map[string]metadata.Field, vf DTO, now time.Time) (*recordquery.Filter, error) {
	id, _ := vf["fieldMetadataId"].(string)
	field, ok := byID[id]
	if !ok {
		return nil, invalid("Field metadata not found for field %s", id)
	}
	operand, _ := vf["operand"].(string)
	sub, _ := vf["subFieldName"].(string)
	value := filterValue(vf["value"])
	unsupported := invalid("The view filter %s on %s (%s) is not supported", operand, field.Name, field.Type)
	if value == "" && !slices.Contains([]string{"IS_EMPTY", "IS_NOT_EMPTY", "IS_IN_PAST", "IS_IN_FUTURE", "IS_TODAY", "IS_NOT_NULL"}, operand) {
		return nil, nil
	}
	name := field.Name
	// The columns a text operand looks in.
	cols := []string{name}
	if subs, ok := textFields[field.Type]; ok {
		cols = nil
		for _, s := range subs {
			if sub == "" || sub == s {
				cols = append(cols, name+"."+s)
			}
		}
		if len(cols) == 0 {
			cols = []string{name + "." + sub}
		}
	}
	switch operand {
	case "IS_EMPTY", "IS_NOT_EMPTY":
		var f *recordquery.Filter
		switch {
		case field.Type.IsRelation():
			f = isNull(field.JoinColumnName())
		case field.Type == metadata.TypeText || textFields[field.Type] != nil:
			parts := make([]*recordquery.Filter, len(cols))
			for i, c := range cols {
				parts[i] = empty(c)
			}
			f = parts[0]
			if len(parts) > 1 {
				f = and(parts...)
			}
		case field.Type == metadata.TypeCurrency:
			f = isNull(name + ".amountMicros")
		default:
			f = isNull(name)
		}
		if operand == "IS_NOT_EMPTY" {
			return not(f), nil
		}
		return f, nil
	case "IS_NOT_NULL":
		return isNotNull(name), nil
	}
	switch field.Type {
	case metadata.TypeText, metadata.TypeFullName, metadata.TypeEmails, metadata.TypePhones, metadata.TypeLinks,
		metadata.TypeAddress, metadata.TypeActor, metadata.TypeUUID:
		if field.Type == metadata.TypeActor && sub == "source" && operand == "IS" {
			return in(name+".source", stringList(value)), nil
		}
		if field.Type == metadata.TypeUUID && (operand == "IS" || operand == "IS_NOT") {
			f := in(name, stringList(value))
			if operand == "IS_NOT" {
				return not(f), nil
			}
			return f, nil
		}
		pattern := "%" + value + "%"
		parts := make([]*recordquery.Filter, len(cols))
		for i, c := range cols {
			parts[i] = cond(c, recordquery.ILike, pattern)
		}
		switch operand {
		case "CONTAINS":
			if len(parts) == 1 {
				return parts[0], nil
			}
			return or(parts...), nil
		case "DOES_NOT_CONTAIN":
			nots := make([]*recordquery.Filter, len(cols))
			for i, c := range cols {
				nots[i] = or(isNull(c), not(parts[i]))
			}
			if len(nots) == 1 {
				return nots[0], nil
			}
			return and(nots...), nil
		}
	case metadata.TypeNumber, metadata.TypeNumeric, metadata.TypeCurrency:
		col := name
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, invalid("The view filter's value %q on %s is not a number", value, name)
		}
		if field.Type == metadata.TypeCurrency {
			if sub == "currencyCode" {
				if operand == "IS" {
					return in(name+".currencyCode", stringList(value)), nil
				}
				return nil, unsupported
			}
			col, n = name+".amountMicros", n*1e6
		}
		raw := strconv.FormatFloat(n, 'f', -1, 64)
		switch operand {
		case "GREATER_THAN_OR_EQUAL":
			return cond(col, recordquery.Gte, raw), nil
		case "LESS_THAN_OR_EQUAL":
			return cond(col, recordquery.Lte, raw), nil
		case "IS":
			return cond(col, recordquery.Eq, raw), nil
		case "IS_NOT":
			return cond(col, recordquery.Neq, raw), nil
		}
	case metadata.TypeSelect, metadata.TypeRating:
		f := in(name, stringList(value))
		switch operand {
		case "IS":
			return f, nil
		case "IS_NOT":
			return or(isNull(name), not(f)), nil
		}
	case metadata.TypeMultiSelect, metadata.TypeArray:
		list := stringList(value)
		vals := make([]recordquery.Value, len(list))
		for i, v := range list {
			vals[i] = recordquery.Value{Raw: v, Quoted: true}
		}
		f := &recordquery.Filter{Field: name, Op: recordquery.ContainsAny, Value: recordquery.Value{List: vals}}
		switch operand {
		case "IS", "CONTAINS":
			return f, nil
		case "IS_NOT", "DOES_NOT_CONTAIN":
			return or(isNull(name), not(f)), nil
		}
	case metadata.TypeBoolean:
		if operand == "IS" {
			return &recordquery.Filter{Field: name, Op: recordquery.Eq, Value: recordquery.Value{Raw: strconv.FormatBool(value == "true")}}, nil
		}
	case metadata.TypeDate, metadata.TypeDateTime:
		return dateFilter(field, operand, value, now, unsupported)
	case metadata.TypeRelation:
		if !field.IsManyToOne() {
			return nil, unsupported
		}
		col := field.JoinColumnName()
		f := in(col, stringList(value))
		switch operand {
		case "IS":
			return f, nil
		case "IS_NOT":
			return or(isNull(col), not(f)), nil
		}
	}
	return nil, unsupported
}

// dateFilter is a DATE or DATE_TIME filter; days are UTC days (Twenty's group-by filters read
// dates in UTC).
func dateFilter(field metadata.Field, operand, value string, now time.Time, unsupported error) (*recordquery.Filter, error) {
	name := field.Name
	format := func(t time.Time) string {
		if field.Type == metadata.TypeDate {
			return t.Format(time.DateOnly)
		}
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	day := func(t time.Time) *recordquery.Filter {
		start := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return and(cond(name, recordquery.Gte, format(start)), cond(name, recordquery.Lt, format(start.AddDate(0, 0, 1))))
	}
	switch operand {
	case "IS_IN_PAST":
		return cond(name, recordquery.Lt, format(now)), nil
	case "IS_IN_FUTURE":
		return cond(name, recordquery.Gt, format(now)), nil
	case "IS_TODAY":
		return day(now.UTC()), nil
	}
	t, err := parseDate(value)
	if err != nil {
		return nil, invalid("The view filter's value %q on %s is not a date", value, name)
	}
	switch operand {
	case "IS_BEFORE":
		return cond(name, recordquery.Lt, format(t)), nil
	case "IS_AFTER":
		return cond(name, recordquery.Gt, format(t)), nil
	case "IS":
		return day(t.UTC()), nil
	}
	return nil, unsupported
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// anyFieldFilter is a view's search box (turnAnyFieldFilterIntoRecordGqlFilter): records with
// the value in one of their text-like fields.
func anyFieldFilter(o metadata.Object, value string) *recordquery.Filter {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	pattern := "%" + value + "%"
	var matches []*recordquery.Filter
	for _, f := range o.Fields {
		if f.IsSystem {
			continue
		}
		switch {
		case f.Type == metadata.TypeText:
			matches = append(matches, cond(f.Name, recordquery.ILike, pattern))
		case textFields[f.Type] != nil && f.Type != metadata.TypeActor:
			for _, s := range textFields[f.Type] {
				matches = append(matches, cond(f.Name+"."+s, recordquery.ILike, pattern))
			}
		}
	}
	if len(matches) == 0 {
		return nil
	}
	return or(matches...)
}
