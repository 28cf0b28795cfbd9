package workflowgraph

import (
	"encoding/json"
	"slices"
	"strconv"
)

// Difference is one change between two JSON values, as microdiff (which Twenty's
// computeWorkflowVersionStepChanges uses) reports it: CREATE (value), REMOVE (oldValue) or
// CHANGE (value and oldValue) at path (object keys and array indexes).
type Difference struct {
	Type     string
	Path     []any
	Value    any
	OldValue any
}

// MarshalJSON writes the difference with the members microdiff gives its type.
func (d Difference) MarshalJSON() ([]byte, error) {
	m := map[string]any{"type": d.Type, "path": d.Path}
	switch d.Type {
	case "CREATE":
		m["value"] = d.Value
	case "REMOVE":
		m["oldValue"] = d.OldValue
	default:
		m["value"], m["oldValue"] = d.Value, d.OldValue
	}
	return json.Marshal(m)
}

// Diff is microdiff(a, b) on JSON values (a and b objects or arrays). Object keys are visited in
// sorted order (JSON decoded into Go maps has no other), so the differences of one object come
// sorted by key where microdiff keeps insertion order; each difference is the same.
func Diff(a, b any) []Difference {
	var out []Difference
	diffInto(&out, nil, a, b)
	return out
}

func diffInto(out *[]Difference, path []any, a, b any) {
	at := func(k any) []any { return append(slices.Clone(path), k) }
	compare := func(key any, x, y any) {
		xm, xIsMap := x.(map[string]any)
		ym, yIsMap := y.(map[string]any)
		xs, xIsSlice := x.([]any)
		ys, yIsSlice := y.([]any)
		switch {
		case xIsMap && yIsMap && xm != nil && ym != nil:
			diffInto(out, at(key), xm, ym)
		case xIsSlice && yIsSlice && xs != nil && ys != nil:
			diffInto(out, at(key), xs, ys)
		case !equalScalar(x, y):
			*out = append(*out, Difference{Type: "CHANGE", Path: at(key), Value: y, OldValue: x})
		}
	}
	switch av := a.(type) {
	case map[string]any:
		bv, _ := b.(map[string]any)
		keys := sortedKeys(av)
		for _, k := range keys {
			y, ok := bv[k]
			if !ok {
				*out = append(*out, Difference{Type: "REMOVE", Path: at(k), OldValue: av[k]})
				continue
			}
			compare(k, av[k], y)
		}
		for _, k := range sortedKeys(bv) {
			if _, ok := av[k]; !ok {
				*out = append(*out, Difference{Type: "CREATE", Path: at(k), Value: bv[k]})
			}
		}
	case []any:
		bv, _ := b.([]any)
		for i, x := range av {
			if i >= len(bv) {
				*out = append(*out, Difference{Type: "REMOVE", Path: at(i), OldValue: x})
				continue
			}
			compare(i, x, bv[i])
		}
		for i := len(av); i < len(bv); i++ {
			*out = append(*out, Difference{Type: "CREATE", Path: at(i), Value: bv[i]})
		}
	}
}

// equalScalar is JS's === on JSON values that are not both objects (or both arrays): two
// distinct objects are never equal.
func equalScalar(x, y any) bool {
	switch xv := x.(type) {
	case nil:
		return y == nil
	case string, bool:
		return x == y
	case float64:
		yv, ok := y.(float64)
		return ok && xv == yv
	case json.Number:
		yv, ok := y.(json.Number)
		if !ok {
			return false
		}
		a, errA := strconv.ParseFloat(string(xv), 64)
		b, errB := strconv.ParseFloat(string(yv), 64)
		return errA == nil && errB == nil && a == b
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// StepChanges are Twenty's WorkflowVersionStepChanges: the microdiff of {trigger} and of {steps}
// before and after an edit. A nil after means that part was not edited (an empty diff).
type StepChanges struct {
	TriggerDiff []Difference `json:"triggerDiff"`
	StepsDiff   []Difference `json:"stepsDiff"`
}

// ComputeStepChanges is computeWorkflowVersionStepChanges. triggerEdited tells a trigger set to
// null from one left alone.
func ComputeStepChanges(oldTrigger Step, oldSteps []Step, newTrigger Step, triggerEdited bool, newSteps []Step) StepChanges {
	c := StepChanges{TriggerDiff: []Difference{}, StepsDiff: []Difference{}}
	if triggerEdited {
		c.TriggerDiff = nonNil(Diff(map[string]any{"trigger": jsonValue(oldTrigger)}, map[string]any{"trigger": jsonValue(newTrigger)}))
	}
	if newSteps != nil {
		c.StepsDiff = nonNil(Diff(map[string]any{"steps": jsonValue(oldSteps)}, map[string]any{"steps": jsonValue(newSteps)}))
	}
	return c
}

func nonNil(d []Difference) []Difference {
	if d == nil {
		return []Difference{}
	}
	return d
}

// jsonValue is v as encoding/json decodes JSON (maps, []any, float64), nil for nil.
func jsonValue(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case Step:
		if t == nil {
			return nil
		}
		return t
	case []Step:
		if t == nil {
			return nil
		}
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out
	}
	return v
}
