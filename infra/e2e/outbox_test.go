//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestOutboxKeepsEventsARelayNeverSent stands for a records isolate that dies between a
// mutation's write and the relay of its events: with the relay paused, creating, updating and
// deleting a person leaves their three events in the shard's outbox (written in the mutation's
// own batch) and none on the queue; the sweep then relays each of them, and a second sweep
// relays nothing more.
func TestOutboxKeepsEventsARelayNeverSent(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	runs := func() int {
		return decode[map[string]int](t, get(t, "/__dev/svc/jobs/runs?type=database.event&workspace="+a.workspaceID))["succeeded"]
	}
	pending := func() int {
		return decode[map[string]int](t, get(t, "/__dev/svc/records/outbox"))[a.workspaceID]
	}
	if r := post(t, "/__dev/svc/records/outbox/relay?paused=true", ""); r.status != 200 {
		t.Fatalf("pause the relay = %d %s", r.status, r.body)
	}
	paused := true
	t.Cleanup(func() {
		if paused {
			post(t, "/__dev/svc/records/outbox/relay?paused=false", "")
		}
	})
	before := runs()
	created := post(t, "/rest/people", `{"city":"Outbox"}`, auth...)
	if created.status != 201 {
		t.Fatalf("POST /rest/people = %d %s", created.status, created.body)
	}
	id := decode[struct {
		Data struct {
			CreatePerson struct{ ID string } `json:"createPerson"`
		} `json:"data"`
	}](t, created).Data.CreatePerson.ID
	if r := call(t, "PATCH", "/rest/people/"+id, strings.NewReader(`{"city":"Outboxed"}`), auth...); r.status != 200 {
		t.Fatalf("PATCH = %d %s", r.status, r.body)
	}
	if r := call(t, "DELETE", "/rest/people/"+id, nil, auth...); r.status != 200 {
		t.Fatalf("DELETE = %d %s", r.status, r.body)
	}
	if got := pending(); got != 3 {
		t.Fatalf("outbox rows of the workspace = %d, want 3 (created, updated, deleted)", got)
	}
	time.Sleep(2 * time.Second) // what a relay would have sent by now has been consumed
	if got := runs(); got != before {
		t.Fatalf("database.event runs = %d with the relay paused, want %d", got, before)
	}

	if r := post(t, "/__dev/svc/records/outbox/relay?paused=false", ""); r.status != 200 {
		t.Fatalf("resume the relay = %d %s", r.status, r.body)
	}
	paused = false
	sweep := decode[map[string]int](t, post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s", ""))
	if sweep["Sent"] < 3 {
		t.Fatalf("sweep = %v, want the 3 rows sent", sweep)
	}
	if got := pending(); got != 0 {
		t.Errorf("outbox rows after the sweep = %d, want 0", got)
	}
	eventually(t, 20*time.Second, "the 3 swept events consumed", func() bool { return runs() >= before+3 })
	again := decode[map[string]int](t, post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s", ""))
	time.Sleep(2 * time.Second)
	if got := runs(); got != before+3 || again["Rows"] != 0 {
		t.Errorf("after a second sweep (%v): %d runs, want %d", again, got, before+3)
	}
	t.Logf("outbox: 3 events held while the relay was down, %s", fmt.Sprint(sweep))
}
