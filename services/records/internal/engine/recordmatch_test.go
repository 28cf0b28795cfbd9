package engine

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/recordmatch"
)

// TestRecordMatchAgreesWithTheEngine holds shared/recordmatch, which realtime streams use to
// match an event's record against a client's filter, to the engine's SQL: for each filter, the
// records the engine selects on SQLite are exactly those recordmatch accepts among all the
// records, read back in the API's shape as events carry them. Filters through a relation
// (company.name) are not here: an event does not carry the related record, and recordmatch
// matches them all on purpose (see its doc).
func TestRecordMatchAgreesWithTheEngine(t *testing.T) {
	f := newFixture(t)
	filters := map[string][]string{
		"person": {
			"position[eq]:1", "position[neq]:1", "position[gte]:2.5", "position[lt]:1e0", "position[in]:[0,3]",
			`name.firstName[eq]:"Ada"`, "name.lastName[eq]:O'Brien", `name.lastName[gt]:"M"`,
			"id[eq]:" + ada, "id[eq]:" + strings.ToUpper(ada),
			"createdAt[gt]:2024-01-02T10:00:00Z", "createdAt[lte]:2024-01-02 10:00:00", "createdAt[eq]:2024-01-01T11:00:00+01:00",
			"createdAt[gt]:2024-01-02T10:00:00.000Z", "createdAt[lte]:2024-01-02T10:00:00.000Z",
			"city[is]:NULL", "city[is]:NOT_NULL", "jobTitle[is]:NULL", `jobTitle[eq]:""`, `jobTitle[neq]:""`,
			"emails.primaryEmail[is]:NULL", "companyId[is]:NULL", "companyId[eq]:" + acme,
			`city[in]:["London","Kingston"]`,
			`city[like]:"Lon%"`, `city[like]:"%on%"`, `city[like]:"_ondon"`, `city[ilike]:"LON%"`,
			`city[startsWith]:"lon"`, `city[endsWith]:"ston"`, `jobTitle[like]:"50\%%"`, `jobTitle[startsWith]:"50%"`,
			`jobTitle[endsWith]:"_sale"`, `jobTitle[endsWith]:"%sale"`,
			"and(city[is]:NOT_NULL,position[gt]:0)", "or(city[eq]:London,position[eq]:2)", "not(city[eq]:London)",
			"and(or(city[like]:%on%,position[lt]:1),not(name.firstName[eq]:Dan))",
			"deletedAt[is]:NULL",
		},
		"pet": {
			"vaccinated[eq]:true", "vaccinated[eq]:false", "weight[gt]:5", "species[eq]:CAT", "born[lt]:2018-01-01", "born[gte]:05/01/2019",
			"tags[is]:NULL", "tags[containsAny]:[LOUD,OLD]", "tags[containsAny]:[CUTE]", "nicknames[containsAny]:[Rexy]",
			"species[in]:[DOG,BIRD]", "species[containsAny]:[CAT]", "price.amountMicros[gte]:1000000",
		},
	}
	for object, list := range filters {
		all := f.find(object, "limit=200").Records
		for _, filter := range list {
			t.Run(object+" "+filter, func(t *testing.T) {
				want := idsOf(f.find(object, "limit=200&filter="+filter).Records)
				q := parse(t, "filter="+filter)
				got := []string{}
				for _, r := range all {
					// Through JSON, as an event's record reaches the realtime Worker.
					b, err := json.Marshal(r)
					if err != nil {
						t.Fatal(err)
					}
					var rec map[string]any
					if err := json.Unmarshal(b, &rec); err != nil {
						t.Fatal(err)
					}
					if recordmatch.Matches(q.Filter, rec, false) {
						got = append(got, rec["id"].(string))
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("filter=%s: engine (-) and recordmatch (+) disagree:\n%s", filter, diff)
				}
			})
		}
	}
}
