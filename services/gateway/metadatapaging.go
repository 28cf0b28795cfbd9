package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// metaItem is one object or field of a list: its DTO, which filters and pages read, and its node.
type metaItem struct {
	dto  map[string]any
	node any
}

// metaPaging is a page request of Twenty's metadata connections (MetadataCursorPagination).
type metaPaging struct {
	limit             int
	backward          bool
	afterID, beforeID string
}

// defaultMetaPage is the page a connection answers when paging names no size.
const defaultMetaPage = 10

// parseMetaPaging reads CursorPaging with Twenty's rules and messages
// (pagination/utils/parse-graphql-metadata-pagination.util.ts).
func parseMetaPaging(paging map[string]any) (metaPaging, error) {
	first, hasFirst := paging["first"].(int64)
	last, hasLast := paging["last"].(int64)
	after, hasAfter := paging["after"].(string)
	before, hasBefore := paging["before"].(string)
	bad := func(msg string) (metaPaging, error) {
		return metaPaging{}, graphql.NewError(graphql.CodeBadUserInput, msg)
	}
	switch {
	case hasFirst && hasLast:
		return bad("Cannot use both first and last")
	case hasFirst && hasBefore:
		return bad("Cannot use first with before")
	case hasLast && hasAfter:
		return bad("Cannot use last with after")
	case hasAfter && hasBefore:
		return bad("Cannot use both after and before")
	case first < 0 || last < 0:
		return bad("Page size cannot be negative")
	}
	p := metaPaging{limit: defaultMetaPage, backward: hasLast || hasBefore}
	switch {
	case hasFirst:
		p.limit = int(first)
	case hasLast:
		p.limit = int(last)
	}
	if p.limit > metadataMaxLimit {
		return bad(fmt.Sprintf("Requested page size of %d exceeds the maximum size of %d", p.limit, metadataMaxLimit))
	}
	var err error
	if hasAfter {
		if p.afterID, err = cursorID(after); err != nil {
			return metaPaging{}, err
		}
	}
	if hasBefore {
		if p.beforeID, err = cursorID(before); err != nil {
			return metaPaging{}, err
		}
	}
	return p, nil
}

// cursorID reads the id of a metadata cursor, the base64 of {"id":…}.
func cursorID(cursor string) (string, error) {
	m, err := recordquery.DecodeCursor(cursor)
	id, _ := m["id"].(string)
	if err != nil || !ids.IsUUID(id) {
		return "", graphql.NewError(graphql.CodeBadUserInput, "Invalid cursor: "+cursor)
	}
	return strings.ToLower(id), nil
}

// metaCursor is the cursor of an item with id.
func metaCursor(id string) string {
	return recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "id", Value: id}})
}

// pageByID returns the page of items p selects in Twenty's metadata order, the one REST and
// GraphQL lists share (paginateMetadataItemsById): ids descending; after a cursor the smaller ids,
// before it the greater ones (taken ascending, then shown descending). more tells whether items
// lie beyond the page in its direction. Each API builds its own page info from it.
func pageByID[T any](items []T, id func(T) string, p metaPaging) (window []T, more bool) {
	window = slices.DeleteFunc(slices.Clone(items), func(it T) bool {
		switch {
		case p.afterID != "":
			return id(it) >= p.afterID
		case p.beforeID != "":
			return id(it) <= p.beforeID
		}
		return false
	})
	slices.SortFunc(window, func(a, b T) int {
		if p.backward {
			return strings.Compare(id(a), id(b))
		}
		return strings.Compare(id(b), id(a))
	})
	more = len(window) > p.limit
	window = window[:min(len(window), p.limit)]
	if p.backward {
		slices.Reverse(window)
	}
	return window, more
}

// metaConnection answers a GraphQL connection of the items that filter selects, paged by p
// (pageByID) with Twenty's buildCursorPage page info and base64 cursors.
func metaConnection(items []metaItem, filter map[string]any, p metaPaging) map[string]any {
	selected := slices.DeleteFunc(slices.Clone(items), func(it metaItem) bool { return !matchesMetaFilter(it.dto, filter) })
	id := func(it metaItem) string { return str(it.dto, "id") }
	window, more := pageByID(selected, id, p)
	info := map[string]any{"hasNextPage": more, "hasPreviousPage": p.afterID != "", "startCursor": nil, "endCursor": nil}
	if p.backward {
		info["hasNextPage"], info["hasPreviousPage"] = p.beforeID != "", more
	}
	edges := make([]any, len(window))
	for i, it := range window {
		edges[i] = map[string]any{"node": it.node, "cursor": metaCursor(id(it))}
	}
	if len(window) > 0 {
		info["startCursor"], info["endCursor"] = metaCursor(id(window[0])), metaCursor(id(window[len(window)-1]))
	}
	return map[string]any{"edges": edges, "pageInfo": info, "totalCount": len(selected)}
}

// metaUUIDColumns are the filter fields compared as uuids (lowercased); the others are flags.
var metaUUIDColumns = map[string]bool{"id": true, "objectMetadataId": true}

// matchesMetaFilter reports whether dto passes an ObjectFilter or FieldFilter, as Twenty's
// applyMetadataFilterToItems decides: every member must hold, and of an or, one at least.
func matchesMetaFilter(dto, filter map[string]any) bool {
	for key, v := range filter {
		if v == nil {
			continue
		}
		subs, _ := v.([]any)
		switch key {
		case "and":
			for _, s := range subs {
				if sub, _ := s.(map[string]any); !matchesMetaFilter(dto, sub) {
					return false
				}
			}
		case "or":
			if len(subs) > 0 && !slices.ContainsFunc(subs, func(s any) bool {
				sub, _ := s.(map[string]any)
				return matchesMetaFilter(dto, sub)
			}) {
				return false
			}
		default:
			cmp, _ := v.(map[string]any)
			if !matchesMetaComparison(dto[key], cmp, metaUUIDColumns[key]) {
				return false
			}
		}
	}
	return true
}

// matchesMetaComparison applies the operators of one comparison to value (Twenty's
// matchesMetadataComparison, with uuids and their operands lowercased).
func matchesMetaComparison(value any, cmp map[string]any, uuid bool) bool {
	lower := func(v any) any {
		if s, ok := v.(string); ok && uuid {
			return strings.ToLower(s)
		}
		return v
	}
	value = lower(value)
	s, isString := value.(string)
	for op, operand := range cmp {
		if operand == nil && op != "is" && op != "isNot" {
			continue
		}
		operand = lower(operand)
		o, opString := operand.(string)
		ok := true
		switch op {
		case "eq":
			ok = value == operand
		case "neq":
			ok = value != operand
		case "gt":
			ok = isString && opString && s > o
		case "gte":
			ok = isString && opString && s >= o
		case "lt":
			ok = isString && opString && s < o
		case "lte":
			ok = isString && opString && s <= o
		case "like", "notLike", "iLike", "notILike":
			insensitive, negate := strings.HasPrefix(op, "i") || strings.HasPrefix(op, "notI"), strings.HasPrefix(op, "not")
			ok = isString && opString && matchesLike(s, o, insensitive) != negate
		case "in", "notIn":
			list, _ := operand.([]any)
			ok = slices.ContainsFunc(list, func(e any) bool { return lower(e) == value }) == (op == "in")
		case "is":
			ok = value == operand
		case "isNot":
			ok = value != operand
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchesLike reports whether s matches a SQL LIKE pattern (% any run, _ one character).
func matchesLike(s, pattern string, insensitive bool) bool {
	if insensitive {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	var b strings.Builder
	b.WriteString("^(?:")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}
