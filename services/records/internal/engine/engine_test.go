package engine

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// fixture is a seeded database of workspace wsA.
type fixture struct {
	t  *testing.T
	db *d1.DB
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := newDB(t, wsA)
	seed(t, db, wsA)
	return &fixture{t: t, db: db}
}

// find runs a find-many on object with the REST query params, failing the test on error.
func (f *fixture) find(name, params string) *Page {
	f.t.Helper()
	page, err := f.findErr(name, params)
	if err != nil {
		f.t.Fatalf("FindMany(%s, %q): %v", name, params, err)
	}
	return page
}

func (f *fixture) findErr(name, params string) (*Page, error) {
	f.t.Helper()
	var e Engine
	return e.FindMany(f.t.Context(), f.db, wsA, object(f.t, name), objects(), parse(f.t, params))
}

// pageInfo is what Twenty's envelope shows of a page besides its records.
type pageInfo struct {
	IDs                          []string
	TotalCount                   int
	HasNextPage, HasPreviousPage bool
}

func infoOf(p *Page) pageInfo {
	return pageInfo{IDs: idsOf(p.Records), TotalCount: p.TotalCount, HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}
}

// positions returns the positions of records.
func positions(records []map[string]any) []any {
	out := []any{}
	for _, r := range records {
		out = append(out, r["position"])
	}
	return out
}

// TestTwentyExamples replays examples 8 to 16 of the reference (§9): Twenty's REST find-many
// integration tests, on four people at positions 0 to 3.
func TestTwentyExamples(t *testing.T) {
	f := newFixture(t)

	t.Run("8 envelope", func(t *testing.T) {
		p := f.find("person", "")
		want := pageInfo{IDs: []string{carla, bob, dan, ada}, TotalCount: 4}
		if diff := cmp.Diff(infoOf(p), want); diff != "" {
			t.Errorf("GET /rest/people mismatch (-got +want):\n%s", diff)
		}
		if p.StartCursor == "" || p.EndCursor == "" {
			t.Errorf("startCursor = %q, endCursor = %q, want both set", p.StartCursor, p.EndCursor)
		}
	})

	t.Run("9 limit", func(t *testing.T) {
		p := f.find("person", "limit=3")
		want := pageInfo{IDs: []string{carla, bob, dan}, TotalCount: 4, HasNextPage: true}
		if diff := cmp.Diff(infoOf(p), want); diff != "" {
			t.Errorf("limit=3 mismatch (-got +want):\n%s", diff)
		}
	})

	t.Run("10 filters on position", func(t *testing.T) {
		for _, tt := range []struct {
			filter string
			want   []any
		}{
			{"position[lte]:1", []any{int64(0), int64(1)}},
			{"position[lt]:2", []any{int64(0), int64(1)}},
			{"position[gt]:1", []any{int64(2), int64(3)}},
			{"position[gte]:3", []any{int64(3)}},
		} {
			p := f.find("person", "order_by=position&filter="+tt.filter)
			if diff := cmp.Diff(positions(p.Records), tt.want); diff != "" {
				t.Errorf("filter=%s positions mismatch (-got +want):\n%s", tt.filter, diff)
			}
			if p.TotalCount != len(tt.want) {
				t.Errorf("filter=%s totalCount = %d, want %d", tt.filter, p.TotalCount, len(tt.want))
			}
		}
	})

	t.Run("11 starting_after", func(t *testing.T) {
		first := f.find("person", "limit=2")
		next := f.find("person", "limit=1&starting_after="+first.StartCursor)
		if got, want := idsOf(next.Records), idsOf(first.Records)[1:2]; !cmp.Equal(got, want) {
			t.Errorf("starting_after=<startCursor> ids = %v, want %v", got, want)
		}
		if !next.HasPreviousPage || !next.HasNextPage {
			t.Errorf("hasPreviousPage, hasNextPage = %v, %v, want true, true", next.HasPreviousPage, next.HasNextPage)
		}
	})

	t.Run("12 ending_before", func(t *testing.T) {
		first := f.find("person", "limit=4")
		before := f.find("person", "limit=2&ending_before="+first.EndCursor)
		want := pageInfo{IDs: idsOf(first.Records)[1:3], TotalCount: 4, HasNextPage: true, HasPreviousPage: true}
		if diff := cmp.Diff(infoOf(before), want); diff != "" {
			t.Errorf("ending_before=<endCursor> mismatch (-got +want):\n%s", diff)
		}
		if before.StartCursor != before.Cursors[0] || before.EndCursor != before.Cursors[1] {
			t.Errorf("cursors not those of the first and last records")
		}
		// The start of the list: nothing precedes it.
		start := f.find("person", "limit=2&ending_before="+before.StartCursor)
		want = pageInfo{IDs: idsOf(first.Records)[:1], TotalCount: 4, HasNextPage: true}
		if diff := cmp.Diff(infoOf(start), want); diff != "" {
			t.Errorf("ending_before=<startCursor> mismatch (-got +want):\n%s", diff)
		}
	})

	t.Run("13 DescNullsLast and pagination", func(t *testing.T) {
		p := f.find("person", "order_by=position[DescNullsLast]&limit=2")
		if diff := cmp.Diff(positions(p.Records), []any{int64(3), int64(2)}); diff != "" || !p.HasNextPage {
			t.Errorf("positions mismatch (-got +want):\n%s hasNextPage = %v", diff, p.HasNextPage)
		}
		next := f.find("person", "order_by=position[DescNullsLast]&limit=2&starting_after="+p.EndCursor)
		if diff := cmp.Diff(positions(next.Records), []any{int64(1), int64(0)}); diff != "" || next.HasNextPage {
			t.Errorf("next page positions mismatch (-got +want):\n%s hasNextPage = %v", diff, next.HasNextPage)
		}
	})

	t.Run("14 invalid cursor", func(t *testing.T) {
		_, err := f.findErr("person", "")
		if err != nil {
			t.Fatal(err)
		}
		// restquery rejects the cursor first; the engine answers the same for a query built
		// by another producer.
		var e Engine
		_, err = e.FindMany(t.Context(), f.db, wsA, object(t, "person"), objects(), &recordquery.Query{Limit: 60, StartingAfter: "invalid-cursor"})
		var qe *QueryError
		var ic *recordquery.InvalidCursorError
		if !errors.As(err, &qe) || qe.Code != CodeInvalidCursor || !strings.Contains(qe.Message, "Invalid cursor") || !errors.As(err, &ic) {
			t.Errorf("starting_after=invalid-cursor error = %v, want an INVALID_CURSOR *QueryError wrapping *recordquery.InvalidCursorError", err)
		}
		_, err = restquery.Parse(url.Values{"starting_after": {"invalid-cursor"}})
		if !errors.As(err, &ic) {
			t.Errorf("restquery.Parse(starting_after=invalid-cursor) error = %v, want an *InvalidCursorError", err)
		}
	})

	t.Run("15 composite order", func(t *testing.T) {
		_, err := f.findErr("person", "order_by=name[AscNullsLast]")
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Message != `Composite field "name" requires subfield ordering (e.g., { name: { subFieldName: 'AscNullsFirst' } })` {
			t.Errorf("order_by=name[AscNullsLast] error = %v, want Twenty's composite message", err)
		}
	})

	t.Run("16 depth", func(t *testing.T) {
		p := f.find("person", "depth=1&filter=id[eq]:"+ada)
		rec := p.Records[0]
		company, ok := rec["company"].(map[string]any)
		if !ok {
			t.Fatalf("depth=1 company = %#v, want a record", rec["company"])
		}
		if _, ok := company["domainName"]; !ok {
			t.Errorf("depth=1 company has no domainName: %v", company)
		}
		if _, ok := company["people"]; ok {
			t.Errorf("depth=1 company embeds people: %v", company)
		}
		if _, ok := company["accountOwner"]; ok {
			t.Errorf("depth=1 company embeds accountOwner: %v", company)
		}
		if got := rec["companyId"]; got != acme {
			t.Errorf("depth=1 companyId = %v, want %s", got, acme)
		}

		p = f.find("person", "depth=0&filter=id[eq]:"+ada)
		rec = p.Records[0]
		if _, ok := rec["company"]; ok {
			t.Errorf("depth=0 record has company: %v", rec["company"])
		}
		if got := rec["companyId"]; got != acme {
			t.Errorf("depth=0 companyId = %v, want %s", got, acme)
		}
	})
}

// TestPageEdges checks pages at the edges: an empty page, limit=0, a limit above the maximum, and
// the largest filters the engine accepts, which must run on SQLite.
func TestPageEdges(t *testing.T) {
	f := newFixture(t)

	p := f.find("person", "filter=position[gt]:100")
	if diff := cmp.Diff(infoOf(p), pageInfo{IDs: []string{}}); diff != "" || p.StartCursor != "" || p.EndCursor != "" {
		t.Errorf("empty page mismatch (-got +want):\n%s cursors %q %q", diff, p.StartCursor, p.EndCursor)
	}

	// limit=0: no records, but Twenty still fetches one to tell whether more follow.
	p = f.find("person", "limit=0")
	if diff := cmp.Diff(infoOf(p), pageInfo{IDs: []string{}, TotalCount: 4, HasNextPage: true}); diff != "" {
		t.Errorf("limit=0 mismatch (-got +want):\n%s", diff)
	}

	// Clamped to 200 by restquery; the engine clamps a producer's larger limit too.
	var e Engine
	p, err := e.FindMany(t.Context(), f.db, wsA, object(t, "person"), objects(), &recordquery.Query{Limit: 1000})
	if err != nil || len(p.Records) != 4 {
		t.Errorf("limit 1000 = %v records, %v; want 4, nil", len(p.Records), err)
	}

	deep := strings.Repeat("not(", recordquery.MaxFilterDepth-1) + "position[eq]:1" + strings.Repeat(")", recordquery.MaxFilterDepth-1)
	wide := "and(" + strings.Repeat("and(city[is]:NULL,position[is]:NOT_NULL),", MaxConditions/2-1) + "city[is]:NULL)"
	values := strings.Repeat("position[neq]:7,", d1.MaxParams-2) + "position[neq]:7"
	for _, filter := range []string{deep, wide, values} {
		p, err := f.findErr("person", "filter="+filter)
		if err != nil {
			t.Errorf("filter of %d bytes: %v", len(filter), err)
			continue
		}
		if p.TotalCount > 4 {
			t.Errorf("filter of %d bytes: totalCount = %d", len(filter), p.TotalCount)
		}
	}
}

// TestOrderByDeletedAtCursor pins a quirk of Twenty kept on purpose: a cursor over an ordering by
// deletedAt puts deletedAt in the filter Twenty applies, which then shows soft-deleted records
// (checkForDeletedAtFilter), while the first page and the count hide them.
func TestOrderByDeletedAtCursor(t *testing.T) {
	f := newFixture(t)
	const deleted = "00000000-0000-4000-8000-0000000000de"
	insert(t, f.db, wsA, "person", row{"id": deleted, "deletedAt": "2024-06-01T00:00:00.000Z"})
	first := f.find("person", "order_by=deletedAt[AscNullsFirst]&limit=4")
	if got := idsOf(first.Records); cmp.Diff(got, []string{carla, bob, dan, ada}) != "" || first.TotalCount != 4 {
		t.Fatalf("first page = %v (totalCount %d), want the 4 live people", got, first.TotalCount)
	}
	next := f.find("person", "order_by=deletedAt[AscNullsFirst]&limit=4&starting_after="+first.EndCursor)
	if diff := cmp.Diff(infoOf(next), pageInfo{IDs: []string{deleted}, TotalCount: 4, HasPreviousPage: true}); diff != "" {
		t.Errorf("next page mismatch (-got +want):\n%s", diff)
	}
}
