package timeline

import (
	"reflect"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// Change is one field's before and after in an activity's diff: Twenty stores an update activity's
// properties as {"diff": {"<field>": {"before": …, "after": …}}}.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// diff is Twenty's objectRecordChangedValues
// (core-modules/event-emitter/utils/object-record-changed-values.ts): for every field of after
// whose value differs from before's, its two values. updatedAt and searchVector never count, nor
// do RELATION fields (a depth 0 record carries their join columns instead, which do count).
// Values compare structurally, a missing value as null, as deep-equal's loose mode does for JSON.
func diff(obj metadata.Object, before, after map[string]any) map[string]Change {
	out := map[string]Change{}
	for k, a := range after {
		if k == "updatedAt" || k == "searchVector" {
			continue
		}
		if f, ok := obj.Field(k); ok && f.Type == metadata.TypeRelation {
			continue
		}
		b := before[k]
		if reflect.DeepEqual(b, a) {
			continue
		}
		out[k] = Change{Before: b, After: a}
	}
	return out
}

// mergeDiffs is Twenty's objectRecordDiffMerge
// (core-modules/event-emitter/utils/object-record-diff-merge.ts), which folds an update into a
// recent activity: a field in both keeps the old before and takes the new after, and is dropped
// when the two are effectively equal (null, "", [] and {} are all "empty"); a field in one only is
// kept as it is. The result is always {"diff": …}, even for activities that had none.
func mergeDiffs(old, recent map[string]Change) map[string]Change {
	out := map[string]Change{}
	skipped := map[string]bool{}
	for k, o := range old {
		n, ok := recent[k]
		if !ok {
			out[k] = o
			continue
		}
		merged := Change{Before: o.Before, After: n.After}
		if reflect.DeepEqual(normalize(merged.Before), normalize(merged.After)) {
			skipped[k] = true
			continue
		}
		out[k] = merged
	}
	for k, n := range recent {
		if _, done := out[k]; !done && !skipped[k] {
			out[k] = n
		}
	}
	return out
}

// empty stands for every empty value in normalize.
const empty = "__empty__"

// normalize is Twenty's normalizeValueForComparison: null, "", [] and {} become one placeholder,
// recursively.
func normalize(v any) any {
	switch v := v.(type) {
	case nil:
		return empty
	case string:
		if v == "" {
			return empty
		}
	case []any:
		if len(v) == 0 {
			return empty
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		if len(v) == 0 {
			return empty
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}
