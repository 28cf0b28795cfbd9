package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// This file is IF_ELSE, as Twenty's IfElseWorkflowAction: its input's branches are tried in
// order, a branch without a filter group matching (the else), one with a group matching when
// its filters (stepOutputKey compared with value, both variables resolved) and child groups
// hold under the group's AND or OR. The result is Twenty's {matchingBranchId}; the branch's
// nextStepIds run next. The operands are Twenty's view filter operands (and their deprecated
// camelCase names) for text, numbers, selects and ids; date operands are refused for now.

type ifElseInput struct {
	Branches []struct {
		ID            string   `json:"id"`
		FilterGroupID string   `json:"filterGroupId"`
		NextStepIDs   []string `json:"nextStepIds"`
	} `json:"branches"`
	StepFilterGroups []filterGroup `json:"stepFilterGroups"`
	StepFilters      []stepFilter  `json:"stepFilters"`
}

type filterGroup struct {
	ID                        string  `json:"id"`
	LogicalOperator           string  `json:"logicalOperator"`
	ParentStepFilterGroupID   string  `json:"parentStepFilterGroupId"`
	PositionInStepFilterGroup float64 `json:"positionInStepFilterGroup"`
}

type stepFilter struct {
	Type              string `json:"type"`
	Operand           string `json:"operand"`
	StepOutputKey     any    `json:"stepOutputKey"`
	Value             any    `json:"value"`
	StepFilterGroupID string `json:"stepFilterGroupId"`
}

// deprecatedOperands maps Twenty's older camelCase operands to the current ones.
var deprecatedOperands = map[string]string{
	"is": "IS", "isNot": "IS_NOT", "contains": "CONTAINS", "doesNotContain": "DOES_NOT_CONTAIN",
	"greaterThan": "GREATER_THAN_OR_EQUAL", "lessThan": "LESS_THAN_OR_EQUAL", "greaterThanOrEqual": "GREATER_THAN_OR_EQUAL",
	"lessThanOrEqual": "LESS_THAN_OR_EQUAL", "isEmpty": "IS_EMPTY", "isNotEmpty": "IS_NOT_EMPTY",
}

// ifElse chooses the branch; its input's variables are resolved here, per filter.
func ifElse(step workflowStep, vars map[string]any) (stepOutput, error) {
	raw, _ := json.Marshal(step.input()) // it came from JSON
	var in ifElseInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return stepOutput{}, failStep("Invalid if-else settings: %v", err)
	}
	if len(in.Branches) == 0 {
		return stepOutput{}, failStep("If-else action must have at least one branch")
	}
	for _, b := range in.Branches {
		ok := b.FilterGroupID == ""
		if !ok {
			var err error
			if ok, err = evalGroup(in.StepFilterGroups, in.StepFilters, b.FilterGroupID, 0, vars); err != nil {
				return stepOutput{}, err
			}
		}
		if ok {
			return stepOutput{result: map[string]any{"matchingBranchId": b.ID}}, nil
		}
	}
	return stepOutput{}, failStep("No matching branch found in if-else action")
}

// evalGroup evaluates the filter group id: its filters and child groups under its AND or OR (a
// group without any holds).
func evalGroup(groups []filterGroup, filters []stepFilter, id string, depth int, vars map[string]any) (bool, error) {
	i := slices.IndexFunc(groups, func(g filterGroup) bool { return g.ID == id })
	if i < 0 || depth > 20 {
		return false, failStep("Filter group with id %s not found", id)
	}
	group := groups[i]
	var results []bool
	for _, f := range filters {
		if f.StepFilterGroupID == id {
			ok, err := evalFilter(f, vars)
			if err != nil {
				return false, err
			}
			results = append(results, ok)
		}
	}
	children := slices.DeleteFunc(slices.Clone(groups), func(g filterGroup) bool { return g.ParentStepFilterGroupID != id })
	slices.SortStableFunc(children, func(a, b filterGroup) int {
		return cmp.Compare(a.PositionInStepFilterGroup, b.PositionInStepFilterGroup)
	})
	for _, c := range children {
		ok, err := evalGroup(groups, filters, c.ID, depth+1, vars)
		if err != nil {
			return false, err
		}
		results = append(results, ok)
	}
	if len(results) == 0 {
		return true, nil
	}
	switch group.LogicalOperator {
	case "AND":
		return !slices.Contains(results, false), nil
	case "OR":
		return slices.Contains(results, true), nil
	}
	return false, failStep("Unknown logical operator: %s", group.LogicalOperator)
}

// ifElseNext answers the next steps of the branch an IF_ELSE's result names.
func ifElseNext(step workflowStep, result any) []string {
	r, _ := result.(map[string]any)
	branches, _ := step.input()["branches"].([]any)
	for _, b := range branches {
		m, _ := b.(map[string]any)
		if m != nil && m["id"] == r["matchingBranchId"] {
			return stringsOf(m["nextStepIds"])
		}
	}
	return nil
}

// evalFilter compares a filter's resolved stepOutputKey (left) and value (right).
func evalFilter(f stepFilter, vars map[string]any) (bool, error) {
	left, right := resolveVariables(f.StepOutputKey, vars), resolveVariables(f.Value, vars)
	op := f.Operand
	if o, ok := deprecatedOperands[op]; ok {
		op = o
	}
	numeric := f.Type == "NUMBER" || f.Type == "NUMERIC" || f.Type == "number" || f.Type == "CURRENCY"
	switch op {
	case "IS", "IS_EXACTLY":
		if numeric {
			return toNumber(left) == toNumber(right), nil
		}
		return looselyEqual(left, right), nil
	case "IS_NOT", "IS_NOT_EXACTLY":
		if numeric {
			return toNumber(left) != toNumber(right), nil
		}
		return !looselyEqual(left, right), nil
	case "CONTAINS":
		return contains(left, right), nil
	case "DOES_NOT_CONTAIN":
		return !contains(left, right), nil
	case "GREATER_THAN_OR_EQUAL":
		return toNumber(left) >= toNumber(right), nil
	case "LESS_THAN_OR_EQUAL":
		return toNumber(left) <= toNumber(right), nil
	case "IS_EMPTY":
		return isEmptyValue(left), nil
	case "IS_NOT_EMPTY":
		return !isEmptyValue(left), nil
	}
	return false, failStep("Operand %s not supported here for %s filters", f.Operand, f.Type)
}

func looselyEqual(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	_, am := a.(map[string]any)
	_, bm := b.(map[string]any)
	if am || bm || a == nil || b == nil {
		return false
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func toNumber(v any) float64 {
	switch t := v.(type) {
	case float64:
		return t
	case string:
		f, _ := strconv.ParseFloat(strings.TrimSpace(t), 64)
		return f
	case bool:
		if t {
			return 1
		}
	}
	return 0
}

func isEmptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	}
	return false
}

// contains is Twenty's: any common item of two lists, a JSON list or value given as text
// within a list or string, else substring.
func contains(left, right any) bool {
	if l, ok := left.([]any); ok {
		if r, ok := right.([]any); ok {
			return slices.ContainsFunc(l, func(x any) bool { return slices.ContainsFunc(r, func(y any) bool { return looselyEqual(x, y) }) })
		}
	}
	if s, ok := right.(string); ok {
		var parsed any
		if json.Unmarshal([]byte(s), &parsed) == nil {
			if list, ok := parsed.([]any); ok {
				return slices.ContainsFunc(list, func(x any) bool { return contains(left, x) })
			}
		}
		switch l := left.(type) {
		case []any:
			return slices.ContainsFunc(l, func(x any) bool { return looselyEqual(x, s) })
		case string:
			return strings.Contains(l, s)
		}
	}
	return strings.Contains(variableText(left), variableText(right))
}
