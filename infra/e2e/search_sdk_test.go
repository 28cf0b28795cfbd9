//go:build e2e

package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// TestSearchWithAGeneratedCoreClient generates Twenty's core client from the schema our /graphql
// serves (twenty-client-sdk's generateCoreClientFromSchema, as Twenty's apps do; sdk/coresearch.mjs)
// and runs search with it: a person found by a prefix of her name, accents aside.
func TestSearchWithAGeneratedCoreClient(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	person := data[struct{ CreatePerson struct{ ID string } }](t, gql(t, "/graphql", a.access,
		`mutation { createPerson(data: {name: {firstName: "Éloïse", lastName: "Generated"}}) { id } }`, nil)).CreatePerson.ID
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "coresearch.mjs"),
		s.BaseURL, a.access, t.TempDir(), "elo")
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node coresearch.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Search struct {
			Edges []struct {
				Node struct {
					RecordID, ObjectNameSingular, Label string
					TsRank                              float64
				}
			}
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("coresearch.mjs printed %q: %v", out, err)
	}
	if len(got.Search.Edges) != 1 {
		t.Fatalf("search through the generated core client = %s, want Éloïse alone", out)
	}
	if n := got.Search.Edges[0].Node; n.RecordID != person || n.ObjectNameSingular != "person" || n.Label != "Éloïse Generated" || n.TsRank <= 0 {
		t.Errorf("search through the generated core client = %+v", n)
	}
}
