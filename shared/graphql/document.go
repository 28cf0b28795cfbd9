package graphql

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// document is a query document parsed, checked against the limits and validated against the
// schema; or, when errs is set, the errors that stopped it. It is shared between requests and
// never modified.
type document struct {
	doc       *ast.QueryDocument
	fragments map[string]*ast.FragmentDefinition
	errs      []*Error
}

// load returns the document for query from the cache, or parses and validates it and caches the
// outcome (failures too: a client repeating a bad query costs a lookup).
func (s *Schema) load(query string) *document {
	if d, ok := s.cache.get(query); ok {
		return d
	}
	d := s.parse(query)
	s.cache.add(query, d)
	return d
}

// parse parses query, enforces the limits (before validation, whose cost they bound) and validates.
func (s *Schema) parse(query string) *document {
	doc, perr := ParseQuery(query, s.cfg.maxTokens)
	if perr != nil {
		return &document{errs: []*Error{perr}}
	}
	d := &document{doc: doc, fragments: make(map[string]*ast.FragmentDefinition, len(doc.Fragments))}
	for _, f := range doc.Fragments {
		if _, dup := d.fragments[f.Name]; !dup {
			d.fragments[f.Name] = f
		}
	}
	if errs := s.checkLimits(d); len(errs) > 0 {
		return &document{errs: errs}
	}
	if gerrs := validator.ValidateWithRules(s.schema, doc, s.rules); len(gerrs) > 0 {
		var errs []*Error
		for _, e := range gerrs {
			if len(errs) == maxValidationErrors {
				errs = append(errs, NewError(CodeValidationFailed, "Too many validation errors, error limit reached. Validation aborted."))
				break
			}
			errs = append(errs, fromGQLError(e, CodeValidationFailed, ""))
		}
		return &document{errs: errs}
	}
	return d
}

// maxValidationErrors is how many validation errors a response reports at most, as in graphql-js.
const maxValidationErrors = 100

// maxSameResponseKey is how many times one response key may be selected in one selection set,
// fragments expanded. Validation compares the fields of a key pairwise (OverlappingFieldsCanBeMerged),
// so without it 2,000 copies of one field cost a second of CPU; with it, the worst document
// allowed by the other limits validates in tens of milliseconds.
const maxSameResponseKey = 30

// maxSpreadsPerSelection is how many fragment spreads one selection set may have. Validation
// compares the fragments spread in a selection set pairwise (OverlappingFieldsCanBeMerged): 600
// spreads cost 200 MB and 190 ms; 64 cost about 2 ms. Twenty's clients spread a handful.
const maxSpreadsPerSelection = 64

// checkLimits enforces the field count, depth and root field limits on every operation of d. The
// document is not validated yet: unknown fragments are ignored and fragment cycles cut.
func (s *Schema) checkLimits(d *document) []*Error {
	if limit := s.cfg.maxFields; limit > 0 {
		// Fields are counted as executed, each fragment spread counting its fragment's fields: k
		// aliases spreading a fragment of k fields run k×k fields from a document of size 2k.
		memo := make(map[string]int)
		n := 0
		for _, op := range d.doc.Operations {
			n = min(n+d.countFields(op.SelectionSet, memo, limit), limit+1)
		}
		for _, f := range d.doc.Fragments {
			n = min(n+countSelections(f.SelectionSet), limit+1)
		}
		if n > limit {
			return []*Error{NewError(CodeValidationFailed,
				fmt.Sprintf("The document has more than %d fields, fragments expanded.", limit))}
		}
	}
	if err := d.checkRepeatedKeys(); err != nil {
		return []*Error{err}
	}
	var errs []*Error
	depths := make(map[string]int) // fragment name → depth; -1 while being computed
	for _, op := range d.doc.Operations {
		if limit := s.cfg.maxDepth; limit > 0 {
			if depth := d.depth(op.SelectionSet, depths); depth > limit {
				errs = append(errs, limitError(op, fmt.Sprintf("has a depth of %d, more than the maximum of %d.", depth, limit)))
			}
		}
		if limit := s.cfg.maxRootFields; limit > 0 {
			if n := d.countRootFields(op.SelectionSet, map[string]bool{}); n > limit {
				errs = append(errs, limitError(op, fmt.Sprintf("has %d root fields, more than the maximum of %d.", n, limit)))
			}
		}
	}
	return errs
}

func limitError(op *ast.OperationDefinition, what string) *Error {
	name := "The operation"
	if op.Name != "" {
		name = fmt.Sprintf("Operation %q", op.Name)
	}
	e := NewError(CodeValidationFailed, name+" "+what)
	if op.Position != nil {
		e.Locations = []Location{{Line: op.Position.Line, Column: op.Position.Column}}
	}
	return e
}

// countSelections counts the fields and fragment spreads written in set, fragments not expanded.
func countSelections(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n += 1 + countSelections(sel.SelectionSet)
		case *ast.FragmentSpread:
			n++
		case *ast.InlineFragment:
			n += countSelections(sel.SelectionSet)
		}
	}
	return n
}

// countFields counts the fields and fragment spreads of set with every fragment spread also
// counting its fragment's fields, saturating past limit. memo holds each fragment's count (-1
// while being computed: a cycle, which validation reports, counts nothing).
func (d *document) countFields(set ast.SelectionSet, memo map[string]int, limit int) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n += 1 + d.countFields(sel.SelectionSet, memo, limit)
		case *ast.InlineFragment:
			n += d.countFields(sel.SelectionSet, memo, limit)
		case *ast.FragmentSpread:
			n++
			c, seen := memo[sel.Name]
			if !seen {
				if f := d.fragments[sel.Name]; f != nil {
					memo[sel.Name] = -1
					c = d.countFields(f.SelectionSet, memo, limit)
					memo[sel.Name] = c
				}
			}
			n += max(c, 0)
		}
		if n > limit {
			return limit + 1
		}
	}
	return n
}

// depth returns how deeply fields nest in set, fragments inlined, ignoring fields named "__…" and
// what they select. depths memoizes fragments, so a fragment spread many times is walked once.
func (d *document) depth(set ast.SelectionSet, depths map[string]int) int {
	deepest := 0
	for _, sel := range set {
		n := 0
		switch sel := sel.(type) {
		case *ast.Field:
			if !strings.HasPrefix(sel.Name, "__") {
				n = 1 + d.depth(sel.SelectionSet, depths)
			}
		case *ast.InlineFragment:
			n = d.depth(sel.SelectionSet, depths)
		case *ast.FragmentSpread:
			fd, seen := depths[sel.Name]
			switch {
			case seen && fd >= 0:
				n = fd
			case seen: // a cycle, which validation reports
			default:
				if f := d.fragments[sel.Name]; f != nil {
					depths[sel.Name] = -1
					n = d.depth(f.SelectionSet, depths)
					depths[sel.Name] = n
				}
			}
		}
		deepest = max(deepest, n)
	}
	return deepest
}

// checkRepeatedKeys enforces maxSameResponseKey on every selection set of d.
func (d *document) checkRepeatedKeys() *Error {
	memo := make(map[string]map[string]int) // fragment name → its keys; nil while being computed
	var check func(set ast.SelectionSet) *Error
	check = func(set ast.SelectionSet) *Error {
		spreads := 0
		for _, sel := range set {
			if _, ok := sel.(*ast.FragmentSpread); ok {
				spreads++
			}
		}
		if spreads > maxSpreadsPerSelection {
			return NewError(CodeValidationFailed, fmt.Sprintf(
				"A selection set spreads %d fragments, more than the maximum of %d.", spreads, maxSpreadsPerSelection))
		}
		counts := make(map[string]int)
		d.countKeys(set, counts, memo)
		for key, n := range counts {
			if n > maxSameResponseKey {
				return NewError(CodeValidationFailed, fmt.Sprintf(
					"The field %q is selected more than %d times in one selection set.", key, maxSameResponseKey))
			}
		}
		for _, sel := range set {
			var sub ast.SelectionSet
			switch sel := sel.(type) {
			case *ast.Field:
				sub = sel.SelectionSet
			case *ast.InlineFragment:
				sub = sel.SelectionSet
			}
			if len(sub) > 0 {
				if err := check(sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, op := range d.doc.Operations {
		if err := check(op.SelectionSet); err != nil {
			return err
		}
	}
	for _, f := range d.doc.Fragments {
		if err := check(f.SelectionSet); err != nil {
			return err
		}
	}
	return nil
}

// countKeys adds to counts how often each response key is selected in set, inline fragments and
// fragment spreads expanded. Counts stop at maxSameResponseKey+1. A fragment spread twice through
// different paths counts twice, which only overestimates; cycles are cut.
func (d *document) countKeys(set ast.SelectionSet, counts map[string]int, memo map[string]map[string]int) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			counts[sel.Alias] = min(counts[sel.Alias]+1, maxSameResponseKey+1)
		case *ast.InlineFragment:
			d.countKeys(sel.SelectionSet, counts, memo)
		case *ast.FragmentSpread:
			keys, seen := memo[sel.Name]
			if !seen {
				f := d.fragments[sel.Name]
				if f == nil {
					continue
				}
				memo[sel.Name] = nil
				keys = make(map[string]int)
				d.countKeys(f.SelectionSet, keys, memo)
				memo[sel.Name] = keys
			}
			for k, n := range keys {
				counts[k] = min(counts[k]+n, maxSameResponseKey+1) // saturate: spreads can double at each level
			}
		}
	}
}

// countRootFields counts the fields of set other than __typename, expanding each fragment once.
func (d *document) countRootFields(set ast.SelectionSet, visited map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name != "__typename" {
				n++
			}
		case *ast.InlineFragment:
			n += d.countRootFields(sel.SelectionSet, visited)
		case *ast.FragmentSpread:
			if f := d.fragments[sel.Name]; f != nil && !visited[sel.Name] {
				visited[sel.Name] = true
				n += d.countRootFields(f.SelectionSet, visited)
			}
		}
	}
	return n
}
