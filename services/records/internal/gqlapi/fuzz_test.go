package gqlapi

import (
	"encoding/json"
	"fmt"
	"github.com/twentyworkers/twenty/shared/fuzzcost"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// TestIntrospection checks that the workspace's types answer introspection.
func TestIntrospection(t *testing.T) {
	f := newFixture(t)
	r := f.exec(t, `{ __schema { queryType { name } mutationType { name } }
  __type(name: "Person") { name kind fields { name type { name kind ofType { name } } } } }`, nil)
	var out struct {
		Data struct {
			Schema struct{ QueryType, MutationType struct{ Name string } } `json:"__schema"`
			Type   struct {
				Name, Kind string
				Fields     []struct {
					Name string
					Type struct {
						Name, Kind string
						OfType     *struct{ Name string }
					}
				}
			} `json:"__type"`
		}
	}
	b, _ := r.MarshalJSON()
	if err := json.Unmarshal(b, &out); err != nil || len(r.Errors) > 0 {
		t.Fatalf("introspection = %s (%v)", b, err)
	}
	types := map[string]string{}
	for _, fl := range out.Data.Type.Fields {
		name := fl.Type.Name
		if fl.Type.OfType != nil {
			name = fl.Type.Kind + " " + fl.Type.OfType.Name
		}
		types[fl.Name] = name
	}
	got := map[string]string{"query": out.Data.Schema.QueryType.Name, "mutation": out.Data.Schema.MutationType.Name, "type": out.Data.Type.Name + " " + out.Data.Type.Kind,
		"id": types["id"], "name": types["name"], "companyId": types["companyId"], "company": types["company"], "taskTargets": types["taskTargets"]}
	want := map[string]string{"query": "Query", "mutation": "Mutation", "type": "Person OBJECT",
		"id": "NON_NULL UUID", "name": "FullName", "companyId": "ID", "company": "Company", "taskTargets": "TaskTargetConnection"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("introspection (-want +got):\n%s", diff)
	}
}

// FuzzExecute runs request bodies as the records service gets them from the gateway (checked by
// graphql.CheckJSON, then decoded) against the workspace schema, made of five parts that grow (see
// pump): whatever the body, the answer is a response (errors included), never a panic or a hang,
// and its cost per byte stays within checkCost's bounds as the body grows.
func FuzzExecute(f *testing.F) {
	for _, q := range []string{
		`{ people { edges { node { id name { firstName } company { name people { totalCount } } } } } }`,
		`{ people(filter: {or: [{city: {eq: "x"}}, {not: {id: {in: []}}}]}, orderBy: [{name: {lastName: AscNullsLast}}], first: 3, after: "eyJpZCI6MX0=") { totalCount } }`,
		`{ pets(filter: {tags: {containsAny: [CUTE]}, price: {amountMicros: {gte: 1}}}) { edges { cursor node { tags data } } } }`,
		`{ petsGroupBy(groupBy: [{born: {granularity: WEEK, weekStartDay: SUNDAY, timeZone: "Europe/Paris"}}, {tags: true}], orderBy: [{aggregate: {avgWeight: DescNullsFirst}}], limit: 2) { groupByDimensionValues totalCount avgWeight edges { node { name } } } }`,
		`{ companies { countEmptyName percentageNotEmptyEmployees maxCreatedAt edges { node { people { sumPosition } } } } }`,
		`{ person(filter: {id: {eq: "x"}}) { id } }`,
		`mutation { updatePeople(filter: {}, data: {city: "x"}) { id } }`,
		`mutation { createPet(data: {name: "Z", tags: [OLD], data: {a: [1, 2]}}) { id tags } }`,
		`{ __type(name: "Pet") { fields { name } } }`,
		`{ people(first: -1) { totalCount } }`,
		`query Q($f: PersonFilterInput) { people(filter: $f) { totalCount } }`,
		`{`,
	} {
		body, _ := json.Marshal(graphql.Request{Query: q})
		fuzzcost.Pump{string(body)}.Add(f)
	}
	// The shapes that cost more than their size where a rule was quadratic or a limit missing.
	for _, p := range []fuzzcost.Pump{
		// Filters nested inline and in variables: not (one bracket a level), and/or (two).
		{`{"query": "{ people(filter: `, `{not: `, `{city: {eq: \"x\"}}`, `}`, `) { totalCount } }"}`},
		{`{"query": "{ people(filter: `, `{and: [`, `{city: {eq: \"x\"}}`, `]}`, `) { totalCount } }"}`},
		{`{"query": "{ people(filter: `, `{or: [{city: {eq: \"x\"}}, `, `{id: {is: NULL}}`, `]}`, `) { totalCount } }"}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": `, `{"not": `, `{"city": {"eq": "x"}}`, `}`, `}}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": `, `{"and": [`, `{"city": {"eq": "x"}}`, `]}`, `}}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": `, `{"or": [{"city": {"eq": "x"}}, `, `{}`, `]}`, `}}`},
		// Long lists: of conditions, of values, of orderings.
		{`{"query": "{ people(filter: {or: [`, `{city: {eq: \"x%d\"}}, `, `{id: {is: NULL}}`, ``, `]}) { totalCount } }"}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": {"and": [`, `{"city": {"neq": "x%d"}}, `, `{}`, ``, `]}}}`},
		{`{"query": "{ people(filter: {city: {in: [`, `\"x%d\", `, `\"y\"`, ``, `]}}) { totalCount } }"}`},
		{`{"query": "{ people(orderBy: [`, `{city: AscNullsLast}, `, `{position: DescNullsFirst}`, ``, `]) { totalCount } }"}`},
		// Many aliases: at the root, of fields and of relations of a record.
		{`{"query": "{ `, `a%d: people { totalCount } `, ``, ``, `}"}`},
		{`{"query": "{ people { edges { node { `, `a%d: name { firstName } `, ``, ``, `} } } }"}`},
		{`{"query": "{ people { edges { node { `, `a%d: company { name } `, ``, ``, `} } } }"}`},
		// Many fragments; many arguments; long strings.
		{`{"query": "{ people { edges { node { `, `...F%d `, `} } } } `, `fragment F%d on Person { id } `, `"}`},
		{`{"query": "{ people(`, `first: %d, `, ``, ``, `) { totalCount } }"}`},
		{`{"query": "{ people(filter: {city: {eq: \"`, `x`, ``, ``, `\"}}) { totalCount } }"}`},
		{`{"query": "query ($s: String) { people(filter: {city: {like: $s}}) { totalCount } }", "variables": {"s": "`, `%\\_`, ``, ``, `"}}`},
		// Mutations of many records, which change the tables (their costs are not compared).
		{`{"query": "mutation { createPets(data: [`, `{name: \"p%d\"}, `, `{name: \"q\"}`, ``, `]) { id } }"}`},
	} {
		p.Add(f)
	}
	fx := newFixture(f)
	// Every run of u parses and validates its document: what checkCost measures.
	u, err := New(objects(), graphql.WithCacheSize(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prefix, opening, middle, closing, suffix string) {
		p := fuzzcost.Pump{prefix, opening, middle, closing, suffix}
		fx := fx
		if strings.Contains(prefix+opening+middle+closing+suffix, "mutation") {
			fx = newFixture(t) // tables of its own, so that what it writes does not change what others read
		}
		var writes atomic.Int64
		req := Request{DB: fx.db, WorkspaceID: ws, Actor: actor,
			OnChange: func(_ metadata.Object, _ Action, changes []engine.Change) { writes.Add(int64(len(changes))) }}
		body := p.Grow(1)
		if r, rejected := decodeBody(body); rejected == nil {
			checkResponse(t, body, fx.schema.Execute(t.Context(), req, r))
		}
		fuzzcost.Check(t, p.Grow, 16<<10,
			func(body string) *graphql.Response {
				r, rejected := decodeBody(body)
				if rejected != nil {
					return rejected
				}
				return u.Execute(t.Context(), req, r)
			},
			func(body string, resp *graphql.Response) string {
				checkResponse(t, body, resp)
				// Records written change what the next run reads: no two sizes compare then.
				return fmt.Sprintf("%s writes=%d", answerOf(resp), writes.Load())
			})
	})
}

// decodeBody reads a request body as the gateway and the records service do: held to
// graphql.CheckJSON, then decoded. A body refused answers the response that refuses it.
func decodeBody(body string) (graphql.Request, *graphql.Response) {
	var r graphql.Request
	if e := graphql.CheckJSON([]byte(body)); e != nil {
		return r, &graphql.Response{Errors: []*graphql.Error{e}}
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return r, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeBadRequest, "The request body is not a GraphQL request.")}}
	}
	return r, nil
}

// checkResponse fails unless resp is a response: data or an error, every error with a message,
// encoding to JSON.
func checkResponse(t *testing.T, body string, resp *graphql.Response) {
	t.Helper()
	if resp == nil {
		t.Fatalf("nil response for %.300q", body)
	}
	if _, err := resp.MarshalJSON(); err != nil {
		t.Fatalf("response for %.300q does not encode: %v", body, err)
	}
	if resp.Data == nil && len(resp.Errors) == 0 {
		t.Fatalf("no data and no error for %.300q", body)
	}
	if slices.ContainsFunc(resp.Errors, func(e *graphql.Error) bool { return e.Message == "" }) {
		t.Fatalf("an error without a message for %.300q", body)
	}
}

// pump, checkCost and what they need are shared/graphql's fuzz_test.go's, copied: test code is
// not shared between packages.

// answerOf names the kind of answer resp is: whether it has data, its error codes, and the start
// of its first error's message without digits (which count what grew).
func answerOf(resp *graphql.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data=%t", resp.Data != nil)
	var codes []string
	for _, e := range resp.Errors {
		codes = append(codes, e.Code())
	}
	slices.Sort(codes)
	fmt.Fprintf(&b, " codes=%v", slices.Compact(codes))
	if len(resp.Errors) > 0 {
		fmt.Fprintf(&b, " %.48s", fuzzcost.StripDigits(resp.Errors[0].Message))
	}
	return b.String()
}
