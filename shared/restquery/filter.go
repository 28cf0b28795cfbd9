package restquery

import (
	"strings"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// The filter grammar, as Twenty reads it (filter-parser-utils/ in Twenty's input-request-parsers):
//
//	filter      = conjunction | condition ("," condition)*    a list is and(list)
//	conjunction = ("and" | "or" | "not") "(" item ("," item)* ")"
//	item        = conjunction | condition
//	condition   = field "[" comparator "]:" value
//
// Twenty does not tokenize. It checks that parentheses balance, wraps a filter without any in
// and(…), then recursively takes a string that starts with a conjunction's name and "(" and ends
// with ")" as that conjunction, splitting its inside at commas that are at the first parenthesis
// level and outside brackets and quotes; any other string is a condition. The functions below do
// the same, so that odd input gets the same reading or the same message as from Twenty.

// comparatorList is the list in Twenty's unknown-comparator message.
var comparatorList = func() string {
	var names []string
	for _, op := range recordquery.Ops() {
		names = append(names, string(op))
	}
	return strings.Join(names, ", ")
}()

// ParseFilter parses a REST filter, as field[comparator]:value, a comma-separated list of those
// (all of which must hold), or and(…), or(…) and not(…) of those, nested:
//
//	or(createdAt[gte]:"2024-01-01",createdAt[lte]:"2023-01-01",not(id[is]:NULL))
//
// A composite field's sub-field is field.subField. Values are the text after "]:"; one pair of
// surrounding quotes, single or double, is removed. in and containsAny take a list, [a,b],
// split at every comma; is takes NULL or NOT_NULL (checked by the engine). A list of conditions
// without a conjunction comes back as an And node, as Twenty reads it.
//
// Malformed filters get Twenty's 400 messages. Two are this package's: a filter longer than
// MaxParamLen, and conjunctions nested deeper than recordquery.MaxFilterDepth.
//
// An error is a *BadRequest.
func ParseFilter(s string) (*recordquery.Filter, error) {
	if len(s) > MaxParamLen {
		return nil, tooLong("filter")
	}
	// check-filter-query.util.ts
	if diff := strings.Count(s, "(") - strings.Count(s, ")"); diff != 0 {
		kind := "close"
		if diff < 0 {
			kind, diff = "open", -diff
		}
		plural := " is"
		if diff > 1 {
			plural = "s are"
		}
		return nil, badRequestf("'filter' invalid. %d %s bracket%s missing in the query", diff, kind, plural)
	}
	// add-default-conjunction.util.ts
	if !strings.Contains(s, "(") || !strings.Contains(s, ")") {
		s = "and(" + s + ")"
	}
	return parseFilterNode(s, 0)
}

// parseFilterNode parses a conjunction or a condition (parse-filter.util.ts). depth counts the
// conjunctions above s.
func parseFilterNode(s string, depth int) (*recordquery.Filter, error) {
	conj, ok := matchConjunction(s)
	if !ok {
		return parseCondition(s)
	}
	if depth >= recordquery.MaxFilterDepth {
		return nil, badRequestf("'filter' invalid. Conjunctions are nested more than %d levels deep", recordquery.MaxFilterDepth)
	}
	parts := splitFilterContent(s)
	children := make([]*recordquery.Filter, 0, len(parts))
	for _, p := range parts {
		c, err := parseFilterNode(p, depth+1)
		if err != nil {
			return nil, err
		}
		children = append(children, c)
	}
	switch conj {
	case "not":
		if len(children) > 1 {
			return nil, badRequestf("'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)")
		}
		return &recordquery.Filter{Not: children[0]}, nil
	case "or":
		return &recordquery.Filter{Or: children}, nil
	default:
		return &recordquery.Filter{And: children}, nil
	}
}

// matchConjunction reports whether s is a conjunction, as Twenty's /^(or|and|not)\((.+)\)$/
// decides: a name, "(", at least one character other than a line terminator, and a final ")".
func matchConjunction(s string) (string, bool) {
	for _, name := range []string{"or", "and", "not"} {
		if len(s) >= len(name)+3 && strings.HasPrefix(s, name) && s[len(name)] == '(' && s[len(s)-1] == ')' &&
			!hasLineTerminator(s) {
			return name, true
		}
	}
	return "", false
}

// hasLineTerminator reports whether s holds a character that JavaScript's regular-expression dot
// does not match: LF, CR, U+2028 or U+2029.
func hasLineTerminator(s string) bool {
	return strings.ContainsAny(s, "\n\r\u2028\u2029")
}

// splitFilterContent returns the items of a conjunction (parse-filter-content.util.ts): the
// characters inside its parentheses, split at the commas that are at the first parenthesis level
// and, as far as a toggle per kind can tell, outside brackets, double quotes and single quotes.
// Characters outside every parenthesis are dropped.
func splitFilterContent(s string) []string {
	var (
		parts                          []string
		cur                            strings.Builder
		level                          int
		inBrackets, inDouble, inSingle bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		keep := level >= 1
		switch c {
		case '(':
			level++
		case ')':
			level--
			keep = level >= 1
		case '[', ']':
			inBrackets = !inBrackets
		case '"':
			inDouble = !inDouble
		case '\'':
			inSingle = !inSingle
		case ',':
			if level == 1 && !inBrackets && !inDouble && !inSingle {
				parts = append(parts, cur.String())
				cur.Reset()
				keep = false
			}
		}
		if keep {
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

// parseCondition parses field[comparator]:value (parse-base-filter.util.ts and
// format-field-values.util.ts).
func parseCondition(s string) (*recordquery.Filter, error) {
	if !matchCondition(s) {
		return nil, badRequestf("'filter' invalid for '%s'. eg: price[gte]:10", s)
	}
	// Twenty's scan: the field runs to the first '['; the comparator from there to the next
	// ']'; the value from the first ':' met outside the comparator to the end.
	var field, comparator, value strings.Builder
	inField, inComparator, inValue := true, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inValue {
			value.WriteByte(c)
		}
		if c == ']' && !inValue {
			inComparator = false
		}
		if c == ':' && !inComparator {
			inValue = true
		}
		if inComparator {
			comparator.WriteByte(c)
		}
		if c == '[' && inField {
			inField, inComparator = false, true
		}
		if inField {
			field.WriteByte(c)
		}
	}
	op := recordquery.Op(comparator.String())
	if !op.Valid() {
		return nil, badRequestf("'filter' invalid for '%s', comparator %s not in %s", s, op, comparatorList)
	}
	v, err := parseValue(value.String(), op)
	if err != nil {
		return nil, err
	}
	return &recordquery.Filter{Field: field.String(), Op: op, Value: v}, nil
}

// matchCondition reports whether s matches Twenty's /^(.+)\[(.+)\]:(.+)$/: no line terminator, a
// '[' after the first character, and "]:" at least two characters after it with at least one
// character after it.
func matchCondition(s string) bool {
	if len(s) < 6 || hasLineTerminator(s) {
		return false
	}
	open := strings.IndexByte(s[1:], '[')
	if open < 0 {
		return false
	}
	open++
	closing := strings.LastIndex(s[:len(s)-1], "]:")
	return closing >= open+2
}

// parseValue types a condition's value text for op (format-field-values.util.ts, without field
// metadata, as Twenty's REST parser calls it).
func parseValue(raw string, op recordquery.Op) (recordquery.Value, error) {
	switch {
	case op.TakesList():
		if raw == "" || raw[0] != '[' || raw[len(raw)-1] != ']' {
			return recordquery.Value{}, badRequestf(
				"'filter' invalid for '%s' operator. Received '%s' but array value expected eg: 'field[%s]:[value_1,value_2]'",
				op, raw, op)
		}
		var items []recordquery.Value
		for _, item := range strings.Split(raw[1:len(raw)-1], ",") {
			items = append(items, unquote(item))
		}
		return recordquery.Value{Raw: raw, List: items}, nil
	case op == recordquery.Is:
		return recordquery.IsValue(raw), nil
	default:
		return unquote(raw), nil
	}
}

// unquote removes one pair of surrounding quotes, either kind at either end, as Twenty does.
func unquote(s string) recordquery.Value {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && (s[len(s)-1] == '"' || s[len(s)-1] == '\'') {
		return recordquery.Value{Raw: s[1 : len(s)-1], Quoted: true}
	}
	return recordquery.Value{Raw: s}
}
