//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestRecordEventsGoOnTheQueueOnlyForItsConsumers: in a workspace with no webhook, no workflow
// trigger and no event stream open, a person's creation still writes its timeline activity, and
// its events leave the outbox without a job on the queue. Once a webhook exists, the very next
// creation goes on the queue and reaches it: the relay reads the webhooks as they are after the
// write, not from a cache.
func TestRecordEventsGoOnTheQueueOnlyForItsConsumers(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	runs := func() int {
		counts := decode[map[string]int](t, get(t, "/__dev/svc/jobs/runs?type=database.event&workspace="+a.workspaceID))
		return counts["succeeded"] + counts["retrying"] + counts["dead"]
	}
	pending := func() int { return outboxRows(t, a) }
	create := func(city string) string { return createdPerson(t, a, city) }

	eventually(t, 10*time.Second, "the onboarding's events relayed", func() bool { return pending() == 0 })
	time.Sleep(500 * time.Millisecond)
	before := runs()
	id := create("Unheard")
	eventually(t, 10*time.Second, "the creation's events relayed", func() bool { return pending() == 0 })
	eventually(t, 10*time.Second, "the creation's timeline activity", func() bool {
		r := get(t, "/rest/timelineActivities?filter=targetPersonId[eq]:"+id, auth...)
		var out struct {
			Data struct {
				TimelineActivities []struct{ Name string } `json:"timelineActivities"`
			} `json:"data"`
		}
		return r.status == http.StatusOK && json.Unmarshal(r.body, &out) == nil &&
			len(out.Data.TimelineActivities) == 1 && out.Data.TimelineActivities[0].Name == "person.created"
	})
	time.Sleep(time.Second) // a job, had there been one, has run by now
	if got := runs(); got != before {
		t.Fatalf("database.event jobs of a workspace nobody listens to = %d, want %d: its events went on the queue", got, before)
	}

	rc := newWebhookReceiver(t)
	createWebhook(t, a.access, rc.URL+"/heard", []string{"person.created"}, "")
	heard := create("Heard")
	eventually(t, 15*time.Second, "the webhook of the creation right after the webhook's", func() bool {
		for _, p := range rc.received("/heard") {
			var b struct {
				Record struct{ ID string } `json:"record"`
			}
			if json.Unmarshal(p.body, &b) == nil && b.Record.ID == heard {
				return true
			}
		}
		return false
	})
	// The job's run is counted once it has fanned out, which can be after the webhook's POST.
	eventually(t, 10*time.Second, "the creation with a webhook counted as a database.event job", func() bool { return runs() >= before+1 })
	time.Sleep(time.Second) // a second job, had there been one, has run by now
	if got := runs(); got != before+1 {
		t.Errorf("database.event jobs = %d, want %d: the creation with a webhook went on the queue once", got, before+1)
	}
}
