package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
)

// found is a search result as the tests compare it.
type found struct{ Object, ID, Label, Image string }

func search(t *testing.T, db *d1.DB, ws string, opts SearchOptions) []found {
	t.Helper()
	if opts.Limit == 0 {
		opts.Limit = 50
	}
	var e Engine
	page, err := e.Search(t.Context(), db, ws, objects(), opts)
	if err != nil {
		t.Fatalf("Search(%q): %v", opts.Input, err)
	}
	out := []found{}
	for i, r := range page.Records {
		if i > 0 && r.TsRank > page.Records[i-1].TsRank {
			t.Errorf("Search(%q): results not ranked: %v after %v", opts.Input, r.TsRank, page.Records[i-1].TsRank)
		}
		out = append(out, found{r.ObjectNameSingular, r.RecordID, r.Label, r.ImageURL})
	}
	return out
}

func exec(t *testing.T, db *d1.DB, ws, object, sql string, args ...any) {
	t.Helper()
	table, err := ddl.TableName(ws, object)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Batch(t.Context(), d1.Stmt{SQL: `UPDATE "` + table + `" ` + sql, Args: args}); err != nil {
		t.Fatalf("update %s: %v", object, err)
	}
}

func TestSearch(t *testing.T) {
	db := newDB(t, wsA, wsB)
	seed(t, db, wsA)
	insert(t, db, wsB, "person", row{"id": bob, "nameFirstName": "Ada", "nameLastName": "Byron"})
	insert(t, db, wsA, "person", row{"id": "00000000-0000-4000-8000-0000000000f1", "nameFirstName": "Zoë", "nameLastName": "Ångström"})
	zoe := found{"person", "00000000-0000-4000-8000-0000000000f1", "Zoë Ångström", ""}
	adaF := found{"person", ada, "Ada Lovelace", ""}
	acmeF := found{"company", acme, "Acme", "https://twenty-icons.com/acme.com"}
	tests := []struct {
		name string
		opts SearchOptions
		want []found
	}{
		{"prefix of a first name, another workspace's Ada never", SearchOptions{Input: "ad"}, []found{adaF}},
		{"prefix of a last name, any case", SearchOptions{Input: "LOVE"}, []found{adaF}},
		{"two words, both required", SearchOptions{Input: "ada lov"}, []found{adaF}},
		{"email", SearchOptions{Input: "bob@example"}, []found{{"person", bob, "Bob Marley", ""}}},
		{"job title", SearchOptions{Input: "engin"}, []found{adaF}},
		{"company by domain", SearchOptions{Input: "acme.com"}, []found{acmeF}},
		{"accents folded", SearchOptions{Input: "zoe angs"}, []found{zoe}},
		{"custom object by its label identifier", SearchOptions{Input: "re"}, []found{{"pet", rex, "Rex", ""}}},
		{"soft-deleted never", SearchOptions{Input: "gone"}, []found{}},
		{"nothing", SearchOptions{Input: "zzz"}, []found{}},
		{"punctuation only matches nothing special", SearchOptions{Input: `"*(`, Included: []string{"pet"}}, []found{{"pet", rex, "Rex", ""}, {"pet", tom, "Tom", ""}, {"pet", kiki, "Kiki", ""}}},
		{"included objects only", SearchOptions{Input: "a", Included: []string{"company"}}, []found{acmeF}},
		{"excluded objects", SearchOptions{Input: "ada", Excluded: []string{"person"}}, []found{}},
		{"ids filter", SearchOptions{Input: "a", Included: []string{"person"}, IDs: []string{ada}}, []found{adaF}},
		{"not ids filter", SearchOptions{Input: "ada", NotIDs: []string{ada}}, []found{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, search(t, db, wsA, tc.opts)); diff != "" {
				t.Errorf("Search(%q) (-want +got):\n%s", tc.opts.Input, diff)
			}
		})
	}

	// The index follows every write, by triggers: an update, a soft delete, a new record.
	exec(t, db, wsA, "person", `SET "nameFirstName" = 'Augusta', "nameLastName" = 'King' WHERE "id" = ?`, ada)
	if got := search(t, db, wsA, SearchOptions{Input: "augus"}); len(got) != 1 || got[0].ID != ada {
		t.Errorf("after rename: %v", got)
	}
	if got := search(t, db, wsA, SearchOptions{Input: "lovel"}); len(got) != 0 {
		t.Errorf("old name still found: %v", got)
	}
	exec(t, db, wsA, "person", `SET "deletedAt" = '2024-05-01T00:00:00.000Z' WHERE "id" = ?`, ada)
	if got := search(t, db, wsA, SearchOptions{Input: "augus"}); len(got) != 0 {
		t.Errorf("soft-deleted found: %v", got)
	}
	insert(t, db, wsA, "company", row{"id": "00000000-0000-4000-8000-0000000000c9", "name": "Initech"})
	if got := search(t, db, wsA, SearchOptions{Input: "initech"}); len(got) != 1 {
		t.Errorf("new company: %v", got)
	}
}

func TestSearchPages(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	var e Engine
	var all []string
	after := ""
	for range 10 {
		page, err := e.Search(t.Context(), db, wsA, objects(), SearchOptions{Input: "", Limit: 2, After: after, Included: []string{"pet", "company"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			all = append(all, r.RecordID)
		}
		if !page.HasNextPage {
			break
		}
		after = page.EndCursor
	}
	want := []string{acme, globex, rex, tom, kiki}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	for _, bad := range []SearchOptions{{Limit: 0}, {Limit: MaxSearchLimit + 1}, {Limit: 1, After: "nope"}} {
		if _, err := e.Search(t.Context(), db, wsA, objects(), bad); err == nil {
			t.Errorf("Search(%+v) accepted", bad)
		}
	}
}
