package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// variablePattern is a {{path}} reference in a step's input, Twenty's variable syntax.
var variablePattern = regexp.MustCompile(`\{\{\s*([^{}]+?)\s*\}\}`)

// resolveVariables replaces the {{trigger.name.firstName}} and {{<stepId>.id}} references in
// v (a decoded JSON value) with values of vars, as Twenty's resolveInput does: a string that is
// one reference becomes the referenced value as is (an object stays an object), references
// inside a longer string are written as text, and an unknown path resolves to nothing.
func resolveVariables(v any, vars map[string]any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = resolveVariables(x, vars)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = resolveVariables(x, vars)
		}
		return out
	case string:
		if m := variablePattern.FindStringSubmatchIndex(t); m != nil && m[0] == 0 && m[1] == len(t) {
			return lookupPath(vars, t[m[2]:m[3]])
		}
		return variablePattern.ReplaceAllStringFunc(t, func(ref string) string {
			return variableText(lookupPath(vars, variablePattern.FindStringSubmatch(ref)[1]))
		})
	default:
		return v
	}
}

// lookupPath walks a dotted path (object keys, array indexes) through vars.
func lookupPath(vars map[string]any, path string) any {
	var cur any = vars
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// variableText writes a value inside a string: nothing for null, JSON for objects and lists.
func variableText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case map[string]any, []any:
		b, _ := json.Marshal(t)
		return string(b)
	default:
		return fmt.Sprint(t)
	}
}
