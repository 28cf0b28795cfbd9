package gqlapi

import (
	"encoding/json"
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// plan is what a selection reads of one object's records: the fields to project and the
// relations to load, each with the plan of its related records. Selections of the same relation
// under several aliases merge into one plan; a ONE_TO_MANY relation selected with different
// arguments has one plan per set of arguments.
type plan struct {
	t *objectType
	// fields is the engine's projection: the fields selected ("id" always, a relation's field for
	// its join column).
	fields []string
	// toOne maps a MANY_TO_ONE relation field to the plan of its records.
	toOne map[string]*plan
	// toMany maps a ONE_TO_MANY relation field and its arguments (relationKey) to its plan.
	toMany map[string]*manyPlan
}

// manyPlan is one ONE_TO_MANY relation selected with one set of arguments.
type manyPlan struct {
	field metadata.Field
	// key is relationKey(field name, args).
	key    string
	args   map[string]any
	target *plan
	// aggregates are the aggregate fields selected under it, totalCount included.
	aggregates []string
	// limit is the most records a parent shows (QUERY_MAX_RECORDS_FROM_RELATION when 0).
	limit int
}

func newPlan(t *objectType) *plan {
	return &plan{t: t, fields: []string{"id"}, toOne: map[string]*plan{}, toMany: map[string]*manyPlan{}}
}

// project adds a field to the projection.
func (p *plan) project(name string) {
	if !slices.Contains(p.fields, name) {
		p.fields = append(p.fields, name)
	}
}

// depth is the engine depth to read the plan's records at: 1 embeds their MANY_TO_ONE
// relations in the same statement when some are selected.
func (p *plan) depth() int {
	if len(p.toOne) > 0 {
		return 1
	}
	return 0
}

// shape is the engine shape of the plan's records.
func (p *plan) shape() engine.Shape {
	return engine.Shape{Depth: p.depth(), Fields: slices.Clone(p.fields)}
}

// relationKey identifies a ONE_TO_MANY selection: its field and its arguments, as the executor
// coerced them (the same for SelectedField.Args and Object.Field's args).
func relationKey(field string, args map[string]any) string {
	if len(args) == 0 {
		return field + "{}"
	}
	b, err := json.Marshal(args) // maps encode with sorted keys
	if err != nil {
		return field + "{?}"
	}
	return field + string(b)
}

// planOf returns the plan of the selections of a record of type t.
func (m *model) planOf(t *objectType, sels []*graphql.SelectedField) *plan {
	p := newPlan(t)
	m.addSelections(p, sels)
	return p
}

// addSelections adds to p what sels, selections of a record of p's type, read.
func (m *model) addSelections(p *plan, sels []*graphql.SelectedField) {
	for _, sf := range sels {
		if f, ok := p.t.joins[sf.Name]; ok {
			p.project(f.Name)
			continue
		}
		f, ok := p.t.field(sf.Name)
		if !ok {
			continue // __typename
		}
		switch {
		case f.IsManyToOne():
			p.project(f.Name)
			target, ok := m.target(f)
			if !ok {
				continue
			}
			sub := p.toOne[f.Name]
			if sub == nil {
				sub = newPlan(target)
				p.toOne[f.Name] = sub
			}
			m.addSelections(sub, sf.Selections)
		case f.Type.IsRelation():
			target, ok := m.target(f)
			if !ok {
				continue
			}
			key := relationKey(f.Name, sf.Args)
			mp := p.toMany[key]
			if mp == nil {
				mp = &manyPlan{field: f, key: key, args: sf.Args, target: newPlan(target)}
				p.toMany[key] = mp
			}
			nodes, aggs := connectionNodes(sf.Selections)
			for _, a := range aggs {
				if !slices.Contains(mp.aggregates, a) {
					mp.aggregates = append(mp.aggregates, a)
				}
			}
			m.addSelections(mp.target, nodes)
		default:
			p.project(f.Name)
		}
	}
}

// connectionNodes returns the selections of the records of a connection (edges { node { … } }
// under every alias, merged) and the aggregate fields selected on it (totalCount, countEmptyX,
// …), each once, in the order selected.
func connectionNodes(sels []*graphql.SelectedField) (nodes []*graphql.SelectedField, aggregates []string) {
	for _, sf := range sels {
		switch sf.Name {
		case "edges":
			for _, e := range sf.Selections {
				if e.Name == "node" {
					nodes = append(nodes, e.Selections...)
				}
			}
		case "pageInfo", "groupByDimensionValues", "__typename":
		default:
			if !slices.Contains(aggregates, sf.Name) {
				aggregates = append(aggregates, sf.Name)
			}
		}
	}
	return nodes, aggregates
}

// capRelations sets the most records each parent shows of the ONE_TO_MANY relations p loads, at
// every level.
func (p *plan) capRelations(limit int) {
	for _, sub := range p.toOne {
		sub.capRelations(limit)
	}
	for _, mp := range p.toMany {
		mp.limit = limit
		mp.target.capRelations(limit)
	}
}
