//go:build e2e

package e2e

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMetadataMorphRelation creates a MORPH_RELATION field through /metadata as Twenty's
// morph-relation-field-metadata creation test does, reads its morphRelations, then uses it on
// /graphql from both sides at once.
func TestMetadataMorphRelation(t *testing.T) {
	a := onboard(t, "/metadata")
	q := func(query string, vars map[string]any) gqlReply {
		t.Helper()
		return gql(t, "/metadata", a.access, query, vars)
	}
	type ref struct{ ID string }
	objects := data[struct {
		Objects gqlConnection[struct{ ID, NameSingular string }]
	}](t, q(`{ objects(paging: {first: 100}) { edges { node { id nameSingular } } } }`, nil)).Objects.nodes()
	idOf := map[string]string{}
	for _, o := range objects {
		idOf[o.NameSingular] = o.ID
	}
	pet := data[struct{ CreateOneObject ref }](t, q(`mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"object": map[string]any{
			"nameSingular": "morphPet", "namePlural": "morphPets", "labelSingular": "Morph pet", "labelPlural": "Morph pets", "icon": "IconDog",
		}}})).CreateOneObject

	payload := func(target string) map[string]any {
		return map[string]any{"targetObjectMetadataId": idOf[target], "targetFieldLabel": "Morph pets", "targetFieldIcon": "IconDog", "type": "MANY_TO_ONE"}
	}
	type relation struct {
		Type                                       string
		SourceObjectMetadata, TargetObjectMetadata ref
		SourceFieldMetadata, TargetFieldMetadata   ref
	}
	created := data[struct {
		CreateOneField struct {
			ID, Name, Type string
			MorphRelations []relation
		}
	}](t, q(`mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) {
		id name type morphRelations { type sourceObjectMetadata { id } targetObjectMetadata { id } sourceFieldMetadata { id } targetFieldMetadata { id } } } }`,
		map[string]any{"input": map[string]any{"field": map[string]any{
			"objectMetadataId": pet.ID, "type": "MORPH_RELATION", "name": "owner", "label": "Owner", "isLabelSyncedWithName": false,
			"morphRelationsCreationPayload": []any{payload("person"), payload("company")},
		}}})).CreateOneField
	if created.Name != "ownerPerson" || created.Type != "MORPH_RELATION" || len(created.MorphRelations) != 2 {
		t.Fatalf("createOneField MORPH_RELATION = %+v", created)
	}
	for i, target := range []string{"person", "company"} {
		r := created.MorphRelations[i]
		if r.Type != "MANY_TO_ONE" || r.SourceObjectMetadata.ID != pet.ID || r.TargetObjectMetadata.ID != idOf[target] || r.SourceFieldMetadata.ID == "" || r.TargetFieldMetadata.ID == "" {
			t.Errorf("morphRelations[%d] = %+v, want MANY_TO_ONE from morphPet to %s", i, r, target)
		}
	}
	wantGQLError(t, "a morph relation to the same object twice", q(`mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"field": map[string]any{
			"objectMetadataId": pet.ID, "type": "MORPH_RELATION", "name": "sitter", "label": "Sitter",
			"morphRelationsCreationPayload": []any{payload("person"), payload("person")},
		}}}), "BAD_USER_INPUT", "Morph relation creation payloads must have only relation to the same object metadata")

	// On /graphql at once: a pet owned by a person, read from the pet and from the person.
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	r := post(t, "/rest/people", `{"city":"Morphville"}`, auth...)
	person := decode[struct{ Data struct{ CreatePerson ref } }](t, r).Data.CreatePerson
	if r.status != http.StatusCreated || person.ID == "" {
		t.Fatalf("POST /rest/people = %d %s", r.status, r.body)
	}
	data[struct{ CreateMorphPet ref }](t, gql(t, "/graphql", a.access, `mutation($p: ID!) { createMorphPet(data: {name: "Rex", ownerPersonId: $p}) { id } }`,
		map[string]any{"p": person.ID}))
	type owners struct {
		MorphPets struct {
			Edges []struct {
				Node struct {
					Name         string
					OwnerPerson  *struct{ City string }
					OwnerCompany *ref
				}
			}
		}
		Person struct {
			MorphPets struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
	}
	got := data[owners](t, gql(t, "/graphql", a.access, `query($p: UUID!) {
		morphPets { edges { node { name ownerPerson { city } ownerCompany { id } } } }
		person(filter: {id: {eq: $p}}) { morphPets { edges { node { name } } } } }`, map[string]any{"p": person.ID}))
	if len(got.MorphPets.Edges) != 1 || got.MorphPets.Edges[0].Node.Name != "Rex" || got.MorphPets.Edges[0].Node.OwnerPerson == nil ||
		got.MorphPets.Edges[0].Node.OwnerPerson.City != "Morphville" || got.MorphPets.Edges[0].Node.OwnerCompany != nil {
		t.Errorf("morphPets on /graphql = %+v, want Rex owned by the person", got.MorphPets)
	}
	if diff := cmp.Diff([]string{"Rex"}, petNames(got.Person.MorphPets.Edges)); diff != "" {
		t.Errorf("person.morphPets (-want +got):\n%s", diff)
	}
}

func petNames(edges []struct{ Node struct{ Name string } }) []string {
	var out []string
	for _, e := range edges {
		out = append(out, e.Node.Name)
	}
	return out
}
