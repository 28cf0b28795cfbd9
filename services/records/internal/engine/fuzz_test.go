package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"

	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// FuzzFindMany compiles arbitrary REST filters, orderings and cursors on people and pets: whatever
// the input, compiling never panics, fails only with a *QueryError, and the SQL it produces runs on
// SQLite without error.
func FuzzFindMany(f *testing.F) {
	cursor := recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "position", Value: 1}, {Key: "id", Value: bob}})
	for _, s := range []struct{ filter, order, cursor string }{
		{"position[lte]:1", "", ""},
		{`name.firstName[eq]:"Ada",emails.primaryEmail[is]:NULL`, "name.lastName[DescNullsLast]", ""},
		{`or(city[ilike]:"%lon%",not(jobTitle[startsWith]:"Eng"),and(position[gt]:0,position[lt]:3))`, "position[DescNullsLast]", cursor},
		{`jobTitle[like]:"50\%_*[",city[endsWith]:"\"`, "companyId[AscNullsLast]", cursor},
		{"companyId[in]:[" + acme + "," + globex + "]", "emails.primaryEmail[AscNullsFirst],position", cursor},
		{`company.name[eq]:"Acme"`, "id[DescNullsFirst]", ""},
		{"tags[containsAny]:[CUTE,OLD],species[in]:[DOG,CAT]", "weight[AscNullsLast],born", ""},
		{"vaccinated[eq]:true,born[gte]:2018-01-01,weight[neq]:4,createdAt[lt]:2024-01-01", "price.amountMicros", ""},
		{"deletedAt[is]:NOT_NULL", "deletedAt[DescNullsFirst]", cursor},
		{`city[eq]:x' OR '1'='1`, "", "eyJpZCI6bnVsbH0="},
		{strings.Repeat("not(", 32) + "city[eq]:1" + strings.Repeat(")", 32), "", ""},
		{strings.Repeat("and(", 31) + strings.Repeat("city[is]:NULL,", 199) + "city[is]:NULL" + strings.Repeat(")", 31), "", ""},
		{strings.Repeat("position[eq]:1,", 98) + "position[eq]:1", "", ""},
	} {
		f.Add(s.filter, s.order, s.cursor)
	}
	db := newDB(f, wsA)
	seed(f, db, wsA)
	people, pets := object(f, "person"), object(f, "pet")
	c := Compiler{Objects: objects()}
	f.Fuzz(func(t *testing.T, filterParam, orderParam, cursorParam string) {
		filter, err := restquery.ParseFilter(filterParam)
		if err != nil {
			return
		}
		var order []recordquery.Order
		if orderParam != "" {
			if order, err = restquery.ParseOrderBy(orderParam); err != nil {
				return
			}
		}
		for _, run := range []struct {
			o        metadata.Object
			depth    int
			backward bool
		}{{people, 1, false}, {pets, 0, true}} {
			o := run.o
			q := &recordquery.Query{Filter: filter, OrderBy: order, Limit: 3, Depth: run.depth}
			if run.backward {
				q.EndingBefore = cursorParam
			} else {
				q.StartingAfter = cursorParam
			}
			page, count, err := c.FindMany(wsA, o, q)
			if err != nil {
				var qe *QueryError
				if !errors.As(err, &qe) || qe.Message == "" {
					t.Fatalf("FindMany(%s, filter %q, order %q, cursor %q) error = %v, want a *QueryError", o.NameSingular, filterParam, orderParam, cursorParam, err)
				}
				continue
			}
			if _, err := db.Batch(t.Context(), page, count); err != nil {
				t.Fatalf("FindMany(%s, filter %q, order %q, cursor %q) SQL fails: %v\n%s\n%v", o.NameSingular, filterParam, orderParam, cursorParam, err, page.SQL, page.Args)
			}
		}
	})
}
