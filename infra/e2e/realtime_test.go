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
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/infra/devstack"
)

// streamEvent is one record event as infra/e2e/sdk/realtime.mjs reports it.
type streamEvent struct {
	Action, Object, RecordID string
	QueryIDs                 []string `json:"queryIds"`
	City, FirstName          *string
	UserID                   *string
	UpdatedFields            []string
	DiffCity                 map[string]any
}

type streamReport struct {
	A, B struct {
		Events         []streamEvent
		MetadataEvents []struct{ Type, MetadataName string }
		Payloads       int
		Errors         []map[string]any
	}
	Adds     []bool
	Foreign  any
	WaitedMs int
}

// TestRealtimeEventStreams checks Twenty's event streams end to end with the clients Twenty's
// front end uses (graphql-sse) and, beyond Twenty, graphql-ws: a member of workspace A
// subscribes and registers two filtered person queries, a member of workspace B subscribes with
// an unfiltered one; A's member creates, updates and deletes matching and non-matching people
// through REST and GraphQL; A's client receives exactly the four matching events with the right
// queryIds and properties, and the metadata event of an object A's member creates; B's client
// none, and B cannot register a query on A's stream.
func TestRealtimeEventStreams(t *testing.T) {
	for _, mode := range []string{"sse", "ws"} {
		t.Run(mode, func(t *testing.T) { testRealtime(t, mode) })
	}
}

func testRealtime(t *testing.T, mode string) {
	s := need(t)
	a, b := onboard(t, "/metadata"), onboard(t, "/metadata")
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "realtime.mjs"),
		s.BaseURL, mode, "4:1", a.access, b.access)
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
		t.Fatalf("realtime.mjs did not get ready: %q\n%s", lines.Text(), stderr.String())
	}

	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	created := func(r reply, key string) string {
		t.Helper()
		expect(r, http.StatusCreated, "POST "+key)
		return decode[struct {
			Data map[string]struct{ ID string }
		}](t, r).Data[key].ID
	}
	gqlData := func(query string) map[string]struct{ ID string } {
		t.Helper()
		return data[map[string]struct{ ID string }](t, gql(t, "/graphql", a.access, query, nil))
	}
	mutated := time.Now()
	ada := created(send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Ada","lastName":"Lovelace"},"city":"Paris"}`), "createPerson")
	alan := created(send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Alan","lastName":"Turing"},"city":"Rome"}`), "createPerson")
	grace := gqlData(`mutation { createPerson(data: {name: {firstName: "Grace", lastName: "Hopper"}, city: "Lyon"}) { id } }`)["createPerson"].ID
	expect(send(http.MethodPatch, "/rest/people/"+ada, `{"city":"Rome"}`), http.StatusOK, "PATCH Ada to Rome")
	gqlData(fmt.Sprintf(`mutation { updatePerson(id: %q, data: {jobTitle: "Mathematician"}) { id } }`, alan))
	expect(send(http.MethodDelete, "/rest/people/"+grace+"?soft_delete=true", ""), http.StatusOK, "soft DELETE Grace")
	gqlData(fmt.Sprintf(`mutation { deletePerson(id: %q) { id } }`, alan))
	// A metadata change reaches every stream of the workspace as a metadata event.
	data[map[string]any](t, gql(t, "/metadata", a.access, `mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"object": map[string]any{
			"nameSingular": "rocket" + mode, "namePlural": "rockets" + mode, "labelSingular": "Rocket", "labelPlural": "Rockets"}}}))
	if _, err := fmt.Fprintln(stdin, "done"); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() {
		t.Fatalf("realtime.mjs printed no report\n%s", stderr.String())
	}
	var got streamReport
	if err := json.Unmarshal(lines.Bytes(), &got); err != nil {
		t.Fatalf("realtime.mjs printed %q: %v", lines.Text(), err)
	}
	t.Logf("%s: A's events complete %d ms after the last mutation was answered (%v after the first)", mode, got.WaitedMs, time.Since(mutated).Round(time.Millisecond))

	str := func(s string) *string { return &s }
	want := []streamEvent{
		{Action: "CREATED", Object: "person", RecordID: ada, QueryIDs: []string{"paris"}, City: str("Paris"), FirstName: str("Ada")},
		{Action: "UPDATED", Object: "person", RecordID: ada, QueryIDs: []string{"paris"}, City: str("Rome"), FirstName: str("Ada"),
			UpdatedFields: []string{"city"}, DiffCity: map[string]any{"before": "Paris", "after": "Rome"}},
		{Action: "CREATED", Object: "person", RecordID: grace, QueryIDs: []string{"grace"}, City: str("Lyon"), FirstName: str("Grace")},
		{Action: "DELETED", Object: "person", RecordID: grace, QueryIDs: []string{"grace"}, City: str("Lyon"), FirstName: str("Grace")},
	}
	events := got.A.Events
	for i := range events {
		if events[i].UserID == nil || *events[i].UserID == "" {
			t.Errorf("event %s %s has no userId", events[i].Action, events[i].RecordID)
		}
		events[i].UserID = nil
		if events[i].Action == "DELETED" {
			events[i].UpdatedFields = nil // Twenty's soft delete names deletedAt; not what this test is about
			events[i].DiffCity = nil
		}
	}
	// Events of different records may come in any order; one record's come in order.
	order := map[string]int{ada: 0, grace: 1}
	slices.SortStableFunc(events, func(x, y streamEvent) int { return order[x.RecordID] - order[y.RecordID] })
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("A's events (-want +got):\n%s", diff)
	}
	if len(got.A.MetadataEvents) != 1 || got.A.MetadataEvents[0].Type != "CREATED" || got.A.MetadataEvents[0].MetadataName != "objectMetadata" {
		t.Errorf("A's metadata events = %+v, want the object's CREATED objectMetadata", got.A.MetadataEvents)
	}
	if len(got.B.Events)+len(got.B.MetadataEvents) != 0 || len(got.A.Errors)+len(got.B.Errors) != 0 {
		t.Errorf("B received %+v %+v; errors A %v B %v", got.B.Events, got.B.MetadataEvents, got.A.Errors, got.B.Errors)
	}
	if !slices.Equal(got.Adds, []bool{true, true, true}) || got.Foreign != false {
		t.Errorf("addQueryToEventStream answered %v, and B on A's stream %v; want true ×3 and false", got.Adds, got.Foreign)
	}
}
