package gqlapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// filterOf converts a {Singular}FilterInput value, as the executor coerced it, into the filter
// tree REST builds from ?filter=: a field's operators become conditions on the field
// ({city: {eq: "Paris"}} is city[eq]:Paris), a composite's sub-fields dotted paths
// (name.firstName), a join column a condition on it (companyId), and sibling keys an and. Values
// keep their text, for the engine to type them from the field as it types REST's: a string as
// it is, a number or boolean as JSON writes it.
//
// An empty input ({}) gives an empty and, which selects every record and which the mass
// mutations refuse ("A non-empty filter is required"). Keys and operators given null, and a not
// of nothing, are left out. Keys are read in name order; the result does not depend on it.
//
// Nesting is counted as written, before empty nots and ands are left out, so that a filter nested
// deeper than recordquery.MaxFilterDepth is refused whatever it holds, as it is through REST.
func filterOf(t *objectType, in map[string]any) (*recordquery.Filter, error) {
	return filterAt(t, in, 0)
}

func filterAt(t *objectType, in map[string]any, depth int) (*recordquery.Filter, error) {
	var conds []*recordquery.Filter
	for _, key := range slices.Sorted(maps.Keys(in)) {
		v := in[key]
		if v == nil {
			continue
		}
		switch key {
		case "and", "or", "not":
			if depth >= recordquery.MaxFilterDepth {
				return nil, &engine.QueryError{Code: engine.CodeInvalidFilter, Message: recordquery.ErrFilterTooDeep.Error()}
			}
		}
		switch key {
		case "and", "or":
			items, _ := v.([]any)
			children := []*recordquery.Filter{}
			for _, item := range items {
				m, ok := item.(map[string]any)
				if !ok {
					continue
				}
				c, err := filterAt(t, m, depth+1)
				if err != nil {
					return nil, err
				}
				children = append(children, c)
			}
			if key == "and" {
				conds = append(conds, &recordquery.Filter{And: children})
			} else {
				conds = append(conds, &recordquery.Filter{Or: children})
			}
			continue
		case "not":
			m, _ := v.(map[string]any)
			c, err := filterAt(t, m, depth+1)
			if err != nil {
				return nil, err
			}
			if c.Op != "" || len(c.And) > 0 || c.Or != nil || c.Not != nil {
				conds = append(conds, &recordquery.Filter{Not: c})
			}
			continue
		}
		ops, ok := v.(map[string]any)
		if !ok {
			return nil, invalidFilter("Filter on %q must be an object", key)
		}
		if _, ok := t.joins[key]; ok {
			cs, err := operatorConds(key, ops)
			if err != nil {
				return nil, err
			}
			conds = append(conds, cs...)
			continue
		}
		f, ok := t.field(key)
		if !ok || f.Type.IsRelation() {
			return nil, invalidFilter("Object %s doesn't have any \"%s\" field.", t.obj.NameSingular, key)
		}
		if !f.Type.IsComposite() {
			cs, err := operatorConds(key, ops)
			if err != nil {
				return nil, err
			}
			conds = append(conds, cs...)
			continue
		}
		for _, sub := range slices.Sorted(maps.Keys(ops)) {
			subOps, ok := ops[sub].(map[string]any)
			if !ok {
				continue // null
			}
			cs, err := operatorConds(key+"."+sub, subOps)
			if err != nil {
				return nil, err
			}
			conds = append(conds, cs...)
		}
	}
	if len(conds) == 1 {
		return conds[0], nil
	}
	if conds == nil {
		conds = []*recordquery.Filter{}
	}
	return &recordquery.Filter{And: conds}, nil
}

// operatorConds converts the operators given a field path ({eq: …, in: […]}) into conditions.
func operatorConds(path string, ops map[string]any) ([]*recordquery.Filter, error) {
	var out []*recordquery.Filter
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		v := ops[op]
		if v == nil {
			continue
		}
		switch op {
		case "in", "containsAny":
			items, _ := v.([]any)
			list := []recordquery.Value{}
			for _, item := range items {
				if item != nil {
					list = append(list, scalarValue(item))
				}
			}
			raw, _ := json.Marshal(items)
			out = append(out, &recordquery.Filter{Field: path, Op: recordquery.Op(op), Value: recordquery.Value{Raw: string(raw), List: list}})
		case "is":
			s, _ := v.(string)
			out = append(out, &recordquery.Filter{Field: path, Op: recordquery.Is, Value: recordquery.IsValue(s)})
		case "isEmptyArray":
			// An empty array is what "is NULL" matches on an array column (Twenty's null
			// equivalent); false is its negation.
			isNull := &recordquery.Filter{Field: path, Op: recordquery.Is, Value: recordquery.IsValue("NULL")}
			if b, _ := v.(bool); b {
				out = append(out, isNull)
			} else {
				out = append(out, &recordquery.Filter{Not: isNull})
			}
		default:
			if !recordquery.Op(op).Valid() {
				return nil, invalidFilter("Operator \"%s\" is not supported", op)
			}
			out = append(out, &recordquery.Filter{Field: path, Op: recordquery.Op(op), Value: scalarValue(v)})
		}
	}
	return out, nil
}

// scalarValue is a filter operand's text: a string as it is (quoted), a number or boolean as
// JSON writes it.
func scalarValue(v any) recordquery.Value {
	switch v := v.(type) {
	case string:
		return recordquery.Value{Raw: v, Quoted: true}
	case bool:
		return recordquery.Value{Raw: strconv.FormatBool(v)}
	case int64:
		return recordquery.Value{Raw: strconv.FormatInt(v, 10)}
	case float64:
		return recordquery.Value{Raw: strconv.FormatFloat(v, 'g', -1, 64)}
	}
	raw, _ := json.Marshal(v)
	return recordquery.Value{Raw: string(raw)}
}

func invalidFilter(format string, args ...any) *engine.QueryError {
	return &engine.QueryError{Code: engine.CodeInvalidFilter, Message: fmt.Sprintf(format, args...)}
}

// orderOf converts an orderBy argument, a list of {Singular}OrderByInput values, into the
// ordering REST builds from ?order_by=: {position: AscNullsFirst} is position, {name: {firstName:
// DescNullsLast}} name.firstName. The keys of one value are read in the object's field order (the
// executor does not keep the document's), so a list of one-key values is the way to order by
// several fields in a given order, as Twenty's clients write it.
func orderOf(t *objectType, items []any) []recordquery.Order {
	var out []recordquery.Order
	for _, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		for _, f := range t.fields {
			key := f.Name
			if f.IsManyToOne() {
				key = f.JoinColumnName()
			}
			v, ok := m[key]
			if !ok || v == nil {
				continue
			}
			if dir, ok := v.(string); ok {
				out = append(out, recordquery.Order{Field: key, Direction: recordquery.Direction(dir)})
				continue
			}
			subs, _ := v.(map[string]any)
			for _, p := range f.Type.Properties() {
				if dir, ok := subs[p.Name].(string); ok {
					out = append(out, recordquery.Order{Field: key + "." + p.Name, Direction: recordquery.Direction(dir)})
				}
			}
		}
	}
	return out
}

// jsonObject returns v, an input object as the executor coerced it, as encoding/json decodes
// JSON (numbers float64), the form the engine validates REST bodies in.
func jsonObject(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("gqlapi: encode input: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("gqlapi: decode input: %w", err)
	}
	return out, nil
}
