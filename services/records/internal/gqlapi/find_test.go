package gqlapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// edgeIDs returns the node ids of the edges of the connection under root in a response, or its
// errors' messages.
func edgeIDs(t *testing.T, r *graphql.Response, root string) []string {
	t.Helper()
	if len(r.Errors) > 0 {
		var msgs []string
		for _, e := range r.Errors {
			msgs = append(msgs, "error: "+e.Message)
		}
		return msgs
	}
	var out struct {
		Data map[string]struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b, _ := r.MarshalJSON()
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("response %s: %v", b, err)
	}
	ids := []string{}
	for _, e := range out.Data[root].Edges {
		ids = append(ids, e.Node.ID)
	}
	return ids
}

// TestFindManyFilters runs filters of every field type through people, companies and pets.
func TestFindManyFilters(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, root, filter string
		want               []string
	}{
		{"no filter", "people", `{}`, []string{ada, bob, carla, dan}},
		{"text eq", "people", `{city: {eq: "London"}}`, []string{ada}},
		{"text ilike", "people", `{city: {ilike: "%lond%"}}`, []string{ada, dan}},
		{"text like is case-sensitive", "people", `{city: {like: "%lond%"}}`, []string{dan}},
		{"text startsWith", "people", `{city: {startsWith: "King"}}`, []string{bob}},
		{"text in", "people", `{city: {in: ["London", "Kingston"]}}`, []string{ada, bob}},
		{"text is NULL (empty text too)", "people", `{city: {is: NULL}}`, []string{carla}},
		{"text neq", "people", `{city: {neq: "London"}}`, []string{bob, dan}},
		{"uuid eq", "people", `{id: {eq: "` + bob + `"}}`, []string{bob}},
		{"uuid in", "people", `{id: {in: ["` + ada + `", "` + dan + `"]}}`, []string{ada, dan}},
		{"join column", "people", `{companyId: {eq: "` + acme + `"}}`, []string{ada}},
		{"join column is NULL", "people", `{companyId: {is: NULL}}`, []string{dan}},
		{"composite sub-field", "people", `{name: {firstName: {eq: "Carla"}}}`, []string{carla}},
		{"emails sub-field", "people", `{emails: {primaryEmail: {ilike: "%@example.com"}}}`, []string{ada, bob}},
		{"position lte", "people", `{position: {lte: 1}}`, []string{ada, bob}},
		{"date-time gte", "people", `{createdAt: {gte: "2024-01-03T00:00:00.000Z"}}`, []string{carla, dan}},
		{"actor source", "people", `{createdBy: {source: {eq: API}}}`, []string{ada}},
		{"and", "people", `{and: [{city: {ilike: "l%"}}, {position: {gt: 0}}]}`, []string{dan}},
		{"or", "people", `{or: [{city: {eq: "Kingston"}}, {position: {eq: 3}}]}`, []string{bob, dan}},
		{"not", "people", `{not: {city: {is: NULL}}}`, []string{ada, bob, dan}},
		{"siblings and together", "people", `{city: {ilike: "%o%"}, position: {gte: 1}}`, []string{bob, dan}},
		{"empty and matches all", "people", `{and: []}`, []string{ada, bob, carla, dan}},
		{"soft-deleted hidden", "companies", `{}`, []string{acme, globex}},
		{"deletedAt filter shows them", "companies", `{not: {deletedAt: {is: NULL}}}`, []string{gone}},
		{"number gt", "companies", `{employees: {gt: 100}}`, []string{globex}},
		{"boolean eq", "companies", `{idealCustomerProfile: {eq: true}}`, []string{acme}},
		{"currency sub-field", "companies", `{annualRecurringRevenue: {amountMicros: {gte: 1000000}}}`, []string{acme}},
		{"links sub-field", "companies", `{domainName: {primaryLinkUrl: {eq: "https://acme.com"}}}`, []string{acme}},
		{"select eq", "pets", `{species: {eq: CAT}}`, []string{tom}},
		{"select in", "pets", `{species: {in: [DOG, BIRD]}}`, []string{rex, kiki}},
		{"multi-select containsAny", "pets", `{tags: {containsAny: [LOUD, OLD]}}`, []string{rex, tom}},
		{"multi-select isEmptyArray", "pets", `{tags: {isEmptyArray: true}}`, []string{kiki}},
		{"multi-select not isEmptyArray", "pets", `{tags: {isEmptyArray: false}}`, []string{rex, tom}},
		{"array isEmptyArray", "pets", `{nicknames: {isEmptyArray: false}}`, []string{rex}},
		{"boolean is NULL", "pets", `{vaccinated: {is: NULL}}`, []string{kiki}},
		{"date lt", "pets", `{born: {lt: "2018-01-01"}}`, []string{tom}},
		{"raw json is NOT_NULL", "pets", `{data: {is: NOT_NULL}}`, []string{rex}},
		{"float in", "pets", `{weight: {in: [4, 30.5]}}`, []string{rex, tom}},
		{"unsupported operator", "pets", `{name: {regex: "^R"}}`, []string{`error: Operator "regex" is not supported`}},
		{"engine's operator check", "pets", `{data: {like: "%chip%"}, createdBy: {source: {gt: API}}}`,
			[]string{`error: Operator "gt" is not valid for field "createdBy.source" of type SELECT - Allowed operators: eq, neq, in, containsAny, is, isEmptyArray`}},
		{"invalid value", "people", `{id: {eq: "not-a-uuid"}}`, []string{`error: Invalid UUID value 'not-a-uuid' for field "id"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := `{ ` + tt.root + `(filter: ` + tt.filter + `, orderBy: [{position: AscNullsFirst}]) { edges { node { id } } } }`
			if diff := cmp.Diff(tt.want, edgeIDs(t, f.exec(t, q, nil), tt.root)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", q, diff)
			}
		})
	}
}

// TestFindManyFilterVariables sends the filter and ordering as variables, as Twenty's clients do.
func TestFindManyFilterVariables(t *testing.T) {
	f := newFixture(t)
	q := `query FindManyPeople($filter: PersonFilterInput, $orderBy: [PersonOrderByInput], $first: Int) {
  people(filter: $filter, orderBy: $orderBy, first: $first) { edges { node { id } } }
}`
	vars := map[string]any{
		"filter":  map[string]any{"or": []any{map[string]any{"position": map[string]any{"in": []any{0, 3.0}}}, map[string]any{"name": map[string]any{"lastName": map[string]any{"eq": "Marley"}}}}},
		"orderBy": []any{map[string]any{"name": map[string]any{"firstName": "DescNullsLast"}}},
		"first":   2,
	}
	if diff := cmp.Diff([]string{dan, bob}, edgeIDs(t, f.exec(t, q, vars), "people")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestFindManyConnection checks the connection's shape, projection and counts, and findOne.
func TestFindManyConnection(t *testing.T) {
	f := newFixture(t)
	f.check(t, `{ people(filter: {position: {lte: 1}}, orderBy: [{position: DescNullsLast}], first: 1) {
  totalCount
  pageInfo { hasNextPage hasPreviousPage }
  edges { node { __typename id name { firstName lastName } emails { primaryEmail additionalEmails } jobTitle companyId } }
} }`, nil, `{"data":{"people":{"totalCount":2,"pageInfo":{"hasNextPage":true,"hasPreviousPage":false},
  "edges":[{"node":{"__typename":"Person","id":"`+bob+`","name":{"firstName":"Bob","lastName":"Marley"},
  "emails":{"primaryEmail":"bob@example.com","additionalEmails":[]},"jobTitle":"","companyId":"`+globex+`"}}]}}}`)
	f.check(t, `{ pets(filter: {name: {eq: "Rex"}}) { edges { node { name tags nicknames species vaccinated weight born data price { amountMicros currencyCode } } } } }`, nil,
		`{"data":{"pets":{"edges":[{"node":{"name":"Rex","tags":["CUTE","LOUD"],"nicknames":["Rexy"],"species":"DOG","vaccinated":true,
  "weight":30.5,"born":"2019-05-01","data":{"chip":1},"price":{"amountMicros":1500000,"currencyCode":"EUR"}}}]}}}`)
	f.check(t, `{ a: person(filter: {city: {eq: "Kingston"}}) { id city } }`, nil, `{"data":{"a":{"id":"`+bob+`","city":"Kingston"}}}`)
	f.check(t, `{ person(filter: {city: {eq: "Nowhere"}}) { id } }`, nil, `{"errors":[{"message":"Record not found","locations":[{"line":1,"column":3}],
  "path":["person"],"extensions":{"code":"NOT_FOUND","subCode":"RECORD_NOT_FOUND","userFriendlyMessage":"An error occurred."}}],"data":{"person":null}}`)
	f.check(t, `{ person(filter: {}) { id } }`, nil, `{"errors":[{"message":"Missing filter argument","locations":[{"line":1,"column":3}],
  "path":["person"],"extensions":{"code":"BAD_USER_INPUT","subCode":"INVALID_QUERY_INPUT","userFriendlyMessage":"An error occurred."}}],"data":{"person":null}}`)
}

// TestFindManyReadsOnlyTheSelection checks that the SQL reads the columns selected, not all.
func TestFindManyReadsOnlyTheSelection(t *testing.T) {
	f := newFixture(t)
	f.db.count()
	f.check(t, `{ people(first: 1, orderBy: [{position: AscNullsFirst}]) { edges { node { city } } } }`, nil,
		`{"data":{"people":{"edges":[{"node":{"city":"London"}}]}}}`)
	f.db.mu.Lock()
	page := f.db.sql[0]
	f.db.mu.Unlock()
	for _, col := range []string{`"city"`, `"id"`, `"position"`} {
		if !strings.Contains(page, col) {
			t.Errorf("the page's SQL reads no %s: %s", col, page)
		}
	}
	for _, col := range []string{`"jobTitle"`, `"nameFirstName"`, `"companyId"`, "JOIN"} {
		if strings.Contains(page, col) {
			t.Errorf("the page's SQL has %s, which nobody selected: %s", col, page)
		}
	}
}
