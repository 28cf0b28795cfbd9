package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
)

// countingBatcher counts the batches and statements sent to a database.
type countingBatcher struct {
	db             *d1.DB
	batches, stmts int
}

func (c *countingBatcher) Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error) {
	c.batches++
	c.stmts += len(stmts)
	return c.db.Batch(ctx, stmts...)
}

// aggregatesMap is a page's aggregates by name.
func aggregatesMap(p *Page) map[string]any {
	out := map[string]any{}
	for _, a := range p.Aggregates {
		out[a.Name] = a.Value
	}
	return out
}

func TestFindManyAggregates(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	tests := []struct {
		name, object, params string
		aggregates           []string
		wantTotal            int
		want                 map[string]any
	}{
		{
			name: "people: counts, percentages and dates over every live record", object: "person", params: "limit=1",
			aggregates: []string{"totalCount", "countEmptyCity", "countNotEmptyCity", "countUniqueValuesCity", "percentageEmptyCity",
				"percentageNotEmptyCity", "minCreatedAt", "maxCreatedAt", "countNotEmptyName", "countEmptyJobTitle"},
			wantTotal: 4,
			want: map[string]any{"totalCount": "4", "countEmptyCity": "1", "countNotEmptyCity": "3", "countUniqueValuesCity": "3",
				"percentageEmptyCity": "0.25000000000000000000", "percentageNotEmptyCity": "0.75000000000000000000",
				"minCreatedAt": "2024-01-01T10:00:00.000Z", "maxCreatedAt": "2024-01-04T10:00:00.000Z", "countNotEmptyName": "4", "countEmptyJobTitle": "2"},
		},
		{
			name: "the filter's records only", object: "person", params: "filter=city[eq]:London",
			aggregates: []string{"countUniqueValuesCity", "minCreatedAt"}, wantTotal: 1,
			want: map[string]any{"countUniqueValuesCity": "1", "minCreatedAt": "2024-01-01T10:00:00.000Z"},
		},
		{
			name: "soft-deleted records when the filter names deletedAt", object: "company", params: "filter=deletedAt[is]:NOT_NULL",
			aggregates: []string{"totalCount", "countNotEmptyName"}, wantTotal: 1,
			want: map[string]any{"totalCount": "1", "countNotEmptyName": "1"},
		},
		{
			name: "numbers, booleans, currencies and dates", object: "pet",
			aggregates: []string{"sumWeight", "avgWeight", "minWeight", "maxWeight", "countTrueVaccinated", "countFalseVaccinated",
				"sumPriceAmountMicros", "avgPriceAmountMicros", "minBorn", "maxBorn"},
			wantTotal: 3,
			want: map[string]any{"sumWeight": 34.5, "avgWeight": 17.25, "minWeight": int64(4), "maxWeight": 30.5,
				"countTrueVaccinated": "1", "countFalseVaccinated": "1", "sumPriceAmountMicros": "1500000",
				"avgPriceAmountMicros": "1500000.000000000000", "minBorn": "2015-01-01T00:00:00.000Z", "maxBorn": "2019-05-01T00:00:00.000Z"},
		},
		{
			name: "no record: counts and percentages null, totalCount 0", object: "person", params: "filter=city[eq]:Nowhere",
			aggregates: []string{"totalCount", "countEmptyCity", "percentageEmptyCity", "maxCreatedAt"}, wantTotal: 0,
			want: map[string]any{"totalCount": "0", "countEmptyCity": nil, "percentageEmptyCity": nil, "maxCreatedAt": nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &countingBatcher{db: db}
			var e Engine
			page, err := e.FindManyWith(t.Context(), db, wsA, object(t, tt.object), objects(), parse(t, tt.params), FindOptions{Aggregates: tt.aggregates})
			if err != nil {
				t.Fatalf("FindManyWith: %v", err)
			}
			if diff := cmp.Diff(tt.want, aggregatesMap(page)); diff != "" {
				t.Errorf("aggregates (-want +got):\n%s", diff)
			}
			if page.TotalCount != tt.wantTotal {
				t.Errorf("TotalCount = %d, want %d", page.TotalCount, tt.wantTotal)
			}
			if db.batches != 1 || db.stmts != 2 {
				t.Errorf("%d batches of %d statements, want 1 of 2 (the page and the count)", db.batches, db.stmts)
			}
			var names []string
			for _, a := range page.Aggregates {
				names = append(names, a.Name)
			}
			if diff := cmp.Diff(tt.aggregates, names); diff != "" {
				t.Errorf("aggregates' order (-asked +got):\n%s", diff)
			}
		})
	}
}

// TestFindManyAggregatesKeepThePage checks that asking for aggregates changes neither the page
// nor its count, and that FindMany answers none.
func TestFindManyAggregatesKeepThePage(t *testing.T) {
	f := newFixture(t)
	var e Engine
	params := "order_by=position[DescNullsLast]&limit=2&filter=city[neq]:Paris"
	with, err := e.FindManyWith(t.Context(), f.db, wsA, object(t, "person"), objects(), parse(t, params), FindOptions{Aggregates: []string{"countEmptyCity"}})
	if err != nil {
		t.Fatal(err)
	}
	without := f.find("person", params)
	if diff := cmp.Diff(infoOf(without), infoOf(with)); diff != "" {
		t.Errorf("page with aggregates (-without +with):\n%s", diff)
	}
	if diff := cmp.Diff(without.Cursors, with.Cursors); diff != "" {
		t.Errorf("cursors (-without +with):\n%s", diff)
	}
	if without.Aggregates != nil {
		t.Errorf("FindMany answered aggregates %v", without.Aggregates)
	}
}

func TestFindManyAggregatesErrors(t *testing.T) {
	f := newFixture(t)
	var e Engine
	_, err := e.FindManyWith(t.Context(), f.db, wsA, object(t, "person"), objects(), parse(t, ""), FindOptions{Aggregates: []string{"sumCity"}})
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Code != CodeInvalidQueryInput || qe.Message != `Unknown aggregate "sumCity" for object person` {
		t.Errorf("unknown aggregate: %v, want INVALID_QUERY_INPUT", err)
	}
}

// TestAggregates checks the catalog's order and operations: Twenty's for a field of each kind.
func TestAggregates(t *testing.T) {
	byName := map[string]AggregateInfo{}
	var names []string
	for _, a := range Aggregates(object(t, "pet")) {
		byName[a.Name] = a
		names = append(names, a.Name)
	}
	if names[0] != "totalCount" || byName["totalCount"].Op != OpCount {
		t.Errorf("first aggregate %q, want totalCount", names[0])
	}
	want := map[string]AggregateOp{
		"countUniqueValuesName": OpCountUniqueValues, "percentageNotEmptyWeight": OpPercentageNotEmpty,
		"countTrueVaccinated": OpCountTrue, "avgWeight": OpAvg, "maxBorn": OpMax, "sumPriceAmountMicros": OpSum,
	}
	for name, op := range want {
		if byName[name].Op != op {
			t.Errorf("%s: op %q, want %q", name, byName[name].Op, op)
		}
	}
	if byName["avgWeight"].Field.Name != "weight" {
		t.Errorf("avgWeight reads %q, want weight", byName["avgWeight"].Field.Name)
	}
	var weight []string
	for _, n := range names {
		if byName[n].Field.Name == "weight" {
			weight = append(weight, n)
		}
	}
	if diff := cmp.Diff([]string{"countUniqueValuesWeight", "countEmptyWeight", "countNotEmptyWeight", "percentageEmptyWeight",
		"percentageNotEmptyWeight", "minWeight", "maxWeight", "avgWeight", "sumWeight"}, weight); diff != "" {
		t.Errorf("a number's aggregates (-want +got):\n%s", diff)
	}
}
