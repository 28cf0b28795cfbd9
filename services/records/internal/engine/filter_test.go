package engine

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// TestFilters runs filters on the seeded people and pets and compares the records they select,
// in id order.
func TestFilters(t *testing.T) {
	f := newFixture(t)
	// A person whose values are SQL and quotes, to show they stay data.
	insert(t, f.db, wsA, "person", row{"id": "00000000-0000-4000-8000-0000000000ff", "position": 9.0,
		"city": `x' OR '1'='1`, "jobTitle": `"; DROP TABLE x; --`})
	const evil = "00000000-0000-4000-8000-0000000000ff"
	tests := []struct {
		object, filter string
		want           []string
	}{
		// Comparisons.
		{"person", "position[eq]:1", []string{bob}},
		{"person", "position[neq]:1", []string{carla, dan, ada, evil}},
		{"person", "position[gte]:2.5", []string{dan, evil}},
		{"person", "position[lt]:1e0", []string{ada}},
		{"person", `name.firstName[eq]:"Ada"`, []string{ada}},
		{"person", "name.lastName[eq]:O'Brien", []string{dan}},
		{"person", `name.lastName[gt]:"M"`, []string{bob, dan}},
		{"person", "id[eq]:" + strings.ToUpper(ada), []string{ada}},
		{"person", "createdAt[gt]:2024-01-02T10:00:00Z", []string{carla, dan, evil}},
		{"person", "createdAt[lte]:2024-01-02 10:00:00", []string{bob, ada}},
		{"person", "createdAt[eq]:2024-01-01T11:00:00+01:00", []string{ada}},
		{"pet", "vaccinated[eq]:true", []string{rex}},
		{"pet", "vaccinated[eq]:false", []string{tom}},
		{"pet", "born[lt]:2018-01-01", []string{tom}},
		{"pet", "born[gte]:05/01/2019", []string{rex}},
		{"pet", "weight[gt]:5", []string{rex}},
		{"pet", "price.amountMicros[gte]:1000000", []string{rex}},
		{"pet", "species[eq]:CAT", []string{tom}},

		// is NULL and NOT_NULL; NULL and "" are the same for text.
		{"person", "city[is]:NULL", []string{carla}},
		{"person", "city[is]:NOT_NULL", []string{bob, dan, ada, evil}},
		{"person", "jobTitle[is]:NULL", []string{carla, bob}},
		{"person", `jobTitle[eq]:""`, []string{carla, bob}},
		{"person", `jobTitle[neq]:""`, []string{dan, ada, evil}},
		{"person", "emails.primaryEmail[is]:NULL", []string{carla, dan, evil}},
		{"person", "companyId[is]:NULL", []string{dan, evil}},
		{"pet", "tags[is]:NULL", []string{kiki}},
		{"pet", "data[is]:NOT_NULL", []string{rex}},

		// in and containsAny.
		{"person", "companyId[in]:[" + acme + "," + globex + "]", []string{bob, ada}},
		{"person", "position[in]:[0,3]", []string{dan, ada}},
		{"person", `city[in]:["London","Kingston"]`, []string{bob, ada}},
		{"pet", "tags[containsAny]:[LOUD,OLD]", []string{rex, tom}},
		{"pet", "tags[containsAny]:[CUTE]", []string{rex}},
		{"pet", "nicknames[containsAny]:[Rexy]", []string{rex}},
		{"pet", "species[in]:[DOG,BIRD]", []string{rex, kiki}},
		{"pet", "species[containsAny]:[CAT]", []string{tom}},

		// Pattern matching: like, startsWith and endsWith are case-sensitive, ilike is not.
		{"person", `city[like]:"Lon%"`, []string{ada}},
		{"person", `city[like]:"%on%"`, []string{bob, dan, ada}},
		{"person", `city[like]:"_ondon"`, []string{dan, ada}},
		{"person", `city[ilike]:"LON%"`, []string{dan, ada}},
		{"person", `city[startsWith]:"lon"`, []string{dan}},
		{"person", `city[endsWith]:"ston"`, []string{bob}},
		{"person", `jobTitle[like]:"50\%%"`, []string{dan}},
		{"person", `jobTitle[like]:"50%"`, []string{dan}},
		{"person", `jobTitle[startsWith]:"50%"`, []string{dan}},
		{"person", `jobTitle[startsWith]:"5_%"`, []string{}},
		{"person", `jobTitle[endsWith]:"_sale"`, []string{dan}},
		{"person", `jobTitle[endsWith]:"%sale"`, []string{}},
		{"person", `jobTitle[ilike]:"%\_SALE"`, []string{dan}},
		{"person", `jobTitle[ilike]:"%x_sale"`, []string{}},

		// Patterns longer than D1's 50 bytes, matched without LIKE or GLOB.
		{"person", `city[like]:"%` + strings.Repeat("n", 60) + `%"`, []string{}},
		{"person", `city[ilike]:"` + strings.Repeat("L", 60) + `%"`, []string{}},
		{"person", `city[startsWith]:"` + strings.Repeat("x", 60) + `"`, []string{}},
		{"person", `city[endsWith]:"` + strings.Repeat("x", 60) + `"`, []string{}},
		{"person", `city[startsWith]:""`, []string{bob, dan, ada, evil}},
		{"person", `city[like]:"%"`, []string{bob, dan, ada, evil}},
		{"person", `city[like]:"L%n"`, []string{ada}},
		{"person", `city[ilike]:"L_ND%"`, []string{dan, ada}},

		// Conjunctions.
		{"person", "position[gt]:0,position[lt]:3", []string{carla, bob}},
		{"person", "or(position[eq]:0,position[eq]:3)", []string{dan, ada}},
		{"person", "not(position[eq]:0)", []string{carla, bob, dan, evil}},
		{"person", "not(city[eq]:London)", []string{bob, dan, evil}},
		{"person", `and(or(city[ilike]:"london",city[is]:NULL),not(name.firstName[eq]:Dan))`, []string{carla, ada}},
		{"person", `or(and(position[gte]:1,position[lte]:2),not(or(companyId[is]:NULL,city[startsWith]:"L")))`, []string{carla, bob}},

		// Through a relation: soft-deleted companies do not match.
		{"person", `company.name[eq]:"Acme"`, []string{ada}},
		{"person", `company.name[eq]:"Gone"`, []string{}},
		{"person", `company.employees[gte]:100`, []string{bob}},
		{"person", `not(company.name[eq]:"Acme")`, []string{carla, bob}},

		// Values are data, never SQL.
		{"person", `city[eq]:x' OR '1'='1`, []string{evil}},
		{"person", `jobTitle[eq]:"; DROP TABLE x; --`, []string{evil}},
		{"person", `city[like]:"%' OR '%"`, []string{evil}},
		{"person", `city[in]:["x' OR '1'='1","London"]`, []string{ada, evil}},
	}
	for _, tt := range tests {
		t.Run(tt.object+" "+tt.filter, func(t *testing.T) {
			p := f.find(tt.object, "filter="+tt.filter)
			got := idsOf(p.Records)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("filter=%s mismatch (-got +want):\n%s", tt.filter, diff)
			}
			if p.TotalCount != len(want) {
				t.Errorf("filter=%s totalCount = %d, want %d", tt.filter, p.TotalCount, len(want))
			}
		})
	}
	// The tables are intact.
	if p := f.find("person", ""); p.TotalCount != 5 {
		t.Errorf("people after the filters = %d, want 5", p.TotalCount)
	}
}

// TestQueryErrors checks the errors of queries Twenty rejects: their codes and Twenty's messages.
func TestQueryErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		object, params string
		code           Code
		msg            string
	}{
		{"person", "filter=xyz[eq]:1", CodeInvalidFilter, `Object person doesn't have any "xyz" field.`},
		{"person", "filter=or(city[eq]:a,not(foo.bar[eq]:1))", CodeInvalidFilter, `Object person doesn't have any "foo" field.`},
		{"person", "filter=position[lt]:x", CodeInvalidFilter, `Invalid number value NaN for field "position"`},
		{"person", "filter=position[in]:[1,two]", CodeInvalidFilter, `Invalid number value NaN for field "position"`},
		{"pet", "filter=vaccinated[eq]:yes", CodeInvalidFilter, `Invalid boolean value 'yes' for field "vaccinated"`},
		{"person", "filter=id[eq]:abc", CodeInvalidFilter, `Invalid UUID value 'abc' for field "id"`},
		{"person", "filter=companyId[eq]:it's", CodeInvalidFilter, `Invalid UUID value "it's" for field "companyId"`},
		{"person", "filter=createdAt[gt]:yesterday", CodeInvalidFilter, `Invalid value 'yesterday' for date-time field "createdAt". Expected format: 'YYYY-MM-DDTHH:mm:ssZ'`},
		{"pet", "filter=born[eq]:2020-13-45", CodeInvalidFilter, `Invalid value '2020-13-45' for date field "born". Expected format: 'YYYY-MM-DD'`},
		{"pet", "filter=species[eq]:FISH", CodeInvalidFilter, `Invalid select value "FISH" for field "species". Valid options: DOG, CAT, BIRD`},
		{"person", "filter=city[is]:nothing", CodeInvalidFilter, recordquery.MsgInvalidIsValue},
		{"person", "filter=city[containsAny]:[a]", CodeInvalidFilter,
			`Operator "containsAny" is not valid for field "city" of type TEXT - Allowed operators: eq, neq, gt, gte, lt, lte, in, is, like, ilike, startsWith, endsWith`},
		{"pet", "filter=vaccinated[gt]:true", CodeInvalidFilter,
			`Operator "gt" is not valid for field "vaccinated" of type BOOLEAN - Allowed operators: eq, is`},
		{"pet", "filter=tags[eq]:CUTE", CodeInvalidFilter,
			`Operator "eq" is not valid for field "tags" of type MULTI_SELECT - Allowed operators: containsAny, is, isEmptyArray`},
		{"person", "filter=name[eq]:Ada", CodeInvalidFilter, `Sub field "eq" not found for composite type: FULL_NAME`},
		{"person", "filter=name.middleName[eq]:Ada", CodeInvalidFilter, `Sub field "middleName" not found for composite type: FULL_NAME`},
		{"person", "filter=company[eq]:" + acme, CodeInvalidFilter, `Cannot filter by relation field "company": use "companyId" instead`},
		{"company", "filter=people.city[eq]:x", CodeInvalidFilter, `Cannot filter by relation field "people"`},
		{"person", "filter=company.xyz[eq]:1", CodeInvalidFilter, `Object company doesn't have any "xyz" field.`},
		{"person", "filter=company.accountOwner.name.firstName[eq]:x", CodeInvalidFilter, `Relation filter nesting deeper than 1 hop is not supported`},

		{"person", "order_by=xyz", CodeFieldNotFound, `Field "xyz" does not exist or is not sortable`},
		{"person", "order_by=name[AscNullsLast]", CodeInvalidQueryInput, `Composite field "name" requires subfield ordering (e.g., { name: { subFieldName: 'AscNullsFirst' } })`},
		{"person", "order_by=name.middleName", CodeInvalidQueryInput, `Sub field "middleName" not found for composite field "name"`},
		{"person", "order_by=position.x", CodeInvalidQueryInput, `Scalar field "position" requires a direction value (AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast)`},
		{"person", "order_by=company", CodeInvalidQueryInput, `Relation field "company" requires nested field ordering (e.g., { company: { fieldName: 'AscNullsFirst' } })`},

		{"person", `filter=city[like]:"a_` + strings.Repeat("n", 60) + `"`, CodeInvalidFilter, `Pattern of the like filter on "city" is 62 bytes long, at most 50 are supported`},
		{"person", `filter=name.lastName[ilike]:"%a%` + strings.Repeat("n", 60) + `%"`, CodeInvalidFilter, `Pattern of the ilike filter on "name.lastName" is 64 bytes long, at most 50 are supported`},

		{"person", "fields=id,nope,name,nada", CodeInvalidFields, `'fields' parameter invalid. Unknown or unreadable fields on 'person': nope, nada`},

		// A cursor encoded for another ordering.
		{"person", "order_by=position&starting_after=" + recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "id", Value: ada}}),
			CodeInvalidCursor, `Cursor is missing the value for orderBy field "position": it was encoded for a different orderBy. Restart pagination without a cursor.`},
		{"person", "order_by=position&starting_after=" + recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "position", Value: "x"}, {Key: "id", Value: ada}}),
			CodeInvalidCursor, "Invalid cursor: " + recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "position", Value: "x"}, {Key: "id", Value: ada}})},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			_, err := f.findErr(tt.object, tt.params)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("FindMany(%s, %q) error = %v, want a *QueryError", tt.object, tt.params, err)
			}
			if got, want := (qe.Code + ": " + Code(qe.Message)), tt.code+": "+Code(tt.msg); got != want {
				t.Errorf("FindMany(%s, %q) error =\n%s\nwant\n%s", tt.object, tt.params, got, want)
			}
		})
	}
}

// TestQueryErrorsOfOtherProducers checks what restquery would have rejected first, for queries
// built by other producers (GraphQL).
func TestQueryErrorsOfOtherProducers(t *testing.T) {
	f := newFixture(t)
	cursor := recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "id", Value: ada}})
	many := &recordquery.Filter{}
	for range MaxConditions + 1 {
		many.And = append(many.And, &recordquery.Filter{Field: "city", Op: recordquery.Is, Value: recordquery.IsValue("NULL")})
	}
	manyArgs := &recordquery.Filter{}
	for range d1.MaxParams {
		manyArgs.Or = append(manyArgs.Or, &recordquery.Filter{Field: "city", Op: recordquery.Eq, Value: recordquery.Value{Raw: "x"}})
	}
	tests := []struct {
		name string
		q    *recordquery.Query
		code Code
	}{
		{"both cursors", &recordquery.Query{Limit: 1, StartingAfter: cursor, EndingBefore: cursor}, CodeArgsConflict},
		{"negative limit", &recordquery.Query{Limit: -1}, CodeInvalidQueryInput},
		{"malformed tree", &recordquery.Query{Limit: 1, Filter: &recordquery.Filter{Field: "city"}}, CodeInvalidFilter},
		{"bad direction", &recordquery.Query{Limit: 1, OrderBy: []recordquery.Order{{Field: "city", Direction: "up"}}}, CodeInvalidQueryInput},
		{"too many conditions", &recordquery.Query{Limit: 1, Filter: many}, CodeTooComplex},
		{"too many values", &recordquery.Query{Limit: 1, Filter: manyArgs}, CodeTooComplex},
		{"undecodable cursor", &recordquery.Query{Limit: 1, EndingBefore: "%%%"}, CodeInvalidCursor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Engine
			_, err := e.FindMany(t.Context(), f.db, wsA, object(t, "person"), objects(), tt.q)
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Code != tt.code {
				t.Errorf("FindMany error = %v, want a *QueryError with code %s", err, tt.code)
			}
		})
	}
	if _, err := (&Engine{}).FindMany(t.Context(), f.db, wsA, object(t, "person"), objects(), &recordquery.Query{Limit: 1, Filter: manyArgs}); !errors.Is(err, d1.ErrTooManyParams) {
		t.Errorf("too many values error = %v, want it to wrap d1.ErrTooManyParams", err)
	}
	var e Engine
	if _, err := e.FindMany(t.Context(), f.db, "not-a-uuid", object(t, "person"), objects(), &recordquery.Query{Limit: 1}); err == nil || errors.As(err, new(*QueryError)) {
		t.Errorf("invalid workspace error = %v, want a server error", err)
	}
}
