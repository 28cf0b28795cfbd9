package gqlapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	p1 = "20202020-0000-4000-8000-000000000001"
	p2 = "20202020-0000-4000-8000-000000000002"
)

// TestTwentyExamples24To26 replays Twenty's GraphQL examples: create, update and find many;
// soft delete, find the deleted, destroy; the empty filter guard.
func TestTwentyExamples24To26(t *testing.T) {
	f := newFixture(t)
	steps := []struct {
		name, query string
		want        string
		changes     []change
	}{{
		name:    "24: createPeople",
		query:   `mutation { createPeople(data: [{id: "` + p1 + `", city: "a"}, {id: "` + p2 + `", city: "b"}]) { id city } }`,
		want:    `{"data":{"createPeople":[{"id":"` + p1 + `","city":"a"},{"id":"` + p2 + `","city":"b"}]}}`,
		changes: []change{{"person", Created, []string{p1, p2}}},
	}, {
		name:    "24: updatePeople",
		query:   `mutation { updatePeople(filter: {id: {in: ["` + p1 + `", "` + p2 + `"]}}, data: {city: "Updated City"}) { id city } }`,
		want:    `{"data":{"updatePeople":[{"id":"` + p1 + `","city":"Updated City"},{"id":"` + p2 + `","city":"Updated City"}]}}`,
		changes: []change{{"person", Updated, []string{p1, p2}}},
	}, {
		name:  "24: people by the new city",
		query: `{ people(filter: {city: {eq: "Updated City"}}) { edges { node { id } } } }`,
		want:  `{"data":{"people":{"edges":[{"node":{"id":"` + p1 + `"}},{"node":{"id":"` + p2 + `"}}]}}}`,
	}, {
		name:    "25: deletePeople",
		query:   `mutation { deletePeople(filter: {id: {in: ["` + p1 + `", "` + p2 + `"]}}) { id deletedAt } }`,
		changes: []change{{"person", Deleted, []string{p1, p2}}},
	}, {
		name:  "25: the deleted are hidden",
		query: `{ people(filter: {id: {in: ["` + p1 + `", "` + p2 + `"]}}) { edges { node { id } } } }`,
		want:  `{"data":{"people":{"edges":[]}}}`,
	}, {
		name:  "25: a deletedAt filter finds them",
		query: `{ people(filter: {id: {in: ["` + p1 + `", "` + p2 + `"]}, not: {deletedAt: {is: NULL}}}) { edges { node { id } } } }`,
		want:  `{"data":{"people":{"edges":[{"node":{"id":"` + p1 + `"}},{"node":{"id":"` + p2 + `"}}]}}}`,
	}, {
		name:    "25: destroyPeople",
		query:   `mutation { destroyPeople(filter: {id: {in: ["` + p1 + `", "` + p2 + `"]}}) { id } }`,
		want:    `{"data":{"destroyPeople":[{"id":"` + p1 + `"},{"id":"` + p2 + `"}]}}`,
		changes: []change{{"person", Destroyed, []string{p1, p2}}},
	}, {
		name:  "25: gone",
		query: `{ people(filter: {id: {in: ["` + p1 + `", "` + p2 + `"]}, not: {deletedAt: {is: NULL}}}) { edges { node { id } } } }`,
		want:  `{"data":{"people":{"edges":[]}}}`,
	}, {
		name:  "26: the empty filter guard",
		query: `mutation { updatePeople(filter: {}, data: {city: "x"}) { id } }`,
		want: `{"errors":[{"message":"A non-empty filter is required","locations":[{"line":1,"column":12}],"path":["updatePeople"],
  "extensions":{"code":"BAD_USER_INPUT","subCode":"INVALID_QUERY_INPUT","userFriendlyMessage":"An error occurred."}}],"data":{"updatePeople":null}}`,
	}}
	for _, s := range steps {
		got := f.exec(t, s.query, nil)
		if s.want != "" {
			if diff := cmp.Diff(jsonOf(t, s.want), jsonOf(t, got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", s.name, diff)
			}
		} else if len(got.Errors) > 0 {
			t.Errorf("%s: %v", s.name, got.Errors[0])
		}
		if diff := cmp.Diff(s.changes, f.takeChanges()); diff != "" {
			t.Errorf("%s: changes (-want +got):\n%s", s.name, diff)
		}
	}
	// 25: the deleted records carry their deletedAt.
	f.exec(t, `mutation { createPeople(data: [{id: "`+p1+`"}, {id: "`+p2+`"}]) { id } }`, nil)
	r := f.exec(t, `mutation { deletePeople(filter: {id: {in: ["`+p1+`", "`+p2+`"]}}) { deletedAt } }`, nil)
	deleted, _ := jsonOf(t, r).(map[string]any)["data"].(map[string]any)["deletePeople"].([]any)
	if len(deleted) != 2 {
		t.Fatalf("deletePeople = %v", jsonOf(t, r))
	}
	for _, d := range deleted {
		if at, _ := d.(map[string]any)["deletedAt"].(string); at == "" {
			t.Errorf("deletePeople answered %v, want deletedAt set", d)
		}
	}
}

// TestMutationsByID runs the one-record mutations and their errors.
func TestMutationsByID(t *testing.T) {
	f := newFixture(t)
	steps := []struct {
		name, query, want string
		changes           []change
	}{{
		name:    "createPerson with a composite and a relation, as a user",
		query:   `mutation { createPerson(data: {id: "` + p1 + `", name: {firstName: "Grace", lastName: "Hopper"}, companyId: "` + acme + `", emails: {primaryEmail: "g@navy.mil", additionalEmails: ["h@navy.mil"]}}) { id name { firstName lastName } emails { primaryEmail additionalEmails } createdBy { source workspaceMemberId name } company { name } } }`,
		want:    `{"data":{"createPerson":{"id":"` + p1 + `","name":{"firstName":"Grace","lastName":"Hopper"},"emails":{"primaryEmail":"g@navy.mil","additionalEmails":["h@navy.mil"]},"createdBy":{"source":"MANUAL","workspaceMemberId":"` + member + `","name":"Tim Apple"},"company":{"name":"Acme"}}}}`,
		changes: []change{{"person", Created, []string{p1}}},
	}, {
		name:  "createPerson again: the id is taken",
		query: `mutation { createPerson(data: {id: "` + p1 + `"}) { id } }`,
		want:  `{"errors":[{"message":"Record already exists","path":["createPerson"]}]}`,
	}, {
		name:    "createPerson with upsert updates it",
		query:   `mutation { createPerson(data: {id: "` + p1 + `", city: "Arlington"}, upsert: true) { id city name { firstName } } }`,
		want:    `{"data":{"createPerson":{"id":"` + p1 + `","city":"Arlington","name":{"firstName":"Grace"}}}}`,
		changes: []change{{"person", Upserted, []string{p1}}},
	}, {
		name:    "updatePerson keeps the other sub-fields",
		query:   `mutation { updatePerson(id: "` + p1 + `", data: {name: {lastName: "Murray"}, jobTitle: "Admiral"}) { name { firstName lastName } jobTitle city } }`,
		want:    `{"data":{"updatePerson":{"name":{"firstName":"Grace","lastName":"Murray"},"jobTitle":"Admiral","city":"Arlington"}}}`,
		changes: []change{{"person", Updated, []string{p1}}},
	}, {
		name:  "updatePerson of an unknown id",
		query: `mutation { updatePerson(id: "` + p2 + `", data: {city: "x"}) { id } }`,
		want:  `{"errors":[{"message":"Record not found","path":["updatePerson"],"extensions":{"code":"NOT_FOUND","subCode":"RECORD_NOT_FOUND"}}]}`,
	}, {
		name:    "deletePerson",
		query:   `mutation { deletePerson(id: "` + p1 + `") { id } }`,
		want:    `{"data":{"deletePerson":{"id":"` + p1 + `"}}}`,
		changes: []change{{"person", Deleted, []string{p1}}},
	}, {
		name:    "restorePerson",
		query:   `mutation { restorePerson(id: "` + p1 + `") { id deletedAt } }`,
		want:    `{"data":{"restorePerson":{"id":"` + p1 + `","deletedAt":null}}}`,
		changes: []change{{"person", Restored, []string{p1}}},
	}, {
		name:    "restorePeople of a live record changes nothing",
		query:   `mutation { restorePeople(filter: {id: {eq: "` + p1 + `"}}) { id } }`,
		want:    `{"data":{"restorePeople":[{"id":"` + p1 + `"}]}}`,
		changes: nil,
	}, {
		name:    "destroyPerson",
		query:   `mutation { destroyPerson(id: "` + p1 + `") { id city } }`,
		want:    `{"data":{"destroyPerson":{"id":"` + p1 + `","city":"Arlington"}}}`,
		changes: []change{{"person", Destroyed, []string{p1}}},
	}, {
		name:  "a bad enum value fails validation",
		query: `mutation { createOpportunity(data: {stage: INVALID_ENUM_VALUE}) { id } }`,
		want:  `{"errors":[{"message":"Value \"INVALID_ENUM_VALUE\" does not exist in \"OpportunityStageEnum\" enum.","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
	}}
	for _, s := range steps {
		got := jsonOf(t, f.exec(t, s.query, nil))
		want := jsonOf(t, s.want)
		if errs, ok := want.(map[string]any)["errors"].([]any); ok {
			got = errorsLike(got, errs)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
		if diff := cmp.Diff(s.changes, f.takeChanges()); diff != "" {
			t.Errorf("%s: changes (-want +got):\n%s", s.name, diff)
		}
	}
}

// errorsLike keeps of a response's errors the members and extensions the wanted errors have,
// so that tests compare what they state.
func errorsLike(got any, want []any) any {
	errs, _ := got.(map[string]any)["errors"].([]any)
	out := []any{}
	for i, e := range errs {
		if i >= len(want) {
			out = append(out, e)
			continue
		}
		w, g := want[i].(map[string]any), e.(map[string]any)
		kept := map[string]any{}
		for k := range w {
			kept[k] = g[k]
		}
		if wx, ok := w["extensions"].(map[string]any); ok {
			gx, _ := g["extensions"].(map[string]any)
			x := map[string]any{}
			for k := range wx {
				x[k] = gx[k]
			}
			kept["extensions"] = x
		}
		out = append(out, kept)
	}
	return map[string]any{"errors": out}
}

// TestMergeAndDuplicates runs personDuplicates and mergePeople.
func TestMergeAndDuplicates(t *testing.T) {
	f := newFixture(t)
	f.exec(t, `mutation { createPeople(data: [
  {id: "`+p1+`", name: {firstName: "Ada", lastName: "Lovelace"}, city: "Paris"},
  {id: "`+p2+`", name: {firstName: "Ada", lastName: "Lovelace"}, jobTitle: "Poet"}]) { id } }`, nil)
	f.takeChanges()
	f.check(t, `{ personDuplicates(ids: ["`+p1+`"]) { totalCount edges { node { id } cursor } pageInfo { hasNextPage } } }`, nil,
		`{"data":{"personDuplicates":[{"totalCount":2,"edges":[
  {"node":{"id":"`+ada+`"},"cursor":"eyJpZCI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwZCJ9"},
  {"node":{"id":"`+p2+`"},"cursor":"eyJpZCI6IjIwMjAyMDIwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMiJ9"}],"pageInfo":{"hasNextPage":false}}]}}`)
	f.check(t, `{ personDuplicates(data: [{name: {firstName: "Bob", lastName: "Marley"}}]) { edges { node { id } } } }`, nil,
		`{"data":{"personDuplicates":[{"edges":[{"node":{"id":"`+bob+`"}}]}]}}`)
	f.check(t, `mutation { mergePeople(ids: ["`+p1+`", "`+p2+`"], conflictPriorityIndex: 0, dryRun: true) { city jobTitle } }`, nil,
		`{"data":{"mergePeople":{"city":"Paris","jobTitle":"Poet"}}}`)
	if c := f.takeChanges(); c != nil {
		t.Errorf("a dry run reported changes %v", c)
	}
	f.check(t, `mutation { mergePeople(ids: ["`+p1+`", "`+p2+`"], conflictPriorityIndex: 0) { id city jobTitle } }`, nil,
		`{"data":{"mergePeople":{"id":"`+p1+`","city":"Paris","jobTitle":"Poet"}}}`)
	if diff := cmp.Diff([]change{{"person", Updated, []string{p1}}, {"person", Destroyed, []string{p2}}}, f.takeChanges()); diff != "" {
		t.Errorf("merge changes (-want +got):\n%s", diff)
	}
	// Only objects with duplicate criteria have them.
	r := f.exec(t, `{ petDuplicates(ids: []) { totalCount } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("petDuplicates = %v, want a validation error", r.Errors)
	}
}
