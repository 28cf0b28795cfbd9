package recordmatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Signature is Twenty's RecordGqlOperationSignature, as a client registers a query on an event
// stream: the object it lists and the variables of its find-many, of which the filter matters.
type Signature struct {
	ObjectNameSingular string `json:"objectNameSingular"`
	Variables          struct {
		Filter map[string]any `json:"filter"`
	} `json:"variables"`
}

// Query is a registered query ready to match events.
type Query struct {
	Object string
	Filter *recordquery.Filter // nil: every record of Object
}

// ErrSignature is the error of a signature that is not a record query Twenty's clients send.
var ErrSignature = errors.New("recordmatch: invalid operation signature")

// ParseSignature reads a RecordGqlOperationSignature. A signature without objectNameSingular is a
// metadata query's (Twenty's RecordOrMetadataGqlOperationSignature): it gets a Query with no
// Object, which matches no record event.
func ParseSignature(raw []byte) (Query, error) {
	var s Signature
	if err := json.Unmarshal(raw, &s); err != nil {
		return Query{}, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if len(s.Variables.Filter) == 0 {
		return Query{Object: s.ObjectNameSingular}, nil
	}
	f, err := FilterOf(s.Variables.Filter, 0)
	if err != nil {
		return Query{}, err
	}
	if err := f.Validate(); err != nil {
		return Query{}, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return Query{Object: s.ObjectNameSingular, Filter: f}, nil
}

// FilterOf converts a GraphQL filter input value ({Singular}FilterInput as JSON) into the filter
// tree, as the records engine's GraphQL front end does: a field's operators become conditions
// ({city: {eq: "Paris"}}), a composite's sub-fields dotted paths (name.firstName), sibling keys an
// and; values keep their text, a string as it is, a number or boolean as JSON writes it.
func FilterOf(in map[string]any, depth int) (*recordquery.Filter, error) {
	if depth > recordquery.MaxFilterDepth {
		return nil, recordquery.ErrFilterTooDeep
	}
	conds := []*recordquery.Filter{}
	for _, key := range slices.Sorted(maps.Keys(in)) {
		v := in[key]
		if v == nil {
			continue
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
				c, err := FilterOf(m, depth+1)
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
			c, err := FilterOf(m, depth+1)
			if err != nil {
				return nil, err
			}
			conds = append(conds, &recordquery.Filter{Not: c})
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: filter on %q must be an object", ErrSignature, key)
		}
		cs, err := fieldConditions(key, m)
		if err != nil {
			return nil, err
		}
		conds = append(conds, cs...)
	}
	if len(conds) == 1 {
		return conds[0], nil
	}
	return &recordquery.Filter{And: conds}, nil
}

// fieldConditions converts {op: value, …} on path, or a composite's {sub: {op: value}}.
func fieldConditions(path string, m map[string]any) ([]*recordquery.Filter, error) {
	var out []*recordquery.Filter
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if v == nil {
			continue
		}
		op := recordquery.Op(k)
		if sub, ok := v.(map[string]any); ok && !op.Valid() {
			cs, err := fieldConditions(path+"."+k, sub)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			continue
		}
		if !op.Valid() {
			return nil, fmt.Errorf("%w: unknown operator %q on %q", ErrSignature, k, path)
		}
		val, err := operand(op, v)
		if err != nil {
			return nil, fmt.Errorf("%w: %s on %q: %w", ErrSignature, op, path, err)
		}
		out = append(out, &recordquery.Filter{Field: path, Op: op, Value: val})
	}
	return out, nil
}

func operand(op recordquery.Op, v any) (recordquery.Value, error) {
	if op.TakesList() {
		items, ok := v.([]any)
		if !ok {
			return recordquery.Value{}, errors.New("needs a list")
		}
		list := make([]recordquery.Value, 0, len(items))
		for _, it := range items {
			s, err := scalarText(it)
			if err != nil {
				return recordquery.Value{}, err
			}
			list = append(list, recordquery.Value{Raw: s})
		}
		return recordquery.Value{List: list}, nil
	}
	s, err := scalarText(v)
	if err != nil {
		return recordquery.Value{}, err
	}
	if op == recordquery.Is {
		return recordquery.IsValue(s), nil
	}
	_, quoted := v.(string)
	return recordquery.Value{Raw: s, Quoted: quoted}, nil
}

func scalarText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	}
	return "", errors.New("takes a string, number or boolean")
}
