//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/infra/devstack"
)

// TestRealtimeFollowsRoles: a colleague whose role may not read opportunities and hides
// person.jobTitle subscribes (graphql-sse, and graphql-ws) next to the admin; the admin creates
// a person and an opportunity; the colleague's stream gets the person without jobTitle and no
// opportunity, the admin's both, whole.
func TestRealtimeFollowsRoles(t *testing.T) {
	for _, mode := range []string{"sse", "ws"} {
		t.Run(mode, func(t *testing.T) { testRealtimeFollowsRoles(t, mode) })
	}
}

func testRealtimeFollowsRoles(t *testing.T, mode string) {
	s := need(t)
	p := newPermWorkspace(t)
	role := p.createRole(t, map[string]any{"label": "No deals", "canReadAllObjectRecords": true, "canUpdateAllObjectRecords": true,
		"canSoftDeleteAllObjectRecords": true, "canDestroyAllObjectRecords": true})
	data[struct {
		UpsertObjectPermissions []struct{ ObjectMetadataID string }
	}](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $in) { objectMetadataId } }`,
		map[string]any{"in": map[string]any{"roleId": role, "objectPermissions": []any{map[string]any{"objectMetadataId": p.objects["opportunity"],
			"canReadObjectRecords": false, "canUpdateObjectRecords": false, "canSoftDeleteObjectRecords": false, "canDestroyObjectRecords": false}}}}))
	data[struct{ UpsertFieldPermissions []struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertFieldPermissionsInput!) { upsertFieldPermissions(upsertFieldPermissionsInput: $in) { id } }`,
		map[string]any{"in": map[string]any{"roleId": role, "fieldPermissions": []any{map[string]any{"objectMetadataId": p.objects["person"],
			"fieldMetadataId": p.fields["person.jobTitle"], "canReadFieldValue": false, "canUpdateFieldValue": false}}}}))
	data[struct{ UpdateWorkspaceMemberRole struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($m: UUID!, $r: UUID!) { updateWorkspaceMemberRole(workspaceMemberId: $m, roleId: $r) { id } }`,
		map[string]any{"m": p.colleagueMemberID, "r": role}))

	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "realtimeperms.mjs"),
		s.BaseURL, mode, p.admin.access, p.colleague)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	if !lines.Scan() || lines.Text() != `{"ready":true}` {
		t.Fatalf("realtimeperms.mjs did not get ready: %q\n%s", lines.Text(), stderr.String())
	}

	send, expect := sender(t, []string{"Authorization", "Bearer " + p.admin.access, "Content-Type", "application/json"})
	r := send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Ada"},"city":"Paris","jobTitle":"CEO"}`)
	expect(r, http.StatusCreated, "POST a person")
	person := decode[struct {
		Data struct{ CreatePerson struct{ ID string } }
	}](t, r).Data.CreatePerson.ID
	r = send(http.MethodPost, "/rest/opportunities", `{"name":"Big deal"}`)
	expect(r, http.StatusCreated, "POST an opportunity")
	opp := decode[struct {
		Data struct{ CreateOpportunity struct{ ID string } }
	}](t, r).Data.CreateOpportunity.ID
	if _, err := fmt.Fprintln(stdin, "done"); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() {
		t.Fatalf("realtimeperms.mjs printed no report\n%s", stderr.String())
	}
	type event struct {
		Action, Object, RecordID string
		QueryIDs                 []string `json:"queryIds"`
		Keys                     []string
	}
	var got []struct {
		Events []event
		Errors []map[string]any
	}
	if err := json.Unmarshal(lines.Bytes(), &got); err != nil || len(got) != 2 {
		t.Fatalf("realtimeperms.mjs printed %q: %v", lines.Text(), err)
	}
	// Who reads what: the record's keys matter only for jobTitle.
	type seen struct {
		Action, Object, RecordID string
		QueryIDs                 []string
		JobTitle                 bool
	}
	summarize := func(events []event) []seen {
		out := make([]seen, 0, len(events))
		for _, e := range events {
			out = append(out, seen{e.Action, e.Object, e.RecordID, e.QueryIDs, slices.Contains(e.Keys, "jobTitle")})
		}
		slices.SortFunc(out, func(a, b seen) int { return strings.Compare(a.Object, b.Object) })
		return out
	}
	want := [][]seen{
		{{"CREATED", "opportunity", opp, []string{"opportunities"}, false}, {"CREATED", "person", person, []string{"people"}, true}},
		{{"CREATED", "person", person, []string{"people"}, false}},
	}
	for i, who := range []string{"admin", "colleague"} {
		if len(got[i].Errors) > 0 {
			t.Errorf("%s's stream errors: %v", who, got[i].Errors)
		}
		if diff := cmp.Diff(want[i], summarize(got[i].Events)); diff != "" {
			t.Errorf("%s's events (-want +got):\n%s", who, diff)
		}
	}
	// The colleague's person event still has the fields it may read.
	if len(got[1].Events) == 1 && !slices.Contains(got[1].Events[0].Keys, "city") {
		t.Errorf("the colleague's person event keys = %v, want city among them", got[1].Events[0].Keys)
	}
}
