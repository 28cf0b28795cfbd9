package gqlapi

import (
	"context"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// maxComplexity is Twenty's COMMON_QUERY_COMPLEXITY_LIMIT: the most complex query one root
// field runs.
const maxComplexity = 2000

// Twenty's messages for a query too complex (validateQueryComplexity in
// common/common-query-runners/common-base-query-runner.service.ts).
const msgNestedToMany = "Query complexity is too high. One-to-Many relation cannot be nested in another One-to-Many relation."

func msgTooComplex(complexity, limit int) *engine.QueryError {
	return queryError(engine.CodeTooComplex,
		"Query complexity is too high. Please, reduce the amount of relation fields requested. Query complexity: %d. Maximum complexity: %d.",
		complexity, limit)
}

// shape is what a root field's selection selects: records, or connections of records.
type shape int

const (
	recordShape shape = iota
	connectionShape
	// ownShape is a root field that checks its complexity itself (the group-by, whose
	// complexity depends on its arguments).
	ownShape
)

// relationCount is what Twenty's selected-fields parser counts of a selection
// (graphql-selected-fields.parser.ts and graphql-selected-fields-relation.parser.ts).
type relationCount struct {
	// relations is the number of relation fields selected, at every level; the same field
	// selected under several aliases counts once, as graphql-fields merges them.
	relations int
	// nestedToMany reports a ONE_TO_MANY relation selected below another.
	nestedToMany bool
}

// countRelations counts the relations that sels, selections of records of t, select.
// belowToMany tells whether the records are those of a ONE_TO_MANY relation.
func (m *model) countRelations(t *objectType, sels []*graphql.SelectedField, belowToMany bool) relationCount {
	var c relationCount
	for _, sf := range mergeByName(sels) {
		f, ok := t.field(sf.Name)
		if !ok || !f.Type.IsRelation() {
			continue
		}
		target, ok := m.target(f)
		if !ok {
			continue
		}
		c.relations++
		toMany := !f.IsManyToOne()
		if toMany && belowToMany {
			c.nestedToMany = true
		}
		sub := sf.Selections
		if toMany {
			sub, _ = connectionNodes(sf.Selections)
		}
		inner := m.countRelations(target, sub, belowToMany || toMany)
		c.relations += inner.relations
		c.nestedToMany = c.nestedToMany || inner.nestedToMany
	}
	return c
}

// mergeByName merges the selections of the same field under several aliases, as graphql-fields
// gives Twenty's parser one entry per field name.
func mergeByName(sels []*graphql.SelectedField) []*graphql.SelectedField {
	var out []*graphql.SelectedField
	index := map[string]int{}
	for _, sf := range sels {
		i, ok := index[sf.Name]
		if !ok {
			index[sf.Name] = len(out)
			out = append(out, &graphql.SelectedField{Name: sf.Name, Alias: sf.Name, Args: sf.Args, Selections: sf.Selections})
			continue
		}
		merged := *out[i]
		merged.Selections = append(append([]*graphql.SelectedField{}, merged.Selections...), sf.Selections...)
		out[i] = &merged
	}
	return out
}

// checkComplexity is Twenty's validateQueryComplexity for a root field on t: a ONE_TO_MANY
// relation below another is refused, then the complexity, computed by complexityOf from the
// relations selected, must be at most the limit. Both are TOO_COMPLEX_QUERY.
func (m *model) checkComplexity(c relationCount, complexityOf func(relations int) int) error {
	if c.nestedToMany {
		return queryError(engine.CodeTooComplex, "%s", msgNestedToMany)
	}
	if n := complexityOf(c.relations); n > m.complexityLimit {
		return msgTooComplex(n, m.complexityLimit)
	}
	return nil
}

// baseComplexity is Twenty's computeQueryComplexity of every operation but the group-by: one,
// plus one per relation selected.
func baseComplexity(relations int) int { return 1 + relations }

// checkSelection checks the complexity of the root field on t whose resolver got ctx, from its
// selection of the given shape.
func (m *model) checkSelection(ctx context.Context, t *objectType, s shape) error {
	sels := graphql.SelectedFields(ctx)
	if s == connectionShape {
		sels, _ = connectionNodes(sels)
	}
	return m.checkComplexity(m.countRelations(t, sels, false), baseComplexity)
}
