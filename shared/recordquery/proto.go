package recordquery

import (
	"fmt"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// ToProto is q as the records contract carries it.
func ToProto(q *Query) *recordsv1.Query {
	if q == nil {
		return nil
	}
	out := &recordsv1.Query{
		Filter:         filterToProto(q.Filter),
		Limit:          int32(q.Limit),
		Depth:          int32(q.Depth),
		StartingAfter:  q.StartingAfter,
		EndingBefore:   q.EndingBefore,
		Fields:         q.Fields,
		OmitNullValues: q.OmitNullValues,
	}
	for _, o := range q.OrderBy {
		out.OrderBy = append(out.OrderBy, &recordsv1.Order{Field: o.Field, Direction: string(o.Direction)})
	}
	return out
}

func filterToProto(f *Filter) *recordsv1.Filter {
	switch {
	case f == nil:
		return nil
	case f.And != nil:
		return &recordsv1.Filter{Node: &recordsv1.Filter_And{And: listToProto(f.And)}}
	case f.Or != nil:
		return &recordsv1.Filter{Node: &recordsv1.Filter_Or{Or: listToProto(f.Or)}}
	case f.Not != nil:
		return &recordsv1.Filter{Node: &recordsv1.Filter_Not{Not: filterToProto(f.Not)}}
	}
	return &recordsv1.Filter{Node: &recordsv1.Filter_Condition{Condition: &recordsv1.Condition{
		Field: f.Field, Op: string(f.Op), Value: valueToProto(f.Value),
	}}}
}

func listToProto(fs []*Filter) *recordsv1.FilterList {
	out := &recordsv1.FilterList{Filters: make([]*recordsv1.Filter, len(fs))}
	for i, f := range fs {
		out.Filters[i] = filterToProto(f)
	}
	return out
}

func valueToProto(v Value) *recordsv1.Value {
	out := &recordsv1.Value{Raw: v.Raw, Quoted: v.Quoted, Null: v.Null, NotNull: v.NotNull}
	for _, e := range v.List {
		out.List = append(out.List, valueToProto(e))
	}
	return out
}

// FromProto reads a query from the records contract and validates its shape (Query.Validate).
func FromProto(p *recordsv1.Query) (*Query, error) {
	if p == nil {
		return &Query{Limit: DefaultLimit}, nil
	}
	q := &Query{
		Limit:          int(p.GetLimit()),
		Depth:          int(p.GetDepth()),
		StartingAfter:  p.GetStartingAfter(),
		EndingBefore:   p.GetEndingBefore(),
		Fields:         p.GetFields(),
		OmitNullValues: p.GetOmitNullValues(),
	}
	for _, o := range p.GetOrderBy() {
		q.OrderBy = append(q.OrderBy, Order{Field: o.GetField(), Direction: Direction(o.GetDirection())})
	}
	f, err := filterFromProto(p.GetFilter(), 0)
	if err != nil {
		return nil, err
	}
	q.Filter = f
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return q, nil
}

func filterFromProto(p *recordsv1.Filter, depth int) (*Filter, error) {
	if p == nil {
		return nil, nil
	}
	if depth > MaxFilterDepth {
		return nil, fmt.Errorf("recordquery: filter nested more than %d levels", MaxFilterDepth)
	}
	switch n := p.GetNode().(type) {
	case *recordsv1.Filter_And:
		list, err := listFromProto(n.And, depth)
		return &Filter{And: list}, err
	case *recordsv1.Filter_Or:
		list, err := listFromProto(n.Or, depth)
		return &Filter{Or: list}, err
	case *recordsv1.Filter_Not:
		not, err := filterFromProto(n.Not, depth+1)
		if err == nil && not == nil {
			err = fmt.Errorf("recordquery: empty not")
		}
		return &Filter{Not: not}, err
	case *recordsv1.Filter_Condition:
		c := n.Condition
		return &Filter{Field: c.GetField(), Op: Op(c.GetOp()), Value: valueFromProto(c.GetValue())}, nil
	}
	return nil, fmt.Errorf("recordquery: empty filter node")
}

func listFromProto(p *recordsv1.FilterList, depth int) ([]*Filter, error) {
	out := make([]*Filter, 0, len(p.GetFilters()))
	for _, f := range p.GetFilters() {
		g, err := filterFromProto(f, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func valueFromProto(p *recordsv1.Value) Value {
	v := Value{Raw: p.GetRaw(), Quoted: p.GetQuoted(), Null: p.GetNull(), NotNull: p.GetNotNull()}
	for _, e := range p.GetList() {
		v.List = append(v.List, valueFromProto(e))
	}
	return v
}

// GroupByToProto is dims as the records contract carries them.
func GroupByToProto(dims []GroupBy) []*recordsv1.GroupByDimension {
	if dims == nil {
		return nil
	}
	out := make([]*recordsv1.GroupByDimension, len(dims))
	for i, d := range dims {
		p := &recordsv1.GroupByDimension{Field: d.Field}
		switch {
		case d.Date != nil:
			p.By = &recordsv1.GroupByDimension_Date{Date: &recordsv1.DateGrouping{
				Granularity: d.Date.Granularity, TimeZone: d.Date.TimeZone, WeekStartDay: d.Date.WeekStartDay,
			}}
		case d.SubField != "":
			p.By = &recordsv1.GroupByDimension_SubField{SubField: d.SubField}
		}
		out[i] = p
	}
	return out
}

// GroupByFromProto reads the dimensions of a group-by from the records contract.
func GroupByFromProto(p []*recordsv1.GroupByDimension) []GroupBy {
	if p == nil {
		return nil
	}
	out := make([]GroupBy, len(p))
	for i, d := range p {
		out[i] = GroupBy{Field: d.GetField(), SubField: d.GetSubField()}
		if date := d.GetDate(); date != nil {
			out[i].Date = &DateGrouping{Granularity: date.GetGranularity(), TimeZone: date.GetTimeZone(), WeekStartDay: date.GetWeekStartDay()}
		}
	}
	return out
}
