package gqlapi

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSDLGolden pins the schema of the standard objects.
func TestSDLGolden(t *testing.T) {
	got := SDL(metadata.StandardObjects())
	path := filepath.Join("testdata", "standard.graphql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("SDL of the standard objects (-golden +got):\n%s", diff)
	}
}

// TestSDLIsDeterministic checks that the order of the objects does not change the schema.
func TestSDLIsDeterministic(t *testing.T) {
	objs := objects()
	want := SDL(objs)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		shuffled := slices.Clone(objs)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := SDL(shuffled); got != want {
			t.Fatalf("SDL depends on the order of the objects:\n%s", cmp.Diff(want, got))
		}
	}
}

// TestSDLNames checks the names Twenty gives the types of a custom object's fields, and what the
// schema leaves out: objects whose names clash, inactive objects and fields, options that cannot
// be enum values.
func TestSDLNames(t *testing.T) {
	p := pet()
	p.Fields = append(p.Fields,
		metadata.Field{Type: metadata.TypeSelect, Name: "size", IsActive: true, IsNullable: true,
			Options: []metadata.Option{{Value: "1"}, {Value: "2"}}},
		metadata.Field{Type: metadata.TypeText, Name: "secret", IsNullable: true},
	)
	clash := metadata.CustomObject("pageInfo", "pageInfos", "Page info", "Page infos")
	inactive := metadata.CustomObject("ghost", "ghosts", "Ghost", "Ghosts")
	inactive.IsActive = false
	objs := objects()
	objs[len(objs)-1] = p
	objs = append(objs, clash, inactive)
	sdl := SDL(objs)
	for _, want := range []string{
		"enum PetSpeciesEnum {",
		"input PetSpeciesEnumFilter {",
		"  species: PetSpeciesEnum\n",
		"  tags: [PetTagsEnum!]\n",
		"  tags: PetTagsEnumFilter\n",
		"  nicknames: [String]\n",
		"  nicknames: ArrayFilter\n",
		"  price: Currency\n",
		"  price: CurrencyFilterInput\n",
		"  price: CurrencyOrderByInput\n",
		"  price: CurrencyCreateInput\n",
		"  size: String\n",
		"  size: SelectFilter\n",
		"  pets(first: Int, last: Int, offset: Int, before: String, after: String, filter: PetFilterInput, orderBy: [PetOrderByInput]): PetConnection\n",
		"  pet(filter: PetFilterInput!): Pet\n",
		"  createPets(data: [PetCreateInput!]!, upsert: Boolean): [Pet!]\n",
		"  mergePeople(ids: [UUID!]!, conflictPriorityIndex: Int!, dryRun: Boolean): Person\n",
		"  personDuplicates(ids: [UUID], data: [PersonCreateInput!]): [PersonConnection!]\n",
		"  petsGroupBy(groupBy: [PetGroupByInput!]!, filter: PetFilterInput, orderBy: [PetOrderByWithGroupByInput], orderByForRecords: [PetOrderByInput], viewId: UUID, limit: Int, offsetForRecords: Int): [PetGroupByConnection!]\n",
		"type PetGroupByConnection {\n",
		"  groupByDimensionValues: JSON!\n",
		"  born: GroupByDateGranularityInput\n",
		"  born: OrderByDateGranularityInput\n",
		"  price: CurrencyGroupByInput\n",
		"  tags: Boolean\n",
		"  sumWeight: Float\n",
		"  minBorn: DateTime\n",
		"  countTrueVaccinated: Int\n",
		"  sumWeight: OrderByDirection\n",
		// The pet's links from the standard objects.
		"  pet: Pet\n",
		"  petId: ID\n",
		"  noteTargets(first: Int, last: Int, offset: Int, before: String, after: String, filter: NoteTargetFilterInput, orderBy: [NoteTargetOrderByInput]): NoteTargetConnection\n",
	} {
		if !strings.Contains(sdl, want) {
			t.Errorf("SDL has no %q", want)
		}
	}
	for _, absent := range []string{"petDuplicates", "mergePets", "secret", "pageInfos", "Ghost", "searchVector"} {
		if strings.Contains(sdl, absent) {
			t.Errorf("SDL has %q", absent)
		}
	}
	if _, err := New(objs); err != nil {
		t.Errorf("New: %v", err)
	}
	if _, err := New(nil); err == nil {
		t.Error("New(nil) succeeded, want an error: a schema needs a Query field")
	}
}

func TestPascal(t *testing.T) {
	for in, want := range map[string]string{
		"person": "Person", "noteTarget": "NoteTarget", "postObjX": "PostObjX",
		"FULL_NAME": "FullName", "RICH_TEXT_V2": "RichTextV2", "ACTOR": "Actor", "": "",
	} {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
}
