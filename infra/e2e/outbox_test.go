//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestOutboxKeepsEventsARelayNeverSent stands for a records isolate that dies between a
// mutation's write and the relay of its events: with the relay paused, creating, updating and
// deleting a person leaves their three events in the shard's outbox (written in the mutation's
// own batch), none on the queue and no webhook sent. The rows are then relayed twice (once kept,
// as by a relay whose delete was lost, then by the sweep, which deletes them), and the webhook
// receiver gets each event exactly once.
func TestOutboxKeepsEventsARelayNeverSent(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	rc := newWebhookReceiver(t)
	createWebhook(t, a.access, rc.URL+"/outbox", []string{"person.*"}, "")
	delivered := func() map[string]int {
		out := map[string]int{}
		for _, p := range rc.received("/outbox") {
			var b struct{ EventName string }
			if err := json.Unmarshal(p.body, &b); err != nil {
				t.Fatalf("webhook body %s: %v", p.body, err)
			}
			out[b.EventName]++
		}
		return out
	}
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
		t.Fatalf("outbox rows of the workspace = %d, want 3 (created, updated, destroyed)", got)
	}
	time.Sleep(2 * time.Second) // what a relay would have sent by now has been consumed
	if got := runs(); got != before || len(delivered()) != 0 {
		t.Fatalf("with the relay paused: %d database.event runs (want %d), webhooks %v (want none)", got, before, delivered())
	}

	if r := post(t, "/__dev/svc/records/outbox/relay?paused=false", ""); r.status != 200 {
		t.Fatalf("resume the relay = %d %s", r.status, r.body)
	}
	paused = false
	kept := decode[map[string]int](t, post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s&keep=true", ""))
	if kept["Sent"] < 3 || pending() != 3 {
		t.Fatalf("relay keeping the rows = %v, %d rows left; want 3 sent and 3 kept", kept, pending())
	}
	sweep := decode[map[string]int](t, post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s", ""))
	if sweep["Sent"] < 3 {
		t.Fatalf("sweep = %v, want the 3 rows sent", sweep)
	}
	if got := pending(); got != 0 {
		t.Errorf("outbox rows after the sweep = %d, want 0", got)
	}
	want := map[string]int{"person.created": 1, "person.updated": 1, "person.destroyed": 1} // REST DELETE destroys
	eventually(t, 20*time.Second, "the 3 webhooks", func() bool { return len(delivered()) == 3 })
	again := decode[map[string]int](t, post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s", ""))
	time.Sleep(2 * time.Second)
	if diff := cmp.Diff(want, delivered()); diff != "" || again["Rows"] != 0 {
		t.Errorf("webhooks after two relays and a third sweep (%v) (-want +got):\n%s", again, diff)
	}
	if got := runs(); got != before+6 {
		t.Errorf("database.event runs = %d, want %d (two relays of 3 events)", got, before+6)
	}
	t.Logf("outbox: 3 events held while the relay was down, %s", fmt.Sprint(sweep))
}
