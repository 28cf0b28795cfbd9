package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// paginationPeople are people whose ordering keys repeat and hold NULLs.
var paginationPeople = []struct {
	id       string
	position float64
	company  any // nil, acme or globex
	jobTitle any // nil or a string
	email    any // nil or a string
}{
	{"00000000-0000-4000-8000-000000000101", 3, acme, "b", "e3@x.com"},
	{"00000000-0000-4000-8000-000000000102", 1, nil, nil, nil},
	{"00000000-0000-4000-8000-000000000103", 2, globex, "a", "e1@x.com"},
	{"00000000-0000-4000-8000-000000000104", 1, acme, nil, nil},
	{"00000000-0000-4000-8000-000000000105", 0.5, nil, "b", "e2@x.com"},
	{"00000000-0000-4000-8000-000000000106", 3, globex, "a", nil},
	{"00000000-0000-4000-8000-000000000107", -2, acme, "", "e0@x.com"},
}

// TestPagination walks every ordering of nullable keys page by page, forwards from the start with
// starting_after and backwards from the end with ending_before, and checks that the pages join up
// into the ordering Go computes, with the right page flags: the keyset predicate and the ORDER BY
// agree for every direction and null placement.
func TestPagination(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	var rows []row
	for _, p := range paginationPeople {
		rows = append(rows, row{"id": p.id, "position": p.position, "companyId": p.company, "jobTitle": p.jobTitle, "emailsPrimaryEmail": p.email})
	}
	insert(t, db, wsA, "person", rows...)
	// Keep to the pagination people.
	const only = "filter=id[in]:[00000000-0000-4000-8000-000000000101,00000000-0000-4000-8000-000000000102," +
		"00000000-0000-4000-8000-000000000103,00000000-0000-4000-8000-000000000104,00000000-0000-4000-8000-000000000105," +
		"00000000-0000-4000-8000-000000000106,00000000-0000-4000-8000-000000000107]"

	type key struct {
		field string
		value func(i int) any
	}
	keys := map[string]key{
		"companyId":           {"companyId", func(i int) any { return paginationPeople[i].company }},
		"jobTitle":            {"jobTitle", func(i int) any { return paginationPeople[i].jobTitle }},
		"emails.primaryEmail": {"emails.primaryEmail", func(i int) any { return paginationPeople[i].email }},
		"position":            {"position", func(i int) any { return paginationPeople[i].position }},
		"id":                  {"id", func(i int) any { return paginationPeople[i].id }},
	}
	var orderings [][]string
	for _, d := range recordquery.Directions() {
		for _, d2 := range recordquery.Directions() {
			orderings = append(orderings,
				[]string{"companyId[" + string(d) + "]"},
				[]string{"jobTitle[" + string(d) + "]", "emails.primaryEmail[" + string(d2) + "]"},
				[]string{"companyId[" + string(d) + "]", "position[" + string(d2) + "]"},
			)
		}
		orderings = append(orderings, []string{"id[" + string(d) + "]"}, []string{"position[" + string(d) + "]", "jobTitle[" + string(d) + "]"})
	}

	var e Engine
	find := func(t *testing.T, params string) *Page {
		t.Helper()
		p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, params))
		if err != nil {
			t.Fatalf("FindMany(%q): %v", params, err)
		}
		return p
	}

	for _, ordering := range orderings {
		orderParam := "order_by=" + strings.Join(ordering, ",")
		// The ordering Go computes: each key in its direction, nulls placed, then id.
		want := make([]int, len(paginationPeople))
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int {
			for _, item := range append(ordering, "id[AscNullsFirst]") {
				name, dir, _ := strings.Cut(strings.TrimSuffix(item, "]"), "[")
				d := recordquery.Direction(dir)
				va, vb := keys[name].value(a), keys[name].value(b)
				if c := compareNullable(va, vb, d); c != 0 {
					return c
				}
			}
			return 0
		})
		var wantIDs []string
		for _, i := range want {
			wantIDs = append(wantIDs, paginationPeople[i].id)
		}

		t.Run(strings.Join(ordering, ","), func(t *testing.T) {
			all := find(t, only+"&"+orderParam)
			if diff := gocmp.Diff(idsOf(all.Records), wantIDs); diff != "" {
				t.Fatalf("full listing mismatch (-got +want):\n%s", diff)
			}
			for limit := 1; limit <= 3; limit++ {
				// Forwards.
				var got []string
				params := fmt.Sprintf("%s&%s&limit=%d", only, orderParam, limit)
				p := find(t, params)
				for pages := 0; ; pages++ {
					got = append(got, idsOf(p.Records)...)
					if p.HasPreviousPage != (pages > 0) {
						t.Errorf("limit %d forward page %d: hasPreviousPage = %v", limit, pages, p.HasPreviousPage)
					}
					if !p.HasNextPage || pages > len(wantIDs) {
						break
					}
					p = find(t, params+"&starting_after="+p.EndCursor)
				}
				if diff := gocmp.Diff(got, wantIDs); diff != "" {
					t.Errorf("limit %d forwards mismatch (-got +want):\n%s", limit, diff)
				}

				// Backwards, from the last record.
				got = idsOf(all.Records)[len(wantIDs)-1:]
				p = find(t, params+"&ending_before="+all.EndCursor)
				for pages := 0; ; pages++ {
					got = append(idsOf(p.Records), got...)
					if !p.HasNextPage {
						t.Errorf("limit %d backward page %d: hasNextPage = false", limit, pages)
					}
					if !p.HasPreviousPage || pages > len(wantIDs) {
						break
					}
					p = find(t, params+"&ending_before="+p.StartCursor)
				}
				if diff := gocmp.Diff(got, wantIDs); diff != "" {
					t.Errorf("limit %d backwards mismatch (-got +want):\n%s", limit, diff)
				}
			}
		})
	}
}

// compareNullable orders a and b (nil, string or float64) in direction d.
func compareNullable(a, b any, d recordquery.Direction) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if d.NullsFirst() {
			return -1
		}
		return 1
	case b == nil:
		if d.NullsFirst() {
			return 1
		}
		return -1
	}
	var c int
	switch a := a.(type) {
	case string:
		c = cmp.Compare(a, b.(string))
	case float64:
		c = cmp.Compare(a, b.(float64))
	}
	if !d.Ascending() {
		c = -c
	}
	return c
}
